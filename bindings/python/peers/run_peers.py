"""Runs other projects' own test suites with jwtkit standing in for PyJWT.

Each suite's sources are downloaded from PyPI at test time (the pinned sdist, never vendored),
unpacked under the work folder, and run with pytest in a process that calls
``jwtkit.install_as_jwt()`` before anything imports ``jwt``. PyJWT itself is not
installed: every ``import jwt`` reaches jwtkit.

Every test's outcome is compared with ``expected-failures.txt``: a test listed there must
fail, any other must pass (or be skipped by the suite itself). An unexpected pass is an error
too, so the file never keeps a stale entry.

``--pyjwt`` runs the same tests on PyJWT itself instead (in a venv that has PyJWT 2.15.1 and
no jwtkit) and lists what fails there: the baseline that tells a ``peer:`` failure from
jwtkit's. It checks nothing against the file.

usage: python run_peers.py [--pyjwt] WORK_DIR [SUITE...]
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: suite: (sdist requirement, unpacked folder, the package's own copy of jwt to drop, pytest
#: arguments, extra environment)
SUITES: dict[str, tuple[str, str, str | None, list[str], dict[str, str]]] = {
    "pyjwt": ("PyJWT==2.15.1", "pyjwt-2.15.1", "jwt", ["tests"], {}),
    "simplejwt": (
        "djangorestframework-simplejwt==5.5.1",
        "djangorestframework_simplejwt-5.5.1",
        None,
        ["tests"],
        {},
    ),
    "flask-jwt-extended": (
        "flask-jwt-extended==4.7.4",
        "flask_jwt_extended-4.7.4",
        None,
        ["tests"],
        {},
    ),
    # OIDC social login: id_token checks through jwt.decode and PyJWKClient-shaped JWKs
    # (RSAAlgorithm.from_jwk), at_hash through get_algorithm_by_name().compute_hash_digest.
    # The test files that reach jwt (the whole suite takes minutes); Google One Tap needs
    # google-auth, which verifies its tokens itself and is not installed.
    "social-auth-core": (
        "social-auth-core==7.0.0",
        "social_auth_core-7.0.0",
        None,
        [
            *(f"social_core/tests/backends/test_{name}.py" for name in (
                "open_id_connect", "apple", "auth0", "auth0_openidconnect", "azuread",
                "azuread_b2c", "google", "keycloak", "mediawiki", "okta", "ping",
            )),
            *(f"social_core/tests/test_{name}.py" for name in (
                "oidc_cache", "auth_failure_boundaries", "provider_errors",
                "token_response_errors", "signature_comparisons",
            )),
            "--deselect", "social_core/tests/backends/test_google.py::GoogleOneTapTest",
        ],
        {},
    ),
    # GitHub App auth: jwt.encode RS256 with a PEM, and the tests' own jwt.decode. The test
    # files that reach jwt (each replays recorded HTTP; nothing goes to the network).
    "pygithub": (
        "PyGithub==2.10.0",
        "pygithub-2.10.0",
        None,
        [f"tests/{name}.py" for name in (
            "Authentication", "GithubApp", "GithubIntegration", "Installation", "Pickle",
            "Requester",
        )],
        {},
    ),
    # A FastAPI auth library: the whole suite (it runs with warnings as errors).
    "authx": ("authx==1.7.1", "authx-1.7.1", None, ["tests"], {}),
    # A FastAPI auth library: its JWT strategy, and the reset-password, verify and OAuth-state
    # tokens, with the routers that take them (the whole suite takes minutes, on its
    # password hashing).
    "fastapi-users": (
        "fastapi-users==15.0.5",
        "fastapi_users-15.0.5",
        None,
        [f"tests/test_{name}.py" for name in (
            "jwt", "authentication_strategy_jwt", "manager", "router_oauth", "router_reset",
            "router_verify",
        )],
        {},
    ),
    # django-allauth's parts on jwt: Apple/Google/Facebook/OpenID Connect id_tokens, the
    # headless JWT token strategy, and its own OIDC identity provider.
    "django-allauth": (
        "django-allauth==65.22.1",
        "django_allauth-65.22.1",
        None,
        [
            *(f"tests/apps/socialaccount/providers/{name}" for name in (
                "apple", "google", "openid_connect", "facebook",
            )),
            "tests/apps/headless/tokens",
            "tests/apps/headless/usersessions",
            "tests/apps/idp/oidc",
        ],
        {},
    ),
}


#: The suites that use pytest-asyncio; the others run without it (its warning at startup, for a
#: configuration that does not set its loop scope, is an error in suites that make warnings
#: errors).
_ASYNCIO_SUITES = {"authx", "fastapi-users"}

#: pytest on PyJWT itself (``--pyjwt``).
_PYTEST_AS_IS = "import sys, pytest; sys.exit(pytest.main(sys.argv[1:]))"

#: pytest, with ``jwt`` made jwtkit before pytest reads any configuration (suites name
#: ``jwt.warnings`` classes in their warning filters).
_PYTEST_AS_JWT = (
    "import sys, jwtkit; jwtkit.install_as_jwt(); import pytest; "
    "sys.exit(pytest.main(sys.argv[1:]))"
)


def fetch(work: Path, requirement: str, folder: str, drop: str | None) -> Path:
    """The sdist of `requirement`, downloaded with pip and unpacked afresh under `work`."""
    downloads = work / "sdists"
    downloads.mkdir(parents=True, exist_ok=True)
    name = requirement.split("==")[0].lower().replace("-", "_")
    archives = [p for p in downloads.glob("*.tar.gz") if p.name.lower().startswith(folder.lower())]
    if not archives:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--no-binary", ":all:", requirement,
             "-d", str(downloads)],
            check=True,
        )
        archives = [p for p in downloads.glob("*.tar.gz") if p.name.lower().startswith(folder.lower())]
    if not archives:
        raise SystemExit(f"no sdist for {requirement} ({name}) in {downloads}")
    source = work / folder
    if source.exists():
        shutil.rmtree(source)
    with tarfile.open(archives[0]) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(work, filter="data")
        else:  # Pythons before the extraction filters: the archive is PyPI's sdist
            tar.extractall(work)
    if drop is not None:
        shutil.rmtree(source / drop)
    return source


def read_expected(path: Path) -> dict[str, dict[str, str]]:
    """``suite: {test id: reason}`` from the expected-failures file: one test a line,
    ``suite test-id  # reason``; blank lines and lines starting with ``#`` are comments."""
    expected: dict[str, dict[str, str]] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        entry, _, reason = text.partition("  # ")
        parts = entry.split()
        if len(parts) != 2 or not reason.strip():
            raise SystemExit(f"{path.name}:{number}: want 'suite test-id  # kind: reason'")
        suite, test = parts
        if test in expected.setdefault(suite, {}):
            raise SystemExit(f"{path.name}:{number}: {test} listed twice")
        expected[suite][test] = reason.strip()
    return expected


