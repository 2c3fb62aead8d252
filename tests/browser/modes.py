"""Whether a journey runs with the keyboard only; the helpers in journey.py follow it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class InputMode:
    keyboard = False


mode = InputMode()


@contextmanager
def keyboard_only() -> Iterator[None]:
    """Within: every field, button and link of the helpers is reached by Tab and used by key."""
    mode.keyboard = True
    try:
        yield
    finally:
        mode.keyboard = False
