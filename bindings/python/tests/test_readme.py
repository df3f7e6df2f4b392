"""The README's Python quick start, run as written: the front door must not go stale."""

import pathlib
import re

import jwtkit

README = pathlib.Path(__file__).resolve().parents[3] / "README.md"


def quick_start() -> str:
    section = README.read_text(encoding="utf-8").split("### Python\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README has no Python quick start"
    return match.group(1)


def test_readme_quick_start_runs_as_written() -> None:
    signing = jwtkit.Key.generate("ES256")
    scope = {"private_pem": signing.to_pkcs8_pem(), "public_pem": signing.to_public_pem()}
    code = quick_start()
    assert len(code.strip().splitlines()) <= 15
    exec(compile(code, str(README), "exec"), scope)
    assert scope["claims"]["sub"] == "ada"
