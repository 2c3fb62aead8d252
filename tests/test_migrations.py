"""The migrations build exactly the models' schema, and every revision goes up and down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect, text

from carecoord.extensions import db

VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    """What `flask db upgrade` uses, minus env.py's logging set-up (it would replace the test
    run's log handlers)."""
    config = current_app.extensions["migrate"].migrate.get_config()
    config.attributes["skip_logging_config"] = True
    return config


def schema_differences() -> list[str]:
    """What autogenerate would write; one line per difference, for a readable failure."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [str(diff) for diff in compare_metadata(context, db.metadata)]


def application_tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {VERSION_TABLE}


def revisions_base_to_head(config: Config) -> list[str]:
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1, "the migration history has more than one head"
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def test_upgrade_head_builds_exactly_the_models(migrating_app):
    command.upgrade(alembic_config(), "head")
    assert application_tables() == {table.name for table in db.metadata.sorted_tables}
    differences = schema_differences()
    assert not differences, "migrations differ from the models:\n" + "\n".join(differences)


def test_every_revision_goes_up_and_down(migrating_app):
    config = alembic_config()
    revisions = revisions_base_to_head(config)
    assert revisions, "no migrations found"
    seen: list[set[str]] = []
    for revision in revisions:
        command.upgrade(config, revision)
        seen.append(application_tables())
        command.downgrade(config, "-1")
        assert application_tables() == (seen[-2] if len(seen) > 1 else set()), revision
        command.upgrade(config, revision)
        assert application_tables() == seen[-1], revision
    differences = schema_differences()
    assert not differences, "after the up-down walk:\n" + "\n".join(differences)


def test_downgrade_to_base_leaves_no_application_tables(migrating_app):
    config = alembic_config()
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert application_tables() == set()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            leftovers = connection.execute(
                text(
                    "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = 'public' AND c.relkind IN ('S', 'i', 'v', 'm')"
                    " UNION SELECT typname FROM pg_type t"
                    " JOIN pg_namespace n ON n.oid = t.typnamespace"
                    " WHERE n.nspname = 'public' AND t.typtype = 'e'"
                )
            ).scalars()
            assert [name for name in leftovers if not name.startswith(VERSION_TABLE)] == []
