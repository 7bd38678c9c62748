"""The pre-screen's route, for the project urls:

    from yibao.monitoring.prescreen.api import prescreen
    path("api/v1/prescreen", prescreen, name="prescreen"),
"""

from django.urls import path

from .api import prescreen

urlpatterns = [
    path("api/v1/prescreen", prescreen, name="prescreen"),
]
