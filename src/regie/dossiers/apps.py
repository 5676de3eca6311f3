from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "regie.dossiers"
    label = "dossiers"
    verbose_name = _("Kansen- en risicodossiers")

    def ready(self) -> None:
        """Open high risks go on the dialogue agenda (``regie.relations.agenda``, kind ``risks``)."""
        from regie.dossiers.services import agenda_risks  # noqa: PLC0415 - models are ready only now
        from regie.relations import agenda  # noqa: PLC0415 - idem

        agenda.register("risks", agenda_risks)
