"""`flask --app wsgi demo …`: demo data for development and benchmarks."""

from __future__ import annotations

import click

demo = click.Group("demo", help="Demo data (development only).")
