from django.urls import path

from . import views, views_casefile, views_templates

app_name = "documents"

urlpatterns = [
    path("settings/", views.document_settings, name="settings"),
    path("settings/templates/", views_templates.document_templates, name="templates"),
    path("settings/templates/<int:bureau>/", views_templates.document_templates, name="templates_of"),
    path("settings/templates/<int:bureau>/<slug:kind>/template.docx", views_templates.template_download,
         name="template_download"),
    path("settings/templates/<int:bureau>/<slug:kind>/upload/", views_templates.template_upload, name="template_upload"),
    path("settings/templates/<int:bureau>/<slug:kind>/revert/", views_templates.template_revert, name="template_revert"),
    path("cases/<int:pk>/", views.case_documents, name="case_documents"),
    path("cases/<int:pk>/preview/<slug:kind>/", views.preview, name="preview"),
    path("cases/<int:pk>/issue/<slug:kind>/", views.issue, name="issue"),
    path("cases/<int:pk>/documents/<int:doc>/correct/", views.correct, name="correct"),
    path("cases/<int:pk>/documents/<int:doc>/rerender/", views.rerender, name="rerender"),
    # The case file PDF is built by a background job (views_casefile); the ZIP downloads at once.
    path("cases/<int:pk>/file.pdf", views_casefile.case_file_pdf, name="case_file_pdf"),
    path("cases/<int:pk>/casefile/", views_casefile.case_file_state, name="case_file_state"),
    path("cases/<int:pk>/casefile/request/", views_casefile.request_case_file, name="case_file_request"),
    path("cases/<int:pk>/casefile/<int:build>/download.pdf", views_casefile.download_case_file_build,
         name="case_file_build"),
    path("cases/<int:pk>/file.<str:fmt>", views.case_file, name="case_file"),
    path("<int:doc>/download.<str:fmt>", views.download, name="download"),
]
