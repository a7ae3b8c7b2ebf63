# The aid list's order (the API, newest first) read down an index (the pages benchmark, issue 16).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0002_seed_programmes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='deminimisaid',
            index=models.Index(fields=['-granted_on', '-id'], name='aid_granted_idx'),
        ),
    ]
