"""Alembic environment: runs against the Flask app's engine and the models' metadata."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging_config"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
log = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def _options(dialect_name: str) -> dict:
    return {
        "target_metadata": target_db.metadata,
        "compare_type": True,
        # SQLite alters tables by copying them.
        "render_as_batch": dialect_name == "sqlite",
        **current_app.extensions["migrate"].configure_args,
    }


def run_migrations_offline() -> None:
    url = target_db.engine.url
    context.configure(url=url, literal_binds=True, **_options(url.get_dialect().name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty(_context, _revision, directives) -> None:
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")

    options = _options(target_db.engine.dialect.name)
    options.setdefault("process_revision_directives", skip_empty)
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
