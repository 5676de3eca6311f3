from django.contrib import admin

from regie.procurement import models as m


class RequirementInline(admin.TabularInline):
    model = m.Requirement
    extra = 0


@admin.register(m.Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = ["segment", "year", "max_providers", "status"]
    list_filter = ["status", "year"]
    inlines = [RequirementInline]


@admin.register(m.Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ["tender", "provider", "passed", "score", "rank", "selected"]
    list_filter = ["tender", "selected"]
    readonly_fields = ["passed", "score", "rank", "selected", "reasons", "contract"]
