# The 调查终结报告 in its parts (services/report.py); a case already past its investigation keeps its report text,
# copied into a report drafted by whoever ended the investigation.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def reports_from_text(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseStep = apps.get_model("cases", "CaseStep")
    InvestigationReport = apps.get_model("cases", "InvestigationReport")
    for case in Case.objects.exclude(investigation_report="").iterator():
        step = (CaseStep.objects.filter(case=case, action="finish_investigation").order_by("-at", "-id").first())
        if step is None or step.actor_id is None:
            continue
        InvestigationReport.objects.create(case=case, facts=case.investigation_report, drafted_by_id=step.actor_id,
                                           drafted_on=django.utils.timezone.localdate(step.at), drafted_at=step.at)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_hearing_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='InvestigationReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.TextField(blank=True, verbose_name='案件来源与立案情况')),
                ('process', models.TextField(blank=True, verbose_name='调查经过')),
                ('facts', models.TextField(blank=True, verbose_name='违法事实')),
                ('basis', models.JSONField(blank=True, default=list, verbose_name='违法行为的性质与依据（适用条款及权责事项）')),
                ('nature', models.TextField(blank=True, verbose_name='违法行为的性质')),
                ('proposal', models.CharField(blank=True, choices=[('penalty', '给予行政处罚'), ('no_penalty', '不予行政处罚'), ('not_established', '违法事实不能成立'), ('transfer', '移送其他行政机关处理'), ('judiciary', '移送司法机关')], max_length=20, verbose_name='处理意见')),
                ('measures', models.TextField(blank=True, verbose_name='处罚种类与幅度')),
                ('fine', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='拟罚款（元）')),
                ('discretion', models.TextField(blank=True, verbose_name='自由裁量理由')),
                ('grade', models.JSONField(blank=True, default=dict, verbose_name='裁量档次（测算）')),
                ('drafted_on', models.DateField(verbose_name='起草日期')),
                ('drafted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='登记时间')),
                ('superseded_at', models.DateTimeField(blank=True, null=True, verbose_name='被取代时间')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='cases.case', verbose_name='案件')),
                ('drafted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='起草人')),
                ('evidence', models.ManyToManyField(blank=True, related_name='reports', to='cases.evidence', verbose_name='证据')),
                ('superseded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.investigationreport', verbose_name='取代它的报告')),
            ],
            options={
                'verbose_name': '调查终结报告',
                'verbose_name_plural': '调查终结报告',
                'ordering': ['case', 'drafted_at', 'id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('superseded_at__isnull', True)), fields=('case',), name='cases_report_one_current')],
            },
        ),
        migrations.RunPython(reports_from_text, migrations.RunPython.noop),
    ]
