from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "regie.site"
    label = "site"
    verbose_name = "Regie: gebruikers en rollen"
