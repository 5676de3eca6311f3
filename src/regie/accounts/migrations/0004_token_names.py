# Several named tokens per user (issue 18): the tokens made before were all made by
# ``regie users token`` and keep working under that name.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_users_tokens_relationship_managers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='apitoken',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='gebruiker'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='name',
            field=models.CharField(default='regie users token', max_length=100, verbose_name='naam'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='apitoken',
            name='prefix',
            field=models.CharField(blank=True, max_length=12, verbose_name='begin van het token'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='last_used',
            field=models.DateTimeField(blank=True, null=True, verbose_name='laatst gebruikt'),
        ),
        migrations.AlterModelOptions(
            name='apitoken',
            options={'ordering': ['user', '-created'], 'verbose_name': 'API-token', 'verbose_name_plural': 'API-tokens'},
        ),
        migrations.AddConstraint(
            model_name='apitoken',
            constraint=models.UniqueConstraint(fields=('user', 'name'), name='one_token_name_per_user'),
        ),
    ]
