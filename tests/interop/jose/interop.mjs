// The jose side of the interop test (xtask/src/interop.rs drives it).
//
// Reads one JSON request on stdin:
//   { "now": seconds, "claims": {...},
//     "keys": { ALG: { "private": JWK, "public": JWK }, ... },
//     "verify": [ { "alg": ALG, "token": "..." }, ... ] }
// and writes one JSON answer on stdout:
//   { "jose": "6.x", "signed": [ { "alg", "token" } ],
//     "verified": [ { "alg", "ok": true, "claims", "header" } | { "alg", "ok": false, "error" } ] }
// `signed` holds a token jose made with each private key, for jwtkit to verify; `verified` is
// jose's verdict on each token jwtkit made, verified with the public key and only that alg.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SignJWT, importJWK, jwtVerify } from 'jose';

const require = createRequire(import.meta.url);
const { version } = require('jose/package.json');

const request = JSON.parse(readFileSync(0, 'utf8'));
const currentDate = new Date(request.now * 1000);

const signed = [];
for (const [alg, pair] of Object.entries(request.keys)) {
  const key = await importJWK(pair.private, alg);
  const token = await new SignJWT(request.claims)
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(key);
  signed.push({ alg, token });
}

const verified = [];
for (const { alg, token } of request.verify) {
  try {
    const key = await importJWK(request.keys[alg].public, alg);
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      algorithms: [alg],
      currentDate,
    });
    verified.push({ alg, ok: true, claims: payload, header: protectedHeader });
  } catch (error) {
    verified.push({ alg, ok: false, error: `${error.code ?? error.name}: ${error.message}` });
  }
}

process.stdout.write(JSON.stringify({ jose: version, signed, verified }));