def outcomes(junit: Path, source: Path) -> dict[str, str]:
    """``test id: passed|failed|skipped`` from pytest's JUnit XML (`source`: the folder the
    suite ran in, where the test modules are)."""
    results: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        classname = case.get("classname", "")
        name = case.get("name", "")
        parts = classname.split(".")
        # "tests.test_x.TestY" -> "tests/test_x.py::TestY": the longest prefix that is a
        # module of the suite ("tests.Requester.Requester" -> "tests/Requester.py"), else the
        # last part named test*.
        module_len = next(
            (i for i in range(len(parts), 0, -1)
             if (source / "/".join(parts[:i])).with_suffix(".py").is_file()),
            None,
        ) or next(
            (i for i in range(len(parts), 0, -1) if parts[i - 1].startswith("test")), len(parts)
        )
        module = "/".join(parts[:module_len]) + ".py"
        test_id = "::".join([module, *parts[module_len:], name])
        if case.find("skipped") is not None:
            state = "skipped"
        elif case.find("failure") is not None or case.find("error") is not None:
            state = "failed"
        else:
            state = "passed"
        # A test that passes and then errors in teardown counts as failed.
        if results.get(test_id) == "failed":
            continue
        results[test_id] = state
    return results


def run_suite(
    work: Path, suite: str, expected: dict[str, str], pyjwt: bool = False
) -> list[str]:
    requirement, folder, drop, args, env_extra = SUITES[suite]
    source = fetch(work, requirement, folder, drop)
    junit = work / f"{suite}{'-pyjwt' if pyjwt else ''}.xml"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(source)
    env.update(env_extra)
    command = [
        sys.executable, "-c", _PYTEST_AS_IS if pyjwt else _PYTEST_AS_JWT, "-q", "-p", "no:cacheprovider",
        "-o", "addopts=", "-o", "xfail_strict=true", "--junitxml", str(junit),
        *([] if suite in _ASYNCIO_SUITES else ["-p", "no:asyncio"]), *args,
    ]
    print(f"==> {suite}: pytest ({requirement}, jwt = {'PyJWT' if pyjwt else 'jwtkit'})",
          flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=source, env=env, stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    results = outcomes(junit, source)
    counts = {state: sum(1 for s in results.values() if s == state) for state in ("passed", "failed", "skipped")}
    ran = counts["passed"] + counts["failed"]
    share = 100.0 * counts["passed"] / ran if ran else 0.0
    print(f"    {suite}: {counts['passed']} passed, {counts['failed']} failed "
          f"({len(expected)} listed), {counts['skipped']} skipped, of {len(results)}: "
          f"{share:.1f}% of the tests run pass ({seconds:.0f} s)")
    if pyjwt:
        for test, state in sorted(results.items()):
            if state == "failed":
                print(f"    fails with PyJWT: {test}")
        return []
    problems = []
    for test, state in sorted(results.items()):
        if state == "failed" and test not in expected:
            problems.append(f"{suite}: unexpected failure: {test}")
        elif state == "passed" and test in expected:
            problems.append(f"{suite}: unexpected pass (remove it from the file): {test}")
    for test in sorted(set(expected) - set(results)):
        problems.append(f"{suite}: listed but not run: {test}")
    for test in sorted(t for t in expected if results.get(t) == "skipped"):
        problems.append(f"{suite}: listed but skipped: {test}")
    if counts["passed"] + counts["failed"] == 0:
        problems.append(f"{suite}: no test ran")
    return problems


def main() -> int:
    arguments = sys.argv[1:]
    pyjwt = arguments[:1] == ["--pyjwt"]
    if pyjwt:
        arguments = arguments[1:]
    if not arguments:
        print(__doc__)
        return 2
    work = Path(arguments[0]).resolve()
    suites = arguments[1:] or list(SUITES)
    unknown = [suite for suite in suites if suite not in SUITES]
    if unknown:
        print(f"no such suite: {', '.join(unknown)} (the suites: {', '.join(SUITES)})")
        return 2
    expected = read_expected(HERE / "expected-failures.txt")
    have = {}
    for name in ("PyJWT", "jwtkit"):
        try:
            have[name] = importlib.metadata.distribution(name).version
        except importlib.metadata.PackageNotFoundError:
            pass
    if pyjwt and (have.get("PyJWT") != "2.15.1" or "jwtkit" in have):
        print("--pyjwt wants PyJWT 2.15.1 installed in this environment, and no jwtkit")
        return 1
    if not pyjwt and "PyJWT" in have:
        print("PyJWT is installed in this environment: the suites must reach jwtkit only")
        return 1
    problems: list[str] = []
    for suite in suites:
        problems += run_suite(work, suite, expected.get(suite, {}), pyjwt)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
