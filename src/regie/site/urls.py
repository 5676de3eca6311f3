from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from regie.site import views

admin.site.site_header = "Regie beheer"
admin.site.site_title = "Regie"
admin.site.index_title = "Beheer van de regio"

urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", auth_views.LoginView.as_view(template_name="regie/login.html"), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("regie.site.api_urls")),
]
