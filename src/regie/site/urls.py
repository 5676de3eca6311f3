from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from regie.site import errors, views
from regie.site.pages import (
    access,
    account,
    areas,
    check,
    contracts,
    crossdomain,
    dialogues,
    dossiers,
    funding,
    grip,
    period,
    providers,
    reports,
    scenarios,
    signals,
    tenders,
    upload,
)
from regie.site.security import ThrottledLoginView

admin.site.site_header = "Regie beheer"
admin.site.site_title = "Regie"
admin.site.index_title = "Beheer van de regio"

handler403 = errors.forbidden
handler404 = errors.not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", ThrottledLoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The user's own page: API tokens
    path("mijn-account/", account.account, name="account"),
    path("mijn-account/tokens/<int:pk>/intrekken/", account.revoke, name="account-token-revoke"),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("regie.site.api_urls")),
    # Budget grip: municipality x segment -> provider -> month
    path("berekening/", period.computation_status, name="computation"),
    path("grip/", grip.overview, name="grip"),
    path("grip/<str:municipality>/<str:segment>/", grip.segment_detail, name="grip-segment"),
    path("grip/<str:municipality>/<str:segment>/<str:agb>/", grip.provider_months, name="grip-provider"),
    # Areas side by side and against a year earlier
    path("gebieden/", areas.areas, name="areas"),
    path("clienten-over-domeinen/", crossdomain.cross_domain, name="cross-domain"),
    # Providers: scorecards and the provider page
    path("aanbieders/", providers.provider_list, name="providers"),
    path("aanbieders/<str:agb>/", providers.provider_detail, name="provider"),
    # Data-quality signals and the messages they come from
    path("signalen/", signals.signal_list, name="signals"),
    path("signalen/<int:pk>/", signals.signal_detail, name="signal"),
    path("signalen/<int:pk>/status/", signals.signal_status, name="signal-status"),
    path("signalen/bulk/", signals.signal_bulk, name="signal-bulk"),
    path("berichten/<int:pk>/", signals.message_detail, name="message"),
    # The shared waiting list
    path("wachtlijst/", access.waiting_list, name="waiting-list"),
    path("wachtlijst/aanmelden/", access.register, name="waiting-list-register"),
    path("wachtlijst/verwijzers/", access.referrers, name="waiting-list-referrers"),
    path("wachtlijst/<int:pk>/", access.decide, name="waiting-list-decide"),
    # Funding
    path("bekostiging/", funding.ledger, name="funding"),
    path("bekostiging/vergelijking/", funding.compare, name="funding-compare"),
    path("bekostiging/verzoeken/", funding.inflow_requests, name="inflow-requests"),
    path("bekostiging/verzoeken/nieuw/", funding.inflow_request_new, name="inflow-request-new"),
    path("bekostiging/verzoeken/<int:pk>/besluit/", funding.inflow_request_decide, name="inflow-request-decide"),
    path("bekostiging/herverdeling/", funding.reallocation, name="reallocation"),
    # Procurement: tenders from requirements to award, and the contracts
    path("inkoop/", tenders.tender_list, name="tenders"),
    path("inkoop/aanbestedingen/nieuw/", tenders.tender_new, name="tender-new"),
    path("inkoop/aanbestedingen/<int:pk>/", tenders.tender_detail, name="tender"),
    path("inkoop/aanbestedingen/<int:pk>/gunnen/", tenders.tender_award, name="tender-award"),
    path("inkoop/aanbestedingen/<int:pk>/inschrijven/", tenders.bid_new, name="tender-bid-new"),
    path("inkoop/aanbestedingen/<int:pk>/inschrijvingen/<int:bid>/", tenders.bid_detail, name="tender-bid"),
    path(
        "inkoop/aanbestedingen/<int:pk>/inschrijvingen/<int:bid>/bewijs/<int:evidence>/",
        tenders.evidence_file,
        name="tender-evidence",
    ),
    path("inkoop/contracten/", contracts.contract_list, name="contracts"),
    path("inkoop/contracten/<str:ident>/", contracts.contract_detail, name="contract"),
    path("inkoop/contracten/<str:ident>/optie/", contracts.contract_option, name="contract-option"),
    path("inkoop/contracten/<str:ident>/wijzigen/", contracts.contract_edit, name="contract-edit"),
    # Relationship management: dialogues with providers and their agreements
    path("gesprekken/", dialogues.dialogue_list, name="dialogues"),
    path("gesprekken/plannen/", dialogues.dialogue_plan, name="dialogue-plan"),
    path("gesprekken/<int:pk>/", dialogues.dialogue_detail, name="dialogue"),
    path("gesprekken/<int:pk>.pdf", dialogues.dialogue_pdf, name="dialogue-pdf"),
    path("gesprekken/<int:pk>/<str:what>/", dialogues.dialogue_write, name="dialogue-write"),
    path("afspraken/", dialogues.agreement_list, name="agreements"),
    path("afspraken.xlsx", dialogues.agreements_xlsx, name="agreements-xlsx"),
    path("afspraken/<int:pk>/", dialogues.agreement_action, name="agreement-action"),
    # Opportunity dossiers (the innovation fund) and risk dossiers
    path("kansendossiers/", dossiers.dossier_list, name="opportunity-dossiers"),
    path("kansendossiers/nieuw/", dossiers.dossier_new, name="opportunity-dossier-new"),
    path("kansendossiers/<int:pk>/", dossiers.dossier_detail, name="opportunity-dossier"),
    path("kansendossiers/<int:pk>/beoordeling/", dossiers.dossier_assess, name="opportunity-dossier-assess"),
    path("kansendossiers/<int:pk>/clienten/", dossiers.dossier_clients, name="opportunity-dossier-clients"),
    path("risicodossiers/", dossiers.risk_list, name="risk-dossiers"),
    path("risicodossiers/nieuw/", dossiers.risk_add, name="risk-dossier-add"),
    path("risicodossiers/<int:pk>/", dossiers.risk_change, name="risk-dossier-change"),
    # What if: scenarios on the forecast and the outlook
    path("scenarios/", scenarios.scenario_list, name="scenarios"),
    path("scenarios/vergelijken/", scenarios.scenario_compare, name="scenario-compare"),
    path("scenarios/<int:pk>/", scenarios.scenario_detail, name="scenario"),
    path("langdurige-zorg/", scenarios.long_stays, name="long-stays"),
    path("langdurige-zorg/uitkomst/", scenarios.long_stay_record, name="long-stay-record"),
    # Reports
    path("controleren/", check.check, name="check"),
    # Delivering files: an upload becomes an ingest job (regie.uploads)
    path("aanleveren/", upload.deliver, name="upload"),
    path("aanleveren/<int:pk>/", upload.job_page, name="upload-job"),
    path("aanleveren/<int:pk>/stand/", upload.job_state, name="upload-job-state"),
    path("rapportages/", reports.reports, name="reports"),
    path("rapportages/raad.pdf", reports.council_pdf, name="report-council-pdf"),
    path("rapportages/raad.xlsx", reports.council_xlsx, name="report-council-xlsx"),
    path("rapportages/scorekaart/", reports.provider_choose, name="report-provider-choose"),
    path("rapportages/scorekaart/<str:agb>.pdf", reports.provider_pdf, name="report-provider-pdf"),
    path("rapportages/scorekaart/<str:agb>.xlsx", reports.provider_xlsx, name="report-provider-xlsx"),
    path("rapportages/monitor-sociaal-domein.<str:fmt>", reports.gmsd_export, name="report-gmsd"),
]
