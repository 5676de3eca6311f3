from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "regie.dossiers"
    label = "dossiers"
    verbose_name = _("Kansen- en risicodossiers")

    def ready(self) -> None:
        """Open high risks and the results of awarded dossiers go on the dialogue agenda
        (``regie.relations.agenda``, kinds ``risks`` and ``opportunities``)."""
        from regie.dossiers.services import agenda_opportunities, agenda_risks  # noqa: PLC0415 - models ready now
        from regie.relations import agenda  # noqa: PLC0415 - idem

        agenda.register("risks", agenda_risks)
        agenda.register("opportunities", agenda_opportunities)
