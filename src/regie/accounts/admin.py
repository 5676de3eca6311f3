from django.contrib import admin

from regie.accounts import models as m


@admin.register(m.UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "provider"]
    list_filter = ["role"]


@admin.register(m.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["when", "user", "action", "subject"]
    list_filter = ["action"]
    readonly_fields = ["when", "user", "action", "subject", "reason", "detail"]
