from django.urls import path

from . import views, views_templates

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
    path("cases/<int:pk>/file.<str:fmt>", views.case_file, name="case_file"),
    path("<int:doc>/download.<str:fmt>", views.download, name="download"),
]
