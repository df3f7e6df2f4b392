"""Project Wycheproof's JOSE vectors (tests/wycheproof/, with their LICENSE and SOURCE) through
the Python API: ``json_web_key_test.json`` (JWK sets) and ``json_web_signature_test.json``
(compact JWS over single JWKs).

Every ``valid`` case must verify and return its payload; every ``invalid`` case must be
refused with a ``PyJWTError`` subclass, whether the key (set) refuses to load, the lookup by
``kid`` refuses, or verification does. The payloads are not JWT claims, so verification is
JWS-level: ``PyJWS().decode_complete``. Each case runs through every path a Python user has:
``PyJWKSet`` (the set passed whole, and ``set[kid]``), ``PyJWK``, and the native ``KeySet``.

Skipped, counted and named: only what jwtkit deliberately does not implement (ES512 / P-521).
Six cases of the signature file get the opposite of their label: four labels contradict the
case's own bytes, and two use a JWK with an algorithm other than its "alg", which jwtkit
refuses on purpose. They are listed with a check of the evidence, and jwtkit's verdict on them
is asserted too. The number of cases that ran is asserted, so the test cannot pass on nothing.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from typing import Any, Callable, Optional

import pytest

import jwtkit
from conftest import WYCHEPROOF
ALGORITHMS = list(jwtkit.algorithms.get_default_algorithms())


def _load(name: str) -> dict[str, Any]:
    return json.loads((WYCHEPROOF / name).read_text(encoding="utf-8"))


KEY_FILE = _load("json_web_key_test.json")
SIG_FILE = _load("json_web_signature_test.json")


def _cases(doc: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(group, case) for group in doc["testGroups"] for case in group["tests"]]


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _not_implemented(keys: list[Any]) -> Optional[str]:
    """Why jwtkit cannot run a case whose keys are these, if it deliberately cannot."""
    for key in keys:
        if isinstance(key, dict) and (key.get("crv") == "P-521" or key.get("alg") == "ES512"):
            return "ES512 / P-521 is not implemented"
    return None


def _signature_cases_by_id() -> dict[int, dict[str, Any]]:
    return {case["tcId"]: case for _, case in _cases(SIG_FILE)}


def _identical_to_a_valid_case(case: dict[str, Any]) -> bool:
    return any(
        other["result"] == "valid" and other["jws"] == case["jws"]
        for other in _signature_cases_by_id().values()
    )


def _altered_signing_input_of_a_valid_case(case: dict[str, Any]) -> bool:
    """The signature of a valid case over a signing input with a character inserted that
    base64url does not have: only a decoder that drops it could match."""
    head, payload, signature = case["jws"].split(".")
    for other in _signature_cases_by_id().values():
        if other["result"] != "valid" or other is case:
            continue
        o_head, o_payload, o_signature = other["jws"].split(".")
        if signature == o_signature and (head, payload) != (o_head, o_payload):
            return (head.replace("?", ""), payload.replace("?", "")) == (o_head, o_payload)
    return False


def _key_bound_to_another_alg(case: dict[str, Any]) -> bool:
    """The JWK names one `alg` and the token uses another."""
    (jwk,) = [
        group.get("public") or group["private"]
        for group in SIG_FILE["testGroups"]
        if case in group["tests"]
    ]
    header = json.loads(_b64decode(case["jws"].split(".")[0]))
    return "alg" in jwk and header.get("alg") != jwk["alg"]


#: Cases where jwtkit's verdict is the opposite of Wycheproof's label, each with the check
#: that proves why (run on the case, so the list cannot go stale silently):
#: - four labels contradict the case's own bytes (the published file lost what told them
#:   apart, or expects a decoder to drop characters base64url does not have);
#: - two "valid" cases verify a PS384 token with a JWK whose "alg" is PS256. jwtkit binds a
#:   JWK to its "alg" (RFC 7517 §4.4; RFC 8725 §3.1: one key, one algorithm) and refuses.
_BOUND = _key_bound_to_another_alg
_SAME_BYTES = _identical_to_a_valid_case
_ALTERED = _altered_signing_input_of_a_valid_case

DISAGREEMENTS: dict[int, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    346: ("'valid' Figure20: a PS384 token, a JWK bound to PS256", _BOUND),
    350: ("'valid' Figure20 with key_ops: a PS384 token, a JWK bound to PS256", _BOUND),
    367: ("'invalidBase64Padding': the very bytes of valid case 357", _SAME_BYTES),
    370: ("'invalidBase64PaddingInPayload': the very bytes of valid case 357", _SAME_BYTES),
    372: ("'valid', '?' inserted in the header: 357's MAC over other bytes", _ALTERED),
    373: ("'valid', '?' inserted in the payload: 357's MAC over other bytes", _ALTERED),
}


def _set_paths(jws: str, keys: dict[str, Any]) -> dict[str, Callable[[], bytes]]:
    """Every way to check `jws` against a JWK set: the set (from JSON text) passed whole, the
    set's key for the token's kid, and the native KeySet."""

    def whole() -> bytes:
        jwk_set = jwtkit.PyJWKSet.from_json(json.dumps(keys))
        return jwtkit.PyJWS().decode_complete(jws, jwk_set, algorithms=ALGORITHMS)["payload"]

    def by_kid() -> bytes:
        jwk_set = jwtkit.PyJWKSet.from_json(json.dumps(keys))
        return jwtkit.PyJWS().decode(jws, jwk_set[jwtkit.get_unverified_header(jws)["kid"]])

    def native() -> bytes:
        return jwtkit.PyJWS().decode(jws, jwtkit.KeySet.from_jwks(keys), algorithms=ALGORITHMS)

    paths = {"PyJWKSet": whole, "KeySet": native}
    try:
        has_kid = "kid" in jwtkit.get_unverified_header(jws)
    except jwtkit.PyJWTError:
        has_kid = True  # a token whose header cannot be read: the lookup must refuse it too
    if has_kid:
        paths["PyJWKSet[kid]"] = by_kid
    return paths


def _jwk_paths(jws: str, jwk: dict[str, Any]) -> dict[str, Callable[[], bytes]]:
    """Every way to check `jws` against one JWK: a PyJWK from JSON text (its own algorithm),
    its Key under the full allow-list, and every set path with it as the one key."""

    def pyjwk() -> bytes:
        return jwtkit.PyJWS().decode(jws, jwtkit.PyJWK.from_json(json.dumps(jwk)))

    def key() -> bytes:
        return jwtkit.PyJWS().decode(
            jws, jwtkit.PyJWK.from_json(json.dumps(jwk)).key, algorithms=ALGORITHMS
        )

    return {"PyJWK": pyjwk, "PyJWK.key": key, **_set_paths(jws, {"keys": [jwk]})}


def _outcome(verify: Callable[[], bytes]) -> tuple[str, Any]:
    try:
        return "valid", verify()
    except jwtkit.PyJWTError as err:
        return "invalid", err


def _run(
    doc: dict[str, Any],
    paths_of: Callable[[str, Any], dict[str, Callable[[], bytes]]],
    keys_of: Callable[[Any], list[Any]],
) -> Counter[str]:
    counts: Counter[str] = Counter()
    failures = []
    for group, case in _cases(doc):
        keys = group.get("public") or group["private"]
        label = f"tcId {case['tcId']} ({group['comment']}: {case['comment']})"
        if _not_implemented(keys_of(keys)):
            counts["skipped"] += 1
            continue
        expected = case["result"]
        if case["tcId"] in DISAGREEMENTS and doc is SIG_FILE:
            reason, evidence = DISAGREEMENTS[case["tcId"]]
            assert evidence(case), f"{label}: the evidence for {reason!r} no longer holds"
            expected = "invalid" if expected == "valid" else "valid"
            counts["disagreements"] += 1
        payload = _b64decode(case["jws"].split(".")[1]) if expected == "valid" else None
        # Every path must reach the expected verdict on its own.
        for path, verify in paths_of(case["jws"], keys).items():
            verdict, detail = _outcome(verify)
            counts["paths"] += 1
            if verdict != expected:
                failures.append(f"{label} via {path}: expected {expected}, got {verdict}: {detail!r}")
            elif verdict == "valid" and detail != payload:
                failures.append(f"{label} via {path}: payload {detail!r}")
        counts[expected] += 1
    assert not failures, "\n".join(failures)
    return counts


def test_json_web_key_vectors() -> None:
    # The keys are JWK sets; each case's token is checked against the set.
    counts = _run(KEY_FILE, _set_paths, lambda keys: keys["keys"])
    assert KEY_FILE["numberOfTests"] == 26
    assert (counts["valid"], counts["invalid"], counts["skipped"]) == (5, 21, 0), counts
    assert counts["paths"] >= 3 * 26, counts


def test_json_web_signature_vectors() -> None:
    # The keys are single JWKs.
    counts = _run(SIG_FILE, _jwk_paths, lambda jwk: [jwk])
    assert SIG_FILE["numberOfTests"] == 401
    # Every case ran but the two ES512 ones; the disagreements ran, with jwtkit's verdict.
    assert counts["skipped"] == 2, counts
    assert counts["disagreements"] == len(DISAGREEMENTS), counts
    assert (counts["valid"], counts["invalid"]) == (42, 357), counts
    assert counts["paths"] >= 4 * 399, counts


@pytest.mark.parametrize("comment", ["jws_duplicate_kid", "jws_mixedSymmetryKeyset"])
def test_the_two_sets_pyjwkset_accepted_before(comment: str) -> None:
    # Issue 10: these two were accepted through PyJWKSet; now refused, each on its own ground.
    (group,) = [g for g in KEY_FILE["testGroups"] if g["comment"] == comment]
    (case,) = group["tests"]
    keys = group["private"]
    if comment == "jws_mixedSymmetryKeyset":
        with pytest.raises(jwtkit.PyJWKSetError, match="oct"):
            jwtkit.PyJWKSet.from_dict(keys)
    else:
        jwk_set = jwtkit.PyJWKSet.from_dict(keys)
        with pytest.raises(jwtkit.KeyNotFoundError, match="ambiguous"):
            jwtkit.PyJWS().decode(case["jws"], jwk_set, algorithms=ALGORITHMS)
        with pytest.raises(jwtkit.PyJWKSetKeyError, match="ambiguous"):
            jwk_set["kid-aes-sign"]
