"""PyJWT's warning classes."""

from __future__ import annotations

__all__ = ["RemovedInPyjwt3Warning", "InsecureKeyLengthWarning"]


class RemovedInPyjwt3Warning(DeprecationWarning):
    """Warning for features that will be removed in PyJWT 3."""


class InsecureKeyLengthWarning(UserWarning):
    """Warning emitted when a key is shorter than the minimum recommended length."""
