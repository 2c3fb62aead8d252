"""The coordinator's trajectory pages; importing this package registers every route on `bp`."""

from carecoord.trajectories.views import file
from carecoord.trajectories.views.blueprint import bp

__all__ = ["bp", "file"]
