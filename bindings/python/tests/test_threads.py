"""Many threads verifying at once, sharing one Key and one Validator."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import jwtkit

from conftest import KeyPair


def test_many_threads_verify_at_once(keypairs: dict[str, KeyPair]) -> None:
    now = int(time.time())
    jobs = []
    for alg in ("RS256", "PS256", "ES256", "EdDSA", "HS256"):
        pair = keypairs[alg]
        key = jwtkit.Key.from_secret(pair.private) if alg == "HS256" else jwtkit.Key.from_pem(pair.public_pem)
        good = jwtkit.encode({"sub": alg, "exp": now + 600}, pair.private_pem, algorithm=alg)
        bad = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
        jobs.append((jwtkit.Validator([alg]), key, good, bad, alg))

    def work(index: int) -> int:
        validator, key, good, bad, alg = jobs[index % len(jobs)]
        checked = 0
        for _ in range(40):
            assert validator.decode(good, key)["sub"] == alg
            assert jwtkit.decode(good, key, algorithms=[alg])["sub"] == alg
            try:
                validator.decode(bad, key)
            except (jwtkit.InvalidSignatureError, jwtkit.DecodeError):
                checked += 1
        return checked

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(work, range(64)))
    assert results == [40] * 64
