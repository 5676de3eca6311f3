from django.contrib import admin

from regie.catalog import models as m


class AreaInline(admin.TabularInline):
    model = m.Area
    extra = 0


@admin.register(m.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(m.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name"]
    inlines = [AreaInline]


@admin.register(m.Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "domain", "funding_model", "execution", "weight", "max_providers"]
    list_filter = ["domain", "funding_model"]
    search_fields = ["code", "name"]


@admin.register(m.Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["agb", "name", "core_partner"]
    list_filter = ["core_partner"]
    search_fields = ["agb", "name"]


@admin.register(m.Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["ident", "provider", "segment", "start", "end"]
    list_filter = ["segment", "start"]
    search_fields = ["ident", "provider__name", "provider__agb"]
    filter_horizontal = ["municipalities"]


@admin.register(m.Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["municipality", "segment", "year", "amount", "reserve"]
    list_filter = ["year", "segment"]
