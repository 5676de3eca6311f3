from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "regie.scenarios"
    label = "scenarios"
    verbose_name = "Regie: scenario's, meerjarenprognose en langdurige zorg"
