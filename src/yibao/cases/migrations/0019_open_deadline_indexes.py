"""Partial indexes of the board's stored deadlines over the states each runs in (models.case, Meta.indexes)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_review_since")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(state__in=["filed", "hearing", "investigating", "notified", "under_review"]),
                fields=["due_on"], name="cases_case_open_due"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(state="notified"), fields=["statement_window_ends"],
                               name="cases_case_open_statements"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(state="notified"), fields=["hearing_request_due"],
                               name="cases_case_open_hearing_req"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(state="decided"), fields=["service_due"],
                               name="cases_case_open_service"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(state__in=["enforcing", "served"]), fields=["payment_due"],
                               name="cases_case_open_payment"),
        ),
    ]
