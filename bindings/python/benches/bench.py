"""jwtkit's Python benchmark: jwtkit beside PyJWT, pyjwt-rs and the floor, interleaved.

The workload is the one of the Rust benchmarks (`benches/src/lib.rs`): header ``{alg, kid, typ}``,
claims ``{sub, name, iat, exp, iss, aud}`` plus a roles array (about 300 bytes before the
signature), with ``exp``, ``iss`` and ``aud`` checked on decode; HS256, RS256 and PS256 (RSA
2048), ES256, ES384, ES512, ES256K and EdDSA, keys generated with ``cryptography`` at start.
ES512 and ES256K exist only in a jwtkit wheel built on aws-lc-rs: on the ring wheel (and for a
peer without them) their cells read n/a, the reason listed under the tables.

Contenders, each set up once and then called the way an application calls it:

* ``jwtkit``         ``jwtkit.decode(token, key, algorithms=..., audience=..., issuer=...)`` and
                     ``jwtkit.encode(claims, key, algorithm=..., headers={"kid": ...})`` with a
                     ``cryptography`` key object (HS256: the secret as bytes);
* ``jwtkit_pem``     the same calls with the key as a PEM string;
* ``jwtkit_key``     the parsed-once path: ``Validator.decode(token, Key)`` and
                     ``jwtkit.encode(claims, Key, algorithm=...)`` (the Key carries the kid);
* ``pyjwt``, ``pyjwt_pem``        PyJWT, with key objects and with PEM strings;
* ``pyjwt_rs``, ``pyjwt_rs_pem``  pyjwt-rs (module ``jwt_rs``), the same two ways;
* ``floor``          the least any Python JWT library must do: ``hmac`` / the ``cryptography``
                     primitives alone (keys parsed once, padding and hash objects made once),
                     base64url of the segments, ``json.loads`` of the claims and the ``exp``,
                     ``iss`` and ``aud`` comparisons (encode: ``json.dumps``, base64url, sign).

Every decoder is checked at setup to return the claims and to refuse a wrong audience, a wrong
issuer and an expired token; every encoder's token is checked to verify with the expected
header. Then all contenders run interleaved: each round visits every case once, in a shuffled
order, timing one batch of calls (``time.perf_counter_ns``, the garbage collector off as in
``timeit``); a case's result is the median over the rounds of its per-call time, in µs.
Absolute times drift on a shared machine, ratios from the same run much less.

    python bench.py [--quick] [--json PATH] [--criterion DIR]

``--criterion DIR`` reads the Rust jwtkit decode medians of an earlier ``cargo xtask bench``
(``DIR/<ALG>_decode/jwtkit/new/estimates.json``) to judge the ``Validator`` path against them.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import hmac
import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Callable, Optional

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

import jwt as pyjwt
import jwtkit

try:
    import jwt_rs
except ImportError as err:  # recorded as n/a in every pyjwt-rs cell
    jwt_rs = None
    JWT_RS_MISSING = f"pyjwt-rs not importable: {err}"
else:
    JWT_RS_MISSING = ""

# The workload, shared with benches/src/lib.rs.
ISSUER = "https://login.example.com"
AUDIENCE = "orders-api"
KEY_ID = "2026-05-a"
ISSUED_AT = 1_767_225_600  # 2026-01-01
EXPIRES = 4_102_444_800  # 2100-01-01
HMAC_SECRET = b"bench-secret-0123456789abcdefghi"
CLAIMS: dict[str, Any] = {
    "sub": "user-7f3a9c21",
    "name": "Ada Lovelace",
    "iat": ISSUED_AT,
    "exp": EXPIRES,
    "iss": ISSUER,
    "aud": AUDIENCE,
    "roles": ["orders:read", "orders:write", "billing:read"],
}
HEADERS = {"kid": KEY_ID}

ALGS = ("HS256", "RS256", "PS256", "ES256", "ES384", "ES512", "ES256K", "EdDSA")
#: ECDSA: (curve, hash, bytes per signature half).
EC_ALGS: dict[str, tuple[Any, Any, int]] = {
    "ES256": (ec.SECP256R1, hashes.SHA256, 32),
    "ES384": (ec.SECP384R1, hashes.SHA384, 48),
    "ES512": (ec.SECP521R1, hashes.SHA512, 66),
    "ES256K": (ec.SECP256K1, hashes.SHA256, 32),
}
OPS = ("decode", "encode")

#: (id, short label for tables, what it measures)
COLUMNS = (
    ("jwtkit", "jwtkit", "jwtkit.decode/encode, cryptography key object (HS256: secret bytes)"),
    ("jwtkit_pem", "jwtkit PEM", "jwtkit.decode/encode, key as a PEM string"),
    ("jwtkit_key", "jwtkit Key", "Validator.decode(token, Key) / jwtkit.encode(claims, Key)"),
    ("pyjwt", "PyJWT", "PyJWT, cryptography key object (HS256: secret bytes)"),
    ("pyjwt_pem", "PyJWT PEM", "PyJWT, key as a PEM string"),
    ("pyjwt_rs", "pyjwt-rs", "pyjwt-rs (jwt_rs), cryptography key object (HS256: secret bytes)"),
    ("pyjwt_rs_pem", "pyjwt-rs PEM", "pyjwt-rs (jwt_rs), key as a PEM string"),
    ("floor", "floor", "hmac / cryptography primitives, base64url, json (keys parsed once)"),
)

#: (label, numerator, denominator): jwtkit / peer, jwtkit / floor.
RATIOS = (
    ("jwtkit/PyJWT", "jwtkit", "pyjwt"),
    ("PEM: jwtkit/PyJWT", "jwtkit_pem", "pyjwt_pem"),
    ("jwtkit/pyjwt-rs", "jwtkit", "pyjwt_rs"),
    ("PEM: jwtkit/pyjwt-rs", "jwtkit_pem", "pyjwt_rs_pem"),
    ("jwtkit/floor", "jwtkit", "floor"),
    ("Key/PyJWT", "jwtkit_key", "pyjwt"),
    ("Key/floor", "jwtkit_key", "floor"),
)

NO_PEM = "HMAC keys have no PEM form"
#: What this jwtkit wheel signs and verifies: ES512 and ES256K need the aws-lc-rs backend.
JWTKIT_ALGORITHMS = frozenset(jwtkit.algorithms.get_default_algorithms())
NOT_IN_WHEEL = "not in this jwtkit wheel's algorithms (ES512 and ES256K need aws-lc-rs)"


class Settings:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        # Many short batches rather than a few long ones: on a shared machine the load changes
        # within seconds, and fine interleaving spreads it evenly over the contenders.
        self.rounds = 31 if quick else 101
        self.batch_ms = 3.0 if quick else 5.0


# ----------------------------------------------------------------------------------------------
# Keys and the floor


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Keys:
    alg: str
    private: Any  # cryptography private key, or the HMAC secret
    public: Any  # cryptography public key, or the HMAC secret
    private_pem: Optional[str] = None
    public_pem: Optional[str] = None


def make_keys() -> dict[str, Keys]:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    made: dict[str, Any] = {
        "RS256": rsa_key,
        "PS256": rsa_key,
        **{alg: ec.generate_private_key(curve()) for alg, (curve, _, _) in EC_ALGS.items()},
        "EdDSA": ed25519.Ed25519PrivateKey.generate(),
    }
    keys = {"HS256": Keys("HS256", HMAC_SECRET, HMAC_SECRET)}
    for alg, private in made.items():
        public = private.public_key()
        keys[alg] = Keys(
            alg,
            private,
            public,
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode(),
            public.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ).decode(),
        )
    return keys


def floor_primitives(keys: Keys) -> tuple[Callable[[bytes], bytes], Callable[[bytes, bytes], None]]:
    """(sign(message) -> JWS signature, verify(signature, message) raising on mismatch)."""
    alg = keys.alg
    if alg == "HS256":
        secret = keys.private

        def hs_sign(message: bytes) -> bytes:
            return hmac.digest(secret, message, "sha256")

        def hs_verify(signature: bytes, message: bytes) -> None:
            if not hmac.compare_digest(hmac.digest(secret, message, "sha256"), signature):
                raise ValueError("bad signature")

        return hs_sign, hs_verify
    private, public = keys.private, keys.public
    if alg in ("RS256", "PS256"):
        sha256 = hashes.SHA256()
        pad = (
            padding.PKCS1v15()
            if alg == "RS256"
            else padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        )

        def rsa_sign(message: bytes) -> bytes:
            return private.sign(message, pad, sha256)  # type: ignore[no-any-return]

        def rsa_verify(signature: bytes, message: bytes) -> None:
            public.verify(signature, message, pad, sha256)

        return rsa_sign, rsa_verify
    if alg in EC_ALGS:
        _, hash_type, size = EC_ALGS[alg]
        ecdsa = ec.ECDSA(hash_type())

        def ec_sign(message: bytes) -> bytes:
            r, s = decode_dss_signature(private.sign(message, ecdsa))
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")

        def ec_verify(signature: bytes, message: bytes) -> None:
            if len(signature) != 2 * size:
                raise ValueError("bad signature length")
            der = encode_dss_signature(
                int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            )
            public.verify(der, message, ecdsa)

        return ec_sign, ec_verify
    return private.sign, public.verify


def floor_encoder(keys: Keys) -> Callable[[], str]:
    sign, _ = floor_primitives(keys)
    header = {"alg": keys.alg, "kid": KEY_ID, "typ": "JWT"}

    def encode() -> str:
        head = b64e(json.dumps(header, separators=(",", ":")).encode())
        body = b64e(json.dumps(CLAIMS, separators=(",", ":")).encode())
        signing_input = f"{head}.{body}"
        return f"{signing_input}.{b64e(sign(signing_input.encode()))}"

    return encode


def floor_decoder(keys: Keys) -> Callable[[str], dict[str, Any]]:
    _, verify = floor_primitives(keys)
    loads, now = json.loads, time.time

    def decode(token: str) -> dict[str, Any]:
        signing_input, _, signature = token.rpartition(".")
        head, _, body = signing_input.partition(".")
        b64d(head)
        verify(b64d(signature), signing_input.encode())
        claims: dict[str, Any] = loads(b64d(body))
        if not claims["exp"] > now():
            raise ValueError("expired")
        if claims["iss"] != ISSUER or claims["aud"] != AUDIENCE:
            raise ValueError("wrong iss or aud")
        return claims

    return decode


# ----------------------------------------------------------------------------------------------
# The contenders


class NotApplicable(Exception):
    """A case that cannot run; its message is the reason recorded as n/a."""


def pyjwt_like_decoder(module: Any, key: Any, alg: str) -> Callable[[str], Any]:
    decode = module.decode

    def run(token: str) -> Any:
        return decode(token, key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)

    return run


def pyjwt_like_encoder(module: Any, key: Any, alg: str) -> Callable[[], str]:
    encode = module.encode

    def run() -> str:
        return encode(CLAIMS, key, algorithm=alg, headers=HEADERS)  # type: ignore[no-any-return]

    return run


def decoder(impl: str, keys: Keys) -> Callable[[str], Any]:
    alg = keys.alg
    if impl.startswith("jwtkit") and alg not in JWTKIT_ALGORITHMS:
        raise NotApplicable(NOT_IN_WHEEL)
    if impl.endswith("_pem") and keys.public_pem is None:
        raise NotApplicable(NO_PEM)
    if impl.startswith("pyjwt_rs") and jwt_rs is None:
        raise NotApplicable(JWT_RS_MISSING)
    if impl == "jwtkit":
        return pyjwt_like_decoder(jwtkit, keys.public, alg)
    if impl == "jwtkit_pem":
        return pyjwt_like_decoder(jwtkit, keys.public_pem, alg)
    if impl == "jwtkit_key":
        key = (
            jwtkit.Key.from_secret(keys.public)
            if alg == "HS256"
            else jwtkit.Key.from_pem(keys.public_pem or "")
        )
        validator = jwtkit.Validator([alg], audience=AUDIENCE, issuer=ISSUER)
        decode = validator.decode
        return lambda token: decode(token, key)
    if impl == "pyjwt":
        return pyjwt_like_decoder(pyjwt, keys.public, alg)
    if impl == "pyjwt_pem":
        return pyjwt_like_decoder(pyjwt, keys.public_pem, alg)
    if impl == "pyjwt_rs":
        return pyjwt_like_decoder(jwt_rs, keys.public, alg)
    if impl == "pyjwt_rs_pem":
        return pyjwt_like_decoder(jwt_rs, keys.public_pem, alg)
    if impl == "floor":
        return floor_decoder(keys)
    raise AssertionError(impl)


def encoder(impl: str, keys: Keys) -> Callable[[], str]:
    alg = keys.alg
    if impl.startswith("jwtkit") and alg not in JWTKIT_ALGORITHMS:
        raise NotApplicable(NOT_IN_WHEEL)
    if impl.endswith("_pem") and keys.private_pem is None:
        raise NotApplicable(NO_PEM)
    if impl.startswith("pyjwt_rs") and jwt_rs is None:
        raise NotApplicable(JWT_RS_MISSING)
    if impl == "jwtkit":
        return pyjwt_like_encoder(jwtkit, keys.private, alg)
    if impl == "jwtkit_pem":
        return pyjwt_like_encoder(jwtkit, keys.private_pem, alg)
    if impl == "jwtkit_key":
        key = (
            jwtkit.Key.from_secret(keys.private, kid=KEY_ID)
            if alg == "HS256"
            else jwtkit.Key.from_pem(keys.private_pem or "", kid=KEY_ID)
        )
        encode = jwtkit.encode
        return lambda: encode(CLAIMS, key, algorithm=alg)
    if impl == "pyjwt":
        return pyjwt_like_encoder(pyjwt, keys.private, alg)
    if impl == "pyjwt_pem":
        return pyjwt_like_encoder(pyjwt, keys.private_pem, alg)
    if impl == "pyjwt_rs":
        return pyjwt_like_encoder(jwt_rs, keys.private, alg)
    if impl == "pyjwt_rs_pem":
        return pyjwt_like_encoder(jwt_rs, keys.private_pem, alg)
    if impl == "floor":
        return floor_encoder(keys)
    raise AssertionError(impl)


def reference_token(keys: Keys, claims: dict[str, Any]) -> str:
    """A token from PyJWT, the reference implementation."""
    return pyjwt.encode(claims, keys.private, algorithm=keys.alg, headers=HEADERS)


def check_decoder(impl: str, decode: Callable[[str], Any], keys: Keys, token: str) -> None:
    got = decode(token)
    if got != CLAIMS:
        raise RuntimeError(f"{impl} {keys.alg}: decode returned {got!r}")
    if impl == "floor":
        return
    for what, changes in (
        ("a wrong audience", {"aud": "billing-api"}),
        ("a wrong issuer", {"iss": "https://evil.example"}),
        ("an expired token", {"exp": ISSUED_AT + 60}),
    ):
        bad = reference_token(keys, {**CLAIMS, **changes})
        try:
            decode(bad)
        except Exception:
            continue
        raise RuntimeError(f"{impl} {keys.alg}: accepted {what}")


def check_encoder(impl: str, encode: Callable[[], str], keys: Keys) -> None:
    token = encode()
    header = pyjwt.get_unverified_header(token)
    if header != {"alg": keys.alg, "kid": KEY_ID, "typ": "JWT"}:
        raise RuntimeError(f"{impl} {keys.alg}: header {header!r}")
    claims = pyjwt.decode(
        token, keys.public, algorithms=[keys.alg], audience=AUDIENCE, issuer=ISSUER
    )
    if claims != CLAIMS:
        raise RuntimeError(f"{impl} {keys.alg}: encoded claims {claims!r}")


# ----------------------------------------------------------------------------------------------
# Timing


@dataclass
class Case:
    op: str
    alg: str
    impl: str
    call: Callable[[], Any]
    batch: int = 1
    samples: list[float] = field(default_factory=list)


def batch_size(call: Callable[[], Any], target_ns: float) -> int:
    """Calls per batch so that one undisturbed batch takes about `target_ns`.

    Every batch must last about as long as every other: under CPU contention a short batch
    often runs within one scheduler slice and a long one seldom does, which would favour the
    contenders given short batches. So the per-call time is the fastest of several short
    timings (the least disturbed by other load), not one timing taken whenever."""
    call()  # warm: caches, lazy imports
    n = 1
    while True:
        start = time.perf_counter_ns()
        for _ in range(n):
            call()
        elapsed = time.perf_counter_ns() - start
        if elapsed >= 250_000 or n >= 1 << 20:
            break
        n *= 2
    per_call = elapsed / n
    for _ in range(6):
        start = time.perf_counter_ns()
        for _ in range(n):
            call()
        per_call = min(per_call, (time.perf_counter_ns() - start) / n)
    return max(1, round(target_ns / max(per_call, 1.0)))


def measure(cases: list[Case], settings: Settings) -> None:
    target_ns = settings.batch_ms * 1e6
    for case in cases:
        case.batch = batch_size(case.call, target_ns)
    rng = random.Random(6)
    order = list(cases)
    perf = time.perf_counter_ns
    gc.collect()
    gc.disable()
    try:
        for round_no in range(settings.rounds):
            rng.shuffle(order)
            for case in order:
                call, n = case.call, case.batch
                start = perf()
                for _ in range(n):
                    call()
                case.samples.append((perf() - start) / n)
            gc.collect()
            if not settings.quick and (round_no + 1) % 25 == 0:
                print(f"    round {round_no + 1}/{settings.rounds}", file=sys.stderr)
    finally:
        gc.enable()


# ----------------------------------------------------------------------------------------------
# Results


def version(dist: str) -> Optional[str]:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def rust_decode_us(criterion: Optional[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Rust jwtkit decode times (µs) from criterion's output, where present: the medians, and
    the fastest sample (to set beside this run's fastest batches)."""
    medians: dict[str, float] = {}
    fastest: dict[str, float] = {}
    if not criterion:
        return medians, fastest
    for alg in ALGS:
        folder = os.path.join(criterion, f"{alg}_decode", "jwtkit", "new")
        try:
            with open(os.path.join(folder, "estimates.json"), encoding="utf-8") as file:
                medians[alg] = json.load(file)["median"]["point_estimate"] / 1000.0
            with open(os.path.join(folder, "sample.json"), encoding="utf-8") as file:
                sample = json.load(file)
            fastest[alg] = min(t / n for t, n in zip(sample["times"], sample["iters"])) / 1000.0
        except (OSError, KeyError, ValueError, ZeroDivisionError):
            pass
    return medians, fastest


