"""`flask --app wsgi keys …`: key rotation, verification and new keys."""

from __future__ import annotations

import click

keys = click.Group("keys", help="Encryption keys: rotate, verify, generate.")
