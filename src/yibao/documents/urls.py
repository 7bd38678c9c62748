from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("settings/", views.document_settings, name="settings"),
    path("cases/<int:pk>/", views.case_documents, name="case_documents"),
    path("cases/<int:pk>/preview/<slug:kind>/", views.preview, name="preview"),
    path("cases/<int:pk>/issue/<slug:kind>/", views.issue, name="issue"),
    path("cases/<int:pk>/documents/<int:doc>/correct/", views.correct, name="correct"),
    path("cases/<int:pk>/documents/<int:doc>/rerender/", views.rerender, name="rerender"),
    path("cases/<int:pk>/file.<str:fmt>", views.case_file, name="case_file"),
    path("<int:doc>/download.<str:fmt>", views.download, name="download"),
]
