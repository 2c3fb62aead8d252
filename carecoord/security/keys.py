"""The app's keys, built once from its configuration and kept on the app."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from carecoord.security.crypto import Keyring


@dataclass(frozen=True)
class AppKeys:
    keyring: Keyring
    blind_index: bytes
    pseudonym: bytes


def init_keys(app: Flask) -> None:
    app.extensions["carecoord_keys"] = AppKeys(
        keyring=Keyring.of(app.config["DATA_KEYS"]),
        blind_index=app.config["BLIND_INDEX_KEY"],
        pseudonym=app.config["PSEUDONYM_KEY"],
    )


def app_keys() -> AppKeys:
    return current_app.extensions["carecoord_keys"]


def keyring() -> Keyring:
    return app_keys().keyring
