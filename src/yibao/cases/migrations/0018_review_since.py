"""The day a case went to legal review, stored on the case (the board's 法制审核期限 read it from the timeline)."""

from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone


def fill(apps, schema_editor):
    """Cases under review now: the day of their last timeline step into review, as the board counted it."""
    Case = apps.get_model("cases", "Case")
    CaseStep = apps.get_model("cases", "CaseStep")
    last = (CaseStep.objects.filter(case__state="under_review", to_state="under_review")
            .exclude(from_state="under_review").values("case_id").annotate(at=Max("at")))
    for row in last.iterator():
        Case.objects.filter(pk=row["case_id"]).update(review_since=timezone.localtime(row["at"]).date())


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_investigation_report")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="review_since",
            field=models.DateField(blank=True, null=True, verbose_name="移送法制审核日期"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["bureau", "state", "review_since"], name="cases_case_review_since"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
