"""The trajectory's models: the trajectory and its steps, intake, consent, form submissions."""

from carecoord.trajectories.models.consent import Consent
from carecoord.trajectories.models.intake import ClientInformed, NeedsAssessment
from carecoord.trajectories.models.submission import FormSubmission
from carecoord.trajectories.models.trajectory import (
    CASE_NUMBER_MAX,
    PARTICIPANTS_MAX,
    STEP_TEXT_MAX,
    Step,
    Trajectory,
    TrajectoryExploitation,
)

__all__ = [
    "CASE_NUMBER_MAX",
    "PARTICIPANTS_MAX",
    "STEP_TEXT_MAX",
    "ClientInformed",
    "Consent",
    "FormSubmission",
    "NeedsAssessment",
    "Step",
    "Trajectory",
    "TrajectoryExploitation",
]
