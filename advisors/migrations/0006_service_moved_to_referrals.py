"""The service catalogue moved to the `referrals` app (its 0008), next to the routing that reads it.

Only Django's state changes: this app forgets the model; the table `advisors_service` and its needs table
`advisors_service_needs` stay, with their rows, and `referrals.Service` uses them under the same names.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("advisors", "0005_region_counties_reference"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="Service")],
        ),
    ]
