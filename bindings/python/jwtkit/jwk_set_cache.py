"""``JWKSetCache`` (``jwt.jwk_set_cache`` in PyJWT): the JWK Set ``PyJWKClient`` keeps."""

from __future__ import annotations

from .jwks_client import JWKSetCache

__all__ = ["JWKSetCache"]
