from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/by-rule/", views.rule_summary, name="rule_summary"),
    path("findings/by-institution/", views.institution_summary, name="institution_summary"),
    path("findings/export.xlsx", views.finding_export, name="finding_export"),
    path("findings/bulk/", views.finding_bulk, name="finding_bulk"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/transition/", views.finding_transition, name="finding_transition"),
    # Leads moved to case handling: old bookmarks land on the new pages (query string kept).
    path("leads/", RedirectView.as_view(pattern_name="cases:lead_list", query_string=True, permanent=True)),
    path("leads/new/", RedirectView.as_view(pattern_name="cases:lead_create", permanent=True)),
    path("leads/<int:pk>/", RedirectView.as_view(pattern_name="cases:lead_detail", permanent=True)),
]
