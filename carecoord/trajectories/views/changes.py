"""Where the trajectory views used to find `save_change`; it lives in `trajectories.changes`."""

from carecoord.trajectories.changes import conflict, save_change

__all__ = ["conflict", "save_change"]
