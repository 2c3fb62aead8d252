"""Shared base of the code lists: a StrEnum whose members carry a label message id. Pure."""

from __future__ import annotations

from enum import StrEnum


def N_(message: str) -> str:
    """Marks `message` for extraction; it is translated where it is shown."""
    return message


LABELS: dict[type, dict[str, str]] = {}


class Coded(StrEnum):
    @property
    def label(self) -> str:
        return LABELS[type(self)][self.value]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


def _labelled(cls: type[Coded], labels: dict[str, str]) -> None:
    missing = {m.value for m in cls} ^ set(labels)
    if missing:
        raise ValueError(f"labels of {cls.__name__} do not match: {sorted(missing)}")
    LABELS[cls] = labels
