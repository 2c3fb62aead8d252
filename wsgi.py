"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""

import sys

from carecoord import create_app
from config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    # One line naming the missing setting, never a traceback with values in it.
    print(f"carecoord: configuration error: {error}", file=sys.stderr)
    sys.exit(2)
