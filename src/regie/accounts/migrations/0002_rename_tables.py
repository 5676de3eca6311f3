"""The moved tables take the accounts app's names (a rename in the database; no row copied)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_move_from_site"),
        ("site", "0003_move_to_accounts"),
    ]

    operations = [
        migrations.AlterModelTable(name="auditevent", table=None),
        migrations.AlterModelTable(name="userrole", table=None),
    ]
