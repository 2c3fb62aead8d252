"""Scoped selects for client data: every query starts from `scoped_clients(user)`."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Select, false, select

from carecoord.accounts.guards import OutOfScope
from carecoord.accounts.models import User
from carecoord.clients.models import Client
from carecoord.codes import Role
from carecoord.extensions import db


def scoped_clients(user: User) -> Select[tuple[Client]]:
    """Clients `user` may see: a coordinator's own region; nothing for any other role."""
    query = select(Client)
    if user.role != Role.COORDINATOR:
        return query.where(false())
    return query.where(Client.region_id == user.region_id)


def client_or_404(user: User, public_id: UUID) -> Client:
    """The client with this public id in `user`'s scope; otherwise an audited 404."""
    client = db.session.scalar(scoped_clients(user).where(Client.public_id == public_id))
    if client is None:
        raise OutOfScope("clients", public_id)
    return client
