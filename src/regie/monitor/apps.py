from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "regie.monitor"
    label = "monitor"
    verbose_name = "Regie: monitor (indicatoren, scorekaarten, prognose)"