def fmt_us(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_ratio(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ("-" if i == 0 else ":") for i, w in enumerate(widths)
    ) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def ratio(results: dict[str, Optional[float]], num: str, den: str) -> Optional[float]:
    a, b = results.get(num), results.get(den)
    return a / b if a is not None and b else None


def judge(results: dict[str, Any], rust: dict[str, float]) -> list[dict[str, Any]]:
    """Issue 6's Python targets, judged from this run."""
    dec, enc = results["decode"], results["encode"]
    targets: list[dict[str, Any]] = []

    def add(name: str, value: Optional[float], goal: str, met: Optional[bool], note: str) -> None:
        targets.append(
            {"target": name, "value": value, "goal": goal, "met": met, "measured": note}
        )

    hs = dec["HS256"]
    speedup = ratio(hs, "pyjwt", "jwtkit")
    add(
        "decode HS256: jwtkit.decode vs PyJWT",
        speedup,
        ">= 10x faster",
        None if speedup is None else speedup >= 10,
        f"{fmt_ratio(speedup)}x faster ({fmt_us(hs['jwtkit'])} vs {fmt_us(hs['pyjwt'])} µs)",
    )
    vs_rs = ratio(hs, "pyjwt_rs", "jwtkit")
    add(
        "decode HS256: jwtkit.decode vs pyjwt-rs",
        vs_rs,
        "faster (> 1x)",
        None if vs_rs is None else vs_rs > 1,
        f"{fmt_ratio(vs_rs)}x faster ({fmt_us(hs['jwtkit'])} vs {fmt_us(hs['pyjwt_rs'])} µs)",
    )
    rust_hs = rust.get("HS256")
    vs_rust = hs["jwtkit_key"] / rust_hs if hs["jwtkit_key"] is not None and rust_hs else None
    add(
        "decode HS256: Validator.decode vs Rust jwtkit",
        vs_rust,
        "<= 2x the Rust time",
        None if vs_rust is None else vs_rust <= 2,
        (
            f"{fmt_ratio(vs_rust)}x ({fmt_us(hs['jwtkit_key'])} vs {fmt_us(rust_hs)} µs, "
            "Rust from criterion, a separate run)"
            if vs_rust is not None
            else "no Rust result (run `cargo xtask bench` first, or pass --criterion)"
        ),
    )
    for alg in ("RS256", "ES256", "EdDSA"):
        row = dec[alg]
        for impl, what in (("jwtkit_key", "Validator.decode"), ("jwtkit", "jwtkit.decode")):
            over = row[impl] - row["floor"] if row[impl] is not None and row["floor"] else None
            add(
                f"verify {alg}: {what} vs floor",
                over,
                "<= floor + 5 µs",
                None if over is None else over <= 5,
                f"floor {'+' if (over or 0) >= 0 else '-'} {fmt_us(abs(over or 0))} µs "
                f"({fmt_us(row[impl])} vs {fmt_us(row['floor'])} µs)",
            )
    rs = enc["RS256"]
    pem = ratio(rs, "pyjwt_pem", "jwtkit_pem")
    add(
        "encode RS256 with a PEM string: jwtkit vs PyJWT",
        pem,
        ">= 50x faster",
        None if pem is None else pem >= 50,
        f"{fmt_ratio(pem)}x faster ({fmt_us(rs['jwtkit_pem'])} vs {fmt_us(rs['pyjwt_pem'])} µs)",
    )
    return targets


def render(report: dict[str, Any]) -> str:
    out: list[str] = []
    labels = [label for _, label, _ in COLUMNS]
    for op in OPS:
        results = report["results"][op]
        what = "decode + validate (exp, iss, aud)" if op == "decode" else "encode"
        out.append(f"### Python {what}: median µs per call")
        out.append("")
        rows = [
            [alg] + [fmt_us(results[alg][impl]) for impl, _, _ in COLUMNS] for alg in ALGS
        ]
        out.append(markdown_table(["alg", *labels], rows))
        out.append("")
        out.append(f"### Python {op}: ratios (below 1: jwtkit is faster)")
        out.append("")
        rows = [
            [alg] + [fmt_ratio(ratio(results[alg], num, den)) for _, num, den in RATIOS]
            for alg in ALGS
        ]
        out.append(markdown_table(["alg", *[label for label, _, _ in RATIOS]], rows))
        out.append("")
    out.append("### Issue 6's Python targets")
    out.append("")
    verdict = {True: "met", False: "MISSED", None: "not judged"}
    rows = [
        [
            t["target"],
            t["goal"],
            t["measured"],
            verdict[t["met"]],
            verdict[t["met_on_fastest_batches"]],
        ]
        for t in report["targets"]
    ]
    out.append(
        markdown_table(
            ["target", "goal", "measured (medians)", "verdict", "on fastest batches"], rows
        )
    )
    na = [
        f"- {op} {alg} {impl}: {reason}"
        for op, by_alg in report["not_applicable"].items()
        for alg, by_impl in by_alg.items()
        for impl, reason in by_impl.items()
        if reason != NO_PEM
    ]
    # One line for the algorithms this wheel lacks, not one per jwtkit column.
    missing = sorted(
        {alg for by_alg in report["not_applicable"].values() for alg, by_impl in by_alg.items()
         if NOT_IN_WHEEL in by_impl.values()},
        key=ALGS.index,
    )
    na = [line for line in na if not line.endswith(NOT_IN_WHEEL)]
    if missing:
        na.insert(0, f"- jwtkit {', '.join(missing)}: {NOT_IN_WHEEL}")
    if na:
        out += ["", "Not measured:", *na]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, shorter batches")
    parser.add_argument("--json", metavar="PATH", help="write every result to PATH")
    parser.add_argument(
        "--criterion", metavar="DIR", help="criterion's output folder, for the Rust reference"
    )
    args = parser.parse_args()
    settings = Settings(args.quick)
    load_before = os.getloadavg()
    started = time.time()

    print("==> keys (cryptography) and reference tokens", file=sys.stderr)
    keys = make_keys()
    tokens = {alg: reference_token(keys[alg], CLAIMS) for alg in ALGS}

    cases: list[Case] = []
    not_applicable: dict[str, dict[str, dict[str, str]]] = {op: {} for op in OPS}
    for alg in ALGS:
        for impl, _, _ in COLUMNS:
            try:
                decode = decoder(impl, keys[alg])
                check_decoder(impl, decode, keys[alg], tokens[alg])
                token = tokens[alg]
                cases.append(Case("decode", alg, impl, lambda d=decode, t=token: d(t)))
            except NotApplicable as reason:
                not_applicable["decode"].setdefault(alg, {})[impl] = str(reason)
            except Exception as err:  # a peer lacking an algorithm, say
                not_applicable["decode"].setdefault(alg, {})[impl] = (
                    f"{type(err).__name__}: {err}"
                )
            try:
                encode = encoder(impl, keys[alg])
                check_encoder(impl, encode, keys[alg])
                cases.append(Case("encode", alg, impl, encode))
            except NotApplicable as reason:
                not_applicable["encode"].setdefault(alg, {})[impl] = str(reason)
            except Exception as err:
                not_applicable["encode"].setdefault(alg, {})[impl] = (
                    f"{type(err).__name__}: {err}"
                )
    # Every jwtkit case must run: a failure there is a bug, not a missing feature.
    for op, by_alg in not_applicable.items():
        for alg, by_impl in by_alg.items():
            for impl, reason in by_impl.items():
                if impl.startswith("jwtkit") and reason not in (NO_PEM, NOT_IN_WHEEL):
                    raise RuntimeError(f"jwtkit {op} {alg} {impl}: {reason}")

    print(
        f"==> {len(cases)} cases, {settings.rounds} interleaved rounds of "
        f"~{settings.batch_ms:g} ms batches",
        file=sys.stderr,
    )
    measure(cases, settings)

    results: dict[str, dict[str, dict[str, Optional[float]]]] = {
        op: {alg: {impl: None for impl, _, _ in COLUMNS} for alg in ALGS} for op in OPS
    }
    spread: dict[str, dict[str, dict[str, dict[str, float]]]] = {
        op: {alg: {} for alg in ALGS} for op in OPS
    }
    for case in cases:
        us = [ns / 1000.0 for ns in case.samples]
        quartiles = statistics.quantiles(us, n=4) if len(us) > 1 else [us[0]] * 3
        results[case.op][case.alg][case.impl] = statistics.median(us)
        spread[case.op][case.alg][case.impl] = {
            "p25_us": quartiles[0],
            "p75_us": quartiles[2],
            "min_us": min(us),
            "calls_per_batch": case.batch,
        }
    rust, rust_fastest = rust_decode_us(args.criterion)
    report: dict[str, Any] = {
        "schema": "jwtkit-bench-python/1",
        "unit": "µs per call, median over interleaved rounds",
        "quick": settings.quick,
        "rounds": settings.rounds,
        "batch_ms": settings.batch_ms,
        "seconds": round(time.time() - started, 1),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": {
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "jwtkit": jwtkit.__version__,
            "PyJWT": version("PyJWT"),
            "cryptography": version("cryptography"),
            "pyjwt-rs": version("pyjwt-rs"),
        },
        "workload": {
            "claims": CLAIMS,
            "headers": {"alg": "<alg>", "kid": KEY_ID, "typ": "JWT"},
            "token_bytes": {alg: len(tokens[alg]) for alg in ALGS},
            "checked_on_decode": ["exp", "iss", "aud"],
        },
        "columns": [
            {"id": impl, "label": label, "measures": what} for impl, label, what in COLUMNS
        ],
        "results": results,
        "spread": spread,
        "not_applicable": not_applicable,
        "rust_decode_us": rust,
        "rust_decode_fastest_us": rust_fastest,
    }
    # Judged on the medians; and again on each case's fastest batch, the time least disturbed
    # by other load, so a verdict that flips between the two is known to sit within the noise.
    fastest = {
        op: {
            alg: {impl: (spread[op][alg][impl]["min_us"] if impl in spread[op][alg] else None)
                  for impl, _, _ in COLUMNS}
            for alg in ALGS
        }
        for op in OPS
    }
    report["targets"] = judge(results, rust)
    for target, on_min in zip(report["targets"], judge(fastest, rust_fastest)):
        target["met_on_fastest_batches"] = on_min["met"]
        target["measured_on_fastest_batches"] = on_min["measured"]
    report["markdown"] = render(report)

    versions = ", ".join(f"{name} {v}" for name, v in report["versions"].items())
    print(f"\n{versions}; load {load_before[0]:.2f} -> {os.getloadavg()[0]:.2f}\n")
    print(report["markdown"])
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(report, file, indent=2, ensure_ascii=False)
            file.write("\n")
        print(f"\n==> {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
