"""PyJWT's warning classes."""

from __future__ import annotations

import warnings as _warnings
from typing import Any

__all__ = ["RemovedInPyjwt3Warning", "InsecureKeyLengthWarning"]


class RemovedInPyjwt3Warning(DeprecationWarning):
    """Warning for features that will be removed in PyJWT 3."""


class InsecureKeyLengthWarning(UserWarning):
    """Warning emitted when a key is shorter than the minimum recommended length."""


def _warn_unsupported_kwargs(function: str, kwargs: dict[str, Any]) -> None:
    """PyJWT 2's deprecation warning for keyword arguments a decode call ignores."""
    if kwargs:
        _warnings.warn(
            f"passing additional kwargs to {function}() is deprecated "
            "and will be removed in pyjwt version 3. "
            f"Unsupported kwargs: {tuple(kwargs.keys())}",
            RemovedInPyjwt3Warning,
            stacklevel=3,
        )
