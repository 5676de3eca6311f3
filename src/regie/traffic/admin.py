from django.contrib import admin

from regie.traffic import models as m


@admin.register(m.Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "sender",
        "receiver",
        "identification",
        "dagtekening",
        "status",
        "records",
        "rejected_records",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["identification", "sender", "file_name"]
    exclude = ["raw"]


@admin.register(m.Signal)
class SignalAdmin(admin.ModelAdmin):
    list_display = ["kind", "provider", "segment", "care_month", "raised_on", "status"]
    list_filter = ["kind", "status"]


@admin.register(m.Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["key", "provider", "segment", "start", "end"]
    list_filter = ["segment"]
    search_fields = ["provider", "allocation_number"]
