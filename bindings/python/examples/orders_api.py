"""The Python API of `cargo xtask demo`: verifies Bearer tokens with jwtkit, reads the roles.

usage: python orders_api.py PUBLIC_KEY.pem LABEL TOKEN [LABEL TOKEN ...]
"""

import sys

import jwtkit


def main() -> int:
    with open(sys.argv[1], encoding="ascii") as pem:
        key = jwtkit.Key.from_pem(pem.read())  # parsed once, shared by every request
    validator = jwtkit.Validator(
        ["ES256"], issuer="https://login.example", audience="orders-api", leeway=30
    )
    for label, token in zip(sys.argv[2::2], sys.argv[3::2]):
        try:
            claims = validator.decode(token, key)
        except jwtkit.InvalidTokenError as err:
            print(f"{label}\trefused: {type(err).__name__}: {err}")
        else:
            roles = ", ".join(claims.get("roles", []))
            print(f"{label}\tauthorized: {claims['sub']} (roles: {roles})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
