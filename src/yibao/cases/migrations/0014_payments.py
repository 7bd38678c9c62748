# Payments of the fine one by one; the receipt and finality of a 复议 or 诉讼 outcome.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def payments_of_executed_cases(apps, schema_editor):
    """A fine recorded as paid in full before payments were kept one by one becomes one payment row, by whoever
    recorded the payment (the timeline's step), so the sums and the page agree for old cases too."""
    Case = apps.get_model("cases", "Case")
    CaseStep = apps.get_model("cases", "CaseStep")
    Payment = apps.get_model("cases", "Payment")
    paid = Case.objects.filter(executed=True, paid_on__isnull=False, decided_fine__gt=0, decision_set_aside=False)
    for case in paid.iterator():
        step = CaseStep.objects.filter(case=case, action="record_payment").order_by("-id").first()
        if step is None or step.actor_id is None:
            continue
        Payment.objects.create(case=case, paid_on=case.paid_on, amount=case.decided_fine,
                               reference=(step.reason or "")[:100], recorded_by_id=step.actor_id)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_board_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='remedy',
            name='final',
            field=models.BooleanField(default=False, help_text='不能再上诉的判决', verbose_name='终审判决（二审）'),
        ),
        migrations.AddField(
            model_name='remedy',
            name='received_on',
            field=models.DateField(blank=True, help_text='起诉、上诉的期限自收到之日起算；未填的按决定或判决日期', null=True,
                                   verbose_name='当事人收到复议决定书或判决书日期'),
        ),
        migrations.CreateModel(
            name='Payment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('paid_on', models.DateField(verbose_name='缴款日期')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='金额（元）')),
                ('reference', models.CharField(blank=True, max_length=100, verbose_name='缴款凭证号')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='payments',
                                           to='cases.case', verbose_name='案件')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                                  to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
            ],
            options={
                'verbose_name': '缴款',
                'verbose_name_plural': '缴款',
                'ordering': ['case', 'paid_on', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)),
                                                       name='cases_payment_positive')],
            },
        ),
        migrations.RunPython(payments_of_executed_cases, migrations.RunPython.noop),
    ]
