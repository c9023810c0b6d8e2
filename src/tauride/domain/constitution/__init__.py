"""The constitution: model, validation with every error's path, and plain descriptions."""

from tauride.domain.constitution.model import (
    BodyRule,
    ConstituencyKind,
    Constitution,
    MajorityRule,
    RepresentationRule,
)
from tauride.domain.constitution.summary import (
    BodySummary,
    composition_text,
    majority_text,
    representation_text,
    share_text,
    summarize_bodies,
)
from tauride.domain.constitution.validation import (
    ConstitutionError,
    Problem,
    parse_constitution,
    validate_constitution,
)

__all__ = [
    "BodyRule",
    "BodySummary",
    "ConstituencyKind",
    "Constitution",
    "ConstitutionError",
    "MajorityRule",
    "Problem",
    "RepresentationRule",
    "composition_text",
    "majority_text",
    "parse_constitution",
    "representation_text",
    "share_text",
    "summarize_bodies",
    "validate_constitution",
]
