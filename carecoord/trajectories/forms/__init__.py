"""Forms of the trajectory pages; every changing form derives from `ChangeForm`."""

from carecoord.trajectories.forms.base import ChangeForm

__all__ = ["ChangeForm"]
