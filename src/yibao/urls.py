"""URL routes: each domain app owns its own urls module."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from yibao.api.main import api
from yibao.core.forms import LoginForm
from yibao.documents.views import verify
from yibao.monitoring.prescreen.api import prescreen

urlpatterns = [
    path("", include("yibao.core.urls")),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=LoginForm),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("yibao.org.auth.urls")),
    path("org/", include("yibao.org.urls")),
    path("catalog/", include("yibao.catalog.urls")),
    path("law/", include("yibao.law.urls")),
    path("deadlines/", include("yibao.deadlines.urls")),
    # The pre-screen stays a plain view (its fast path); the rest of /api/v1/ is the Ninja API.
    path("api/v1/prescreen", prescreen, name="prescreen"),
    path("api/v1/", api.urls),
    path("api-tokens/", include("yibao.api.urls")),
    path("monitoring/", include("yibao.monitoring.urls")),
    path("cases/", include("yibao.cases.urls")),
    path("documents/", include("yibao.documents.urls")),
    # Public: anyone holding a document checks its verification code here (core.middleware.OPEN_PREFIXES).
    path("verify/", verify, name="verify"),
    path("seals/", include("yibao.coercion.urls")),
    path("audit/", include("yibao.core.auditlog.urls")),
    path("admin/", admin.site.urls),
]
