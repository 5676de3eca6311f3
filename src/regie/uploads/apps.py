from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "regie.uploads"
    label = "uploads"
    verbose_name = "Regie: aanleveren (inleesopdrachten)"
