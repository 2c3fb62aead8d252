"""The database side of the append-only audit log: triggers and grants as SQL text. Pure.

One definition for both paths that build the schema: the model attaches these statements to
the table's creation (`db.create_all()` in tests), the migration runs them on existing
databases. Production runs the migrations as the table's owner and the app as another role
(CARECOORD_DATABASE_APP_ROLE), from which UPDATE, DELETE and TRUNCATE are revoked.
"""

from __future__ import annotations

import re

TABLE = "audit_entries"
MESSAGE = "audit_entries is append-only"
APP_ROLE_SETTING = "CARECOORD_DATABASE_APP_ROLE"
# Role names as PostgreSQL creates them unquoted; anything else is refused, not quoted.
ROLE_PATTERN = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$")

POSTGRESQL_FUNCTION = "audit_entries_refuse_change"
POSTGRESQL_CREATE = (
    f"CREATE OR REPLACE FUNCTION {POSTGRESQL_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    f"  RAISE EXCEPTION USING MESSAGE = '{MESSAGE}, refused ' || TG_OP,"
    " ERRCODE = 'insufficient_privilege';\n"
    "END\n"
    "$$",
    f"CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON {TABLE}"
    f" FOR EACH ROW EXECUTE FUNCTION {POSTGRESQL_FUNCTION}()",
    f"CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON {TABLE}"
    f" FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRESQL_FUNCTION}()",
    f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC",
)
POSTGRESQL_DROP = (
    f"DROP TRIGGER IF EXISTS audit_entries_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entries_no_change ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {POSTGRESQL_FUNCTION}()",
)
# Run after the table is dropped (the triggers go with it, the function stays behind).
POSTGRESQL_AFTER_DROP = (f"DROP FUNCTION IF EXISTS {POSTGRESQL_FUNCTION}()",)

SQLITE_CREATE = (
    f"CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON {TABLE}"
    f" BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON {TABLE}"
    f" BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_entries_no_update",
    "DROP TRIGGER IF EXISTS audit_entries_no_delete",
)

CREATE = {"postgresql": POSTGRESQL_CREATE, "sqlite": SQLITE_CREATE}
DROP = {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}


def revoke_from(role: str) -> str:
    """The REVOKE taking changes to the log away from the application's database role."""
    if not ROLE_PATTERN.match(role):
        raise ValueError(f"{APP_ROLE_SETTING} must be a plain lower-case role name")
    return f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM {role}"
