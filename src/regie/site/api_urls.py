"""The API under /api/v1/, with its OpenAPI schema."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from regie.access import api as access_api
from regie.catalog import api as catalog_api
from regie.dossiers import api as dossiers_api
from regie.monitor import api as monitor_api
from regie.procurement import api as procurement_api
from regie.relations import api as relations_api
from regie.scenarios import api as scenario_api
from regie.site import api_funding, api_reports, api_schema
from regie.site.check_api import CheckView
from regie.uploads import api as uploads_api

router = DefaultRouter()
router.register("municipalities", catalog_api.MunicipalityViewSet, basename="municipality")
router.register("areas", catalog_api.AreaViewSet, basename="area")
router.register("segments", catalog_api.SegmentViewSet, basename="segment")
router.register("providers", catalog_api.ProviderViewSet, basename="provider")
router.register("contracts", catalog_api.ContractViewSet, basename="contract")
router.register("budgets", catalog_api.BudgetViewSet, basename="budget")
router.register("tenders", procurement_api.TenderViewSet, basename="tender")
router.register(r"tenders/(?P<tender_pk>\d+)/bids", procurement_api.BidViewSet, basename="tender-bid")
router.register("ledger", api_funding.LedgerViewSet, basename="ledger-line")
router.register("inflow-requests", api_funding.InflowRequestViewSet, basename="inflow-request")
router.register("reallocations", api_funding.ReallocationViewSet, basename="reallocation")
router.register("signals", monitor_api.SignalViewSet, basename="signal")
router.register("dialogues", relations_api.DialogueViewSet, basename="dialogue")
router.register("agreements", relations_api.AgreementViewSet, basename="agreement")
router.register("opportunity-dossiers", dossiers_api.OpportunityDossierViewSet, basename="opportunity-dossier")
router.register("risk-dossiers", dossiers_api.RiskViewSet, basename="risk-dossier")

urlpatterns = [
    path("contracts/<str:ident>/extend/", procurement_api.ContractOptionView.as_view(), name="api-contract-extend"),
    path("ledger/totals/", api_funding.LedgerTotalsView.as_view(), name="api-ledger-totals"),
    path("", include(router.urls)),
    path("indicators/", monitor_api.IndicatorsView.as_view(), name="api-indicators"),
    path("forecast/", monitor_api.ForecastView.as_view(), name="api-forecast"),
    path("forecast/history/", monitor_api.ForecastHistoryView.as_view(), name="api-forecast-history"),
    path("scorecards/", monitor_api.ScorecardsView.as_view(), name="api-scorecards"),
    path("scorecards/<str:agb>/", monitor_api.ScorecardView.as_view(), name="api-scorecard"),
    path("cross-domain/", monitor_api.CrossDomainView.as_view(), name="api-cross-domain"),
    path("check/", CheckView.as_view(), name="api-check"),
    path("reports/", api_reports.ReportListView.as_view(), name="api-reports"),
    path("reports/<str:ident>/", api_reports.ReportView.as_view(), name="api-report"),
    path("reports/<str:ident>/<str:fmt>/", api_reports.ReportFileView.as_view(), name="api-report-file"),
    path("innovation-funds/", dossiers_api.InnovationFundView.as_view(), name="api-innovation-funds"),
    path("ingest/", uploads_api.IngestView.as_view(), name="api-ingest"),
    path("ingest/<int:pk>/", uploads_api.IngestJobView.as_view(), name="api-ingest-job"),
    path("waiting-list/", access_api.WaitingListView.as_view(), name="api-waiting-list"),
    path("waiting-list/<int:pk>/", access_api.RegistrationView.as_view(), name="api-registration"),
    path("waiting-list/<int:pk>/assign/", access_api.AssignView.as_view(), name="api-registration-assign"),
    path("waiting-list/<int:pk>/confirm/", access_api.ConfirmView.as_view(), name="api-registration-confirm"),
    path("waiting-list/<int:pk>/withdraw/", access_api.WithdrawView.as_view(), name="api-registration-withdraw"),
    path("scenarios/", scenario_api.ScenarioListView.as_view(), name="api-scenarios"),
    path("scenarios/<int:pk>/", scenario_api.ScenarioDetailView.as_view(), name="api-scenario"),
    path("long-stays/", scenario_api.LongStayListView.as_view(), name="api-long-stays"),
    path("long-stay-reviews/", scenario_api.ReviewListView.as_view(), name="api-long-stay-reviews"),
    # The served schema and its docs page, for a session or a token (regie.site.api_schema,
    # docs/adr/0009); the same document is public in the repository (docs/openapi.yaml).
    path("schema/", api_schema.SchemaView.as_view(), name="api-schema"),
    path("docs/", api_schema.DocsView.as_view(), name="api-docs"),
]
