from django.urls import path

from . import lead_views, views, views_board, views_investigation, views_parameters, views_workbench

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("register.xlsx", views.case_register, name="case_register"),
    path("workbench/", views_workbench.workbench, name="workbench"),
    path("board/", views_board.supervision_board, name="supervision_board"),
    path("board/export.xlsx", views_board.board_export, name="supervision_board_export"),
    path("file/", views.case_file, name="case_file"),
    path("summary/", views.case_summary, name="case_summary"),
    path("parameters/", views_parameters.case_parameters, name="case_parameters"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/act/<slug:action>/", views.case_act, name="case_act"),
    path("<int:pk>/investigation/", views_investigation.investigation, name="investigation"),
    path("<int:pk>/investigation/evidence/", views_investigation.evidence_upload, name="evidence_upload"),
    path("<int:pk>/investigation/records/<slug:kind>/<int:record>/", views_investigation.record_detail,
         name="investigation_record"),
    path("<int:pk>/investigation/<slug:act>/", views_investigation.investigation_act, name="investigation_act"),
    path("evidence/files/<int:pk>/", views_investigation.evidence_download, name="evidence_download"),
    path("leads/", lead_views.lead_list, name="lead_list"),
    path("leads/new/", lead_views.lead_create, name="lead_create"),
    path("leads/<int:pk>/", lead_views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/status/", lead_views.lead_status, name="lead_status"),
]
