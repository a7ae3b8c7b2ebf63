"""The audit log is append-only in the database too (PostgreSQL; nothing to do on SQLite).

A trigger refuses every UPDATE, and every DELETE except the retention purge's: that sets, for its own
transaction only, `audit.purge = 'on'` and `audit.purge_before` to its cut-off; a row is deleted only if it
is older than that cut-off and the cut-off is at least 29 days ago (audit.services.MINIMUM_RETENTION_DAYS is
30: a day of slack for the clocks of the application and database servers).
TRUNCATE is left to the table's owner (the test suite's flush uses it); the portal's database role should
not own the table in production.
"""

from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
DECLARE
    cutoff timestamptz;
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('audit.purge', true) = 'on' THEN
        cutoff := NULLIF(current_setting('audit.purge_before', true), '')::timestamptz;
        IF cutoff IS NOT NULL AND cutoff <= clock_timestamp() - interval '29 days' AND OLD.at < cutoff THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % of entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("read", "Read"),
                    ("export", "Exported"),
                    ("sign_in", "Signed in"),
                    ("sign_in_failed", "Sign-in failed"),
                    ("locked_out", "Locked out"),
                    ("unlocked", "Unlocked"),
                    ("sign_out", "Signed out"),
                    ("merge", "Merged"),
                    ("role_changed", "Role changed"),
                    ("organisation_changed", "Organisation changed"),
                    ("two_factor_enrolled", "Two-factor sign-in set up"),
                    ("two_factor_reset", "Two-factor sign-in reset"),
                    ("gdpr_export", "Personal data exported"),
                    ("gdpr_erase", "Personal data erased"),
                    ("retention_run", "Retention run"),
                    ("token_created", "API token created"),
                    ("token_revoked", "API token revoked"),
                    ("token_used", "API token used"),
                    ("legal_hold", "Legal hold changed"),
                    ("audit_purged", "Audit log purged"),
                ],
                db_index=True,
                max_length=32,
                verbose_name="action",
            ),
        ),
    ]
