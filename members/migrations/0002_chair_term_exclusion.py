"""On PostgreSQL, the database itself refuses overlapping chair terms (the service checks
the same rule on every database, with a clearer message)."""

from django.db import migrations

from core.migration_operations import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [
        PostgresOnlySQL("CREATE EXTENSION IF NOT EXISTS btree_gist", reverse_sql=migrations.RunSQL.noop),
        PostgresOnlySQL(
            """
            ALTER TABLE members_chairterm ADD CONSTRAINT chair_terms_never_overlap
            EXCLUDE USING gist (daterange(starts_on, ends_on, '[]') WITH &&) WHERE (role = 'chair');
            ALTER TABLE members_chairterm ADD CONSTRAINT chair_term_member_one_role_at_a_time
            EXCLUDE USING gist (member_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&);
            """,
            reverse_sql="""
            ALTER TABLE members_chairterm DROP CONSTRAINT chair_terms_never_overlap;
            ALTER TABLE members_chairterm DROP CONSTRAINT chair_term_member_one_role_at_a_time;
            """,
        ),
    ]
