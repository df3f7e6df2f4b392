/* The C ABI's own tests: round trips, libjwt's known holes, a NULL for every pointer of every
 * function, outputs untouched on failure, the fixes of issue 10 (checks that add to the
 * defaults, duplicate claims refused by encode, every hostile token a rejection, JWK sets that
 * skip unusable keys, OpenSSH lines refused as secrets), and four threads sharing one
 * validator and key.
 * Run by `cargo xtask test`, linked dynamically and statically, under valgrind and ASan. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwtkit.h>

#include "check.h"

/* 32 bytes: the shortest secret HS256 accepts. */
static const char SECRET[] = "0123456789abcdef0123456789abcdef";

/* The service's RSA public key, and an HS256 token MAC'd with that PEM text as the secret:
 * libjwt 1.10 accepts it. Both come from tests/vectors/attack-alg.json. */
static const char RSA_PUBLIC_PEM[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxhNNVGz0zO/a/ay6bImZ\n"
    "pUNurqyX4pe1UKIN8RIViicw9UozSKho0pyPyEqboMmu1lQoZttkygbNa4N5M2bF\n"
    "tY9fldNKUv+X8lIHEgNz+TPyzql28Jzj5DCSxmOOuvfx9ymBi3NjQeePAKPtP2pe\n"
    "HvSa3Rdu4SHxA1D8RxQFLnm3athPp225Dakxm32ySAFlo2VRJBrEHodrPLskdpX8\n"
    "ka/PFD7BQnjSS45e1nWExFCwTkRh7l/AqdJD6pxVvbwhDIVhJiqxWfyW8hSb/SAO\n"
    "gJJFdR5gyZaOb7yXCLn214iRono0P6MKj/E2ACBU1jo5f+Yo5dxXV1+xe8ExIWPl\n"
    "2wIDAQAB\n"
    "-----END PUBLIC KEY-----\n";
static const char HS256_WITH_RSA_PEM[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwic3ViIjoidXNlci0xIiwiaWF0IjoxNjk5OTk5MDAwLCJleHAiOjE3MDAwMDM2MDB9."
    "xSTDyqjxor9ZIdt_1RzZD-QTLFj57Xuhz6mNV3BY3tE";
/* {"alg":"none"} . {"sub":"admin","exp":1700003600} . (no signature) */
static const char ALG_NONE[] = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsImV4cCI6MTcwMDAwMzYwMH0.";

static const jwtkit_validator *hs256_validator(int64_t now) {
    jwtkit_alg algs[] = {JWTKIT_ALG_HS256};
    jwtkit_validator_builder *b = NULL;
    const jwtkit_validator *v = NULL;
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_issuer(b, "https://login.example"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_audience(b, "orders"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_now(b, now), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    CHECK(b == NULL);
    return v;
}

static void test_round_trip(void) {
    const jwtkit_key *key = NULL;
    const jwtkit_validator *v = hs256_validator(1700000000);
    char *token = NULL, *claims = NULL, *header = NULL;

    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, &key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, "{\"kid\":\"k1\"}",
                               "{\"sub\":\"ada\",\"iss\":\"https://login.example\",\"aud\":\"orders\","
                               "\"exp\":1700000600,\"roles\":[\"admin\"]}",
                               &token),
                 JWTKIT_OK);
    CHECK(token != NULL);
    CHECK_STATUS(jwtkit_verify(v, key, token, strlen(token), &claims), JWTKIT_OK);
    CHECK(claims != NULL && strstr(claims, "\"sub\":\"ada\"") != NULL);
    CHECK_STATUS(jwtkit_decode_header_unverified(token, strlen(token), &header), JWTKIT_OK);
    CHECK(header != NULL && strstr(header, "\"kid\":\"k1\"") != NULL);
    jwtkit_string_free(claims);
    jwtkit_string_free(header);
    claims = NULL;

    /* Expired an hour later: the status names the check and the message says why. */
    {
        const jwtkit_validator *later = hs256_validator(1700003600);
        CHECK_STATUS(jwtkit_verify(later, key, token, strlen(token), &claims), JWTKIT_ERR_EXPIRED);
        CHECK(claims == NULL);
        CHECK(strstr(jwtkit_last_error_message(), "expired") != NULL);
        jwtkit_validator_free(later);
    }
    /* One flipped signature character. */
    token[strlen(token) - 2] = token[strlen(token) - 2] == 'A' ? 'B' : 'A';
    CHECK_STATUS(jwtkit_verify(v, key, token, strlen(token), &claims), JWTKIT_ERR_SIGNATURE);
    CHECK(claims == NULL);

    jwtkit_string_free(token);
    jwtkit_validator_free(v);
    jwtkit_key_free(key);
}

static void test_jws_and_thumbprint(void) {
    const jwtkit_key *key = NULL;
    const jwtkit_validator *v = hs256_validator(1700000000);
    const uint8_t raw[] = {0, 1, 2, 0xff};
    char *token = NULL, *thumbprint = NULL, *sub = NULL;
    uint8_t *payload = NULL;
    size_t payload_len = 0;

    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, &key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jws_sign(key, "{\"alg\":\"HS256\"}", raw, sizeof raw, &token), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jws_verify(v, key, token, strlen(token), &payload, &payload_len), JWTKIT_OK);
    CHECK(payload_len == sizeof raw && payload != NULL && memcmp(payload, raw, sizeof raw) == 0);
    CHECK_STATUS(jwtkit_key_thumbprint(key, &thumbprint), JWTKIT_OK);
    CHECK(thumbprint != NULL && strlen(thumbprint) == 43);
    CHECK_STATUS(jwtkit_claims_get_string("{\"sub\":\"ada\",\"n\":1}", "sub", &sub), JWTKIT_OK);
    CHECK(sub != NULL && strcmp(sub, "ada") == 0);
    jwtkit_string_free(sub);
    sub = NULL;
    CHECK_STATUS(jwtkit_claims_get_string("{\"n\":1}", "n", &sub), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_claims_get_string("{\"n\":1}", "sub", &sub), JWTKIT_ERR_MISSING_CLAIM);
    CHECK(sub == NULL);

    jwtkit_bytes_free(payload, payload_len);
    jwtkit_string_free(token);
    jwtkit_string_free(thumbprint);
    jwtkit_validator_free(v);
    jwtkit_key_free(key);
}

static void test_libjwt_holes(void) {
    jwtkit_alg both[] = {JWTKIT_ALG_RS256, JWTKIT_ALG_HS256};
    jwtkit_alg none[] = {0};
    jwtkit_validator_builder *b = NULL;
    const jwtkit_validator *v = NULL;
    const jwtkit_key *rsa = NULL, *hmac = NULL;
    char *claims = NULL;

    CHECK_STATUS(jwtkit_key_from_pem(RSA_PUBLIC_PEM, strlen(RSA_PUBLIC_PEM), &rsa), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_new(both, 2, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_now(b, 1700000000), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);

    /* HS256 MAC'd with the RSA public key: the key is RSA, so HS256 is refused unverified. */
    CHECK_STATUS(jwtkit_verify(v, rsa, HS256_WITH_RSA_PEM, strlen(HS256_WITH_RSA_PEM), &claims),
                 JWTKIT_ERR_ALGORITHM);
    /* The public key PEM can never become an HMAC secret either. */
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)RSA_PUBLIC_PEM, strlen(RSA_PUBLIC_PEM), &hmac),
                 JWTKIT_ERR_KEY);
    CHECK(hmac == NULL);
    /* alg none, with a key and without one; and "none" cannot be put in an allow-list. */
    CHECK_STATUS(jwtkit_verify(v, rsa, ALG_NONE, strlen(ALG_NONE), &claims), JWTKIT_ERR_ALGORITHM);
    CHECK_STATUS(jwtkit_verify(v, NULL, ALG_NONE, strlen(ALG_NONE), &claims), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_validator_builder_new(none, 1, &b), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_validator_builder_new(both, 0, &b), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(claims == NULL);

    jwtkit_validator_free(v);
    jwtkit_key_free(rsa);
}

static void test_null_pointers(void) {
    jwtkit_alg algs[] = {JWTKIT_ALG_HS256};
    const jwtkit_key *key = NULL, *untouched = (const jwtkit_key *)&algs;
    const jwtkit_keyset *set = NULL;
    jwtkit_validator_builder *b = NULL;
    const jwtkit_validator *v = NULL;
    char *out = (char *)algs; /* a sentinel: failing calls must leave outputs alone */
    const char *token = ALG_NONE;
    size_t len = strlen(ALG_NONE);
    const jwtkit_status BAD = JWTKIT_ERR_INVALID_ARGUMENT;

    CHECK_STATUS(jwtkit_key_from_secret(NULL, 32, &key), BAD);
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, NULL), BAD);
    CHECK_STATUS(jwtkit_key_from_short_secret_dangerous(NULL, 1, &key), BAD);
    CHECK_STATUS(jwtkit_key_from_short_secret_dangerous((const uint8_t *)SECRET, 1, NULL), BAD);
    CHECK_STATUS(jwtkit_key_from_pem(NULL, 1, &key), BAD);
    CHECK_STATUS(jwtkit_key_from_pem(RSA_PUBLIC_PEM, 1, NULL), BAD);
    CHECK_STATUS(jwtkit_key_from_der(NULL, 1, &key), BAD);
    CHECK_STATUS(jwtkit_key_from_der((const uint8_t *)SECRET, 1, NULL), BAD);
    CHECK_STATUS(jwtkit_key_from_jwk(NULL, &key), BAD);
    CHECK_STATUS(jwtkit_key_from_jwk("{}", NULL), BAD);
    CHECK_STATUS(jwtkit_keyset_from_jwks(NULL, &set), BAD);
    CHECK_STATUS(jwtkit_keyset_from_jwks("{}", NULL), BAD);
    CHECK_STATUS(jwtkit_keyset_skipped_count(NULL, &len), BAD);
    CHECK_STATUS(jwtkit_keyset_skipped_reason(NULL, 0, &out), BAD);
    CHECK(key == NULL && set == NULL && len == strlen(ALG_NONE));

    /* A failing load leaves the output pointer as it was. */
    key = untouched;
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)"short", 5, &key), JWTKIT_ERR_KEY);
    CHECK(key == untouched);
    key = NULL;

    CHECK_STATUS(jwtkit_validator_builder_new(NULL, 1, &b), BAD);
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_add_issuer(NULL, "i"), BAD);
    CHECK_STATUS(jwtkit_validator_builder_add_audience(NULL, "a"), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_subject(NULL, "s"), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_typ(NULL, "t"), BAD);
    CHECK_STATUS(jwtkit_validator_builder_require_claim(NULL, "c"), BAD);
    CHECK_STATUS(jwtkit_validator_builder_clear_required(NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_leeway(NULL, 1), BAD);
    CHECK_STATUS(jwtkit_validator_builder_enable_checks(NULL, 0), BAD);
    CHECK_STATUS(jwtkit_validator_builder_disable_checks(NULL, 0), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_max_token_len(NULL, 1), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_now(NULL, 1), BAD);
    CHECK_STATUS(jwtkit_validator_builder_build(NULL, &v), BAD);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), BAD); /* b is NULL */

    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_issuer(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_add_issuer(b, "\xff\xfe"), BAD); /* not UTF-8 */
    CHECK_STATUS(jwtkit_validator_builder_add_audience(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_subject(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_typ(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_require_claim(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_enable_checks(b, 0x100), BAD);
    CHECK_STATUS(jwtkit_validator_builder_disable_checks(b, 0x100 | JWTKIT_CHECK_EXP), BAD);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, NULL), BAD); /* consumes b all the same */
    CHECK(b == NULL);
    jwtkit_validator_builder_free(b); /* the free a copied snippet adds: harmless now */
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    CHECK(b == NULL && v != NULL);
    jwtkit_validator_builder_free(b);
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, &key), JWTKIT_OK);

    CHECK_STATUS(jwtkit_verify(NULL, key, token, len, &out), BAD);
    CHECK_STATUS(jwtkit_verify(v, NULL, token, len, &out), BAD);
    CHECK_STATUS(jwtkit_verify(v, key, NULL, len, &out), BAD);
    CHECK_STATUS(jwtkit_verify(v, key, token, len, NULL), BAD);
    CHECK_STATUS(jwtkit_verify_with_keyset(NULL, set, token, len, &out), BAD);
    CHECK_STATUS(jwtkit_verify_with_keyset(v, NULL, token, len, &out), BAD);
    CHECK_STATUS(jwtkit_verify_with_keyset(v, set, NULL, len, &out), BAD);
    CHECK_STATUS(jwtkit_verify_with_keyset(v, set, token, len, NULL), BAD);
    CHECK_STATUS(jwtkit_decode_header_unverified(NULL, len, &out), BAD);
    CHECK_STATUS(jwtkit_decode_header_unverified(token, len, NULL), BAD);
    CHECK_STATUS(jwtkit_encode(NULL, JWTKIT_ALG_HS256, NULL, "{}", &out), BAD);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, NULL, NULL, &out), BAD);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, NULL, "{}", NULL), BAD);
    CHECK_STATUS(jwtkit_encode(key, 99, NULL, "{}", &out), BAD);
    CHECK_STATUS(jwtkit_jws_sign(NULL, "{\"alg\":\"HS256\"}", (const uint8_t *)"x", 1, &out), BAD);
    CHECK_STATUS(jwtkit_jws_sign(key, NULL, (const uint8_t *)"x", 1, &out), BAD);
    CHECK_STATUS(jwtkit_jws_sign(key, "{\"alg\":\"HS256\"}", NULL, 1, &out), BAD);
    CHECK_STATUS(jwtkit_jws_sign(key, "{\"alg\":\"HS256\"}", (const uint8_t *)"x", 1, NULL), BAD);
    CHECK_STATUS(jwtkit_key_thumbprint(NULL, &out), BAD);
    CHECK_STATUS(jwtkit_key_thumbprint(key, NULL), BAD);
    CHECK_STATUS(jwtkit_claims_get_string(NULL, "sub", &out), BAD);
    CHECK_STATUS(jwtkit_claims_get_string("{}", NULL, &out), BAD);
    CHECK_STATUS(jwtkit_claims_get_string("{}", "sub", NULL), BAD);
    CHECK(out == (char *)algs);
    {
        uint8_t *payload = (uint8_t *)algs;
        size_t payload_len = 7;
        CHECK_STATUS(jwtkit_jws_verify(NULL, key, token, len, &payload, &payload_len), BAD);
        CHECK_STATUS(jwtkit_jws_verify(v, NULL, token, len, &payload, &payload_len), BAD);
        CHECK_STATUS(jwtkit_jws_verify(v, key, NULL, len, &payload, &payload_len), BAD);
        CHECK_STATUS(jwtkit_jws_verify(v, key, token, len, NULL, &payload_len), BAD);
        CHECK_STATUS(jwtkit_jws_verify(v, key, token, len, &payload, NULL), BAD);
        CHECK(payload == (uint8_t *)algs && payload_len == 7);
        jwtkit_bytes_free(NULL, 0);
    }

    CHECK(jwtkit_status_str(JWTKIT_ERR_EXPIRED) != NULL && strcmp(jwtkit_status_str(JWTKIT_ERR_EXPIRED), "JWTKIT_ERR_EXPIRED") == 0);
    CHECK(strcmp(jwtkit_status_str(12345), "JWTKIT_UNKNOWN_STATUS") == 0);
    CHECK(jwtkit_last_error_message() != NULL);
    CHECK(jwtkit_version() != NULL && strlen(jwtkit_version()) > 0);

    jwtkit_key_free(NULL);
    jwtkit_keyset_free(NULL);
    jwtkit_validator_builder_free(NULL);
    jwtkit_validator_free(NULL);
    jwtkit_string_free(NULL);
    jwtkit_validator_free(v);
    jwtkit_key_free(key);
}

/* The clock every test below judges time by. */
#define NOW 1700000000

/* A token over `claims_json` and `header_json_or_null` with the 32-byte SECRET; free it. */
static char *hs256_token(const char *header_json_or_null, const char *claims_json) {
    const jwtkit_key *key = NULL;
    char *token = NULL;
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, &key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, header_json_or_null, claims_json, &token), JWTKIT_OK);
    jwtkit_key_free(key);
    return token;
}

/* Issue 10, item 7: enabling one check used to replace the defaults, so
 * set_checks(b, JWTKIT_CHECK_IAT) switched exp and aud off and an expired token passed. */
static void test_enable_checks_keeps_the_defaults(void) {
    jwtkit_alg algs[] = {JWTKIT_ALG_HS256};
    const jwtkit_key *key = NULL;
    jwtkit_validator_builder *b = NULL;
    const jwtkit_validator *v = NULL, *untouched = (const jwtkit_validator *)&algs;
    char *claims = NULL;
    /* Expired an hour ago, for the audience the validator expects. */
    char *expired = hs256_token(NULL, "{\"aud\":\"billing\",\"iat\":1699990000,\"exp\":1699996400}");
    char *other_aud = hs256_token(NULL, "{\"aud\":\"anyone\",\"exp\":1700000600}");

    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, &key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_audience(b, "billing"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_now(b, NOW), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_enable_checks(b, JWTKIT_CHECK_IAT), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_enable_checks(b, 0), JWTKIT_OK); /* a no-op */
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify(v, key, expired, strlen(expired), &claims), JWTKIT_ERR_EXPIRED);
    CHECK_STATUS(jwtkit_verify(v, key, other_aud, strlen(other_aud), &claims), JWTKIT_ERR_AUDIENCE);
    CHECK(claims == NULL);
    jwtkit_validator_free(v);
    v = NULL;

    /* An audience added while its check is off is a contradiction, in either order: build
     * refuses it (and still consumes the builder) rather than leaving the audience unchecked. */
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_audience(b, "billing"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_disable_checks(b, JWTKIT_CHECK_AUD), JWTKIT_OK);
    v = untouched;
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(strstr(jwtkit_last_error_message(), "JWTKIT_CHECK_AUD") != NULL);
    CHECK(b == NULL && v == untouched);
    jwtkit_validator_builder_free(b);
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_disable_checks(b, JWTKIT_CHECK_AUD | JWTKIT_CHECK_NBF), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_audience(b, "billing"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(b == NULL && v == untouched);
    /* Enabling it again makes the same settings consistent. */
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_disable_checks(b, JWTKIT_CHECK_AUD), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_audience(b, "billing"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_enable_checks(b, JWTKIT_CHECK_AUD), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_now(b, NOW), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify(v, key, other_aud, strlen(other_aud), &claims), JWTKIT_ERR_AUDIENCE);
    jwtkit_validator_free(v);

    /* With no audience expected, disabling the aud check accepts any aud (the caller checks it),
     * and only the check named is off: exp still is checked. */
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_now(b, NOW), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_disable_checks(b, JWTKIT_CHECK_AUD), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify(v, key, other_aud, strlen(other_aud), &claims), JWTKIT_OK);
    CHECK(claims != NULL && strstr(claims, "\"aud\":\"anyone\"") != NULL);
    jwtkit_string_free(claims);
    claims = NULL;
    CHECK_STATUS(jwtkit_verify(v, key, expired, strlen(expired), &claims), JWTKIT_ERR_EXPIRED);
    jwtkit_validator_free(v);

    jwtkit_string_free(expired);
    jwtkit_string_free(other_aud);
    jwtkit_key_free(key);
}

/* Issue 10: claims pasted together with snprintf from a user-supplied name. A verifier keeping
 * the last duplicate would read sub=admin, so encode refuses duplicates at any depth. */
static void test_encode_refuses_duplicate_member_names(void) {
    const char *name = "mallory\",\"sub\":\"admin"; /* what the user typed as a display name */
    const jwtkit_key *key = NULL;
    char claims[256], *token = (char *)claims, *untouched = token;

    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, &key), JWTKIT_OK);
    snprintf(claims, sizeof claims, "{\"sub\":\"user-42\",\"name\":\"%s\",\"exp\":1700000600}", name);
    CHECK(strstr(claims, "\"sub\":\"admin\"") != NULL); /* the injection is in the text */
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, NULL, claims, &token), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(token == untouched);
    CHECK(strstr(jwtkit_last_error_message(), "duplicate") != NULL);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, NULL, "{\"role\":{\"admin\":false,\"admin\":true}}", &token),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    /* The caller's own malformed header is the caller's mistake, never a token rejection. */
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, "{\"kid\":5}", "{\"exp\":1700000600}", &token),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, "{\"crit\":[\"exp\"],\"exp\":1}", "{}", &token),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(token == untouched);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, "{\"kid\":\"a\",\"kid\":\"b\"}", "{\"exp\":1}", &token),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, NULL, "[1,2]", &token), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, NULL, "{\"exp\":1} trailing", &token),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(token == untouched);
    /* The same names at different depths are not duplicates. */
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, NULL, "{\"sub\":\"a\",\"act\":{\"sub\":\"b\"}}", &token),
                 JWTKIT_OK);
    CHECK(token != untouched);
    jwtkit_string_free(token);
    jwtkit_key_free(key);
}

/* Issue 10: a signed claim holding \u0000 made jwtkit_claims_get_string return
 * JWTKIT_ERR_INTERNAL. A token never reaches INTERNAL: it is JWTKIT_ERR_CLAIM_TYPE. */
static void test_claims_get_string_statuses(void) {
    const jwtkit_key *key = NULL;
    const jwtkit_validator *v = NULL;
    jwtkit_validator_builder *b = NULL;
    jwtkit_alg algs[] = {JWTKIT_ALG_HS256};
    char *token = hs256_token(NULL, "{\"sub\":\"ad\\u0000min\",\"scope\":null,\"n\":7,\"exp\":1700000600}");
    char *claims = NULL, *value = (char *)algs, *untouched = value;

    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, &key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_now(b, NOW), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify(v, key, token, strlen(token), &claims), JWTKIT_OK);
    CHECK(claims != NULL);
    if (claims) {
        CHECK_STATUS(jwtkit_claims_get_string(claims, "sub", &value), JWTKIT_ERR_CLAIM_TYPE);
        CHECK(strstr(jwtkit_last_error_message(), "NUL") != NULL);
        CHECK(jwtkit_status_is_rejection(JWTKIT_ERR_CLAIM_TYPE));
        CHECK_STATUS(jwtkit_claims_get_string(claims, "n", &value), JWTKIT_ERR_CLAIM_TYPE);
        CHECK_STATUS(jwtkit_claims_get_string(claims, "scope", &value), JWTKIT_ERR_MISSING_CLAIM);
        CHECK_STATUS(jwtkit_claims_get_string(claims, "iss", &value), JWTKIT_ERR_MISSING_CLAIM);
        CHECK(value == untouched);
    }
    /* Text that is not what jwtkit_verify returns is the caller's mistake. */
    CHECK_STATUS(jwtkit_claims_get_string("{\"sub\":\"a\",\"sub\":\"b\"}", "sub", &value),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_get_string("[]", "sub", &value), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(value == untouched);
    CHECK_STATUS(jwtkit_claims_get_string("{\"sub\":\"\"}", "sub", &value), JWTKIT_OK);
    CHECK(value != untouched && value[0] == '\0');
    jwtkit_string_free(value);

    jwtkit_string_free(claims);
    jwtkit_string_free(token);
    jwtkit_validator_free(v);
    jwtkit_key_free(key);
}

/* 48 bytes: an HS384 signing key, for tokens that claim more than the service's secret gives. */
static const char SECRET48[] = "0123456789abcdef0123456789abcdef0123456789abcdef";

/* One hostile token: the status must be `expected`, and every status a token causes must be a
 * rejection, never a key error, an invalid argument or an internal error. */
static void expect_rejection(const char *what, jwtkit_status got, jwtkit_status expected) {
    checks++;
    if (got != expected || !jwtkit_status_is_rejection(got) || got == JWTKIT_ERR_KEY ||
        got == JWTKIT_ERR_INVALID_ARGUMENT || got == JWTKIT_ERR_INTERNAL) {
        failures++;
        fprintf(stderr, "%s:%d: %s gave %s, expected the rejection %s (%s)\n", __FILE__, __LINE__, what,
                jwtkit_status_str(got), jwtkit_status_str(expected), jwtkit_last_error_message());
    }
}

/* Signs `payload` under the exact `header_json` with `key`; free the token. */
static char *signed_with(const jwtkit_key *key, const char *header_json, const char *payload) {
    char *token = NULL;
    CHECK_STATUS(jwtkit_jws_sign(key, header_json, (const uint8_t *)payload, strlen(payload), &token), JWTKIT_OK);
    return token;
}

/* Issue 10, item 8: whatever a token chooses (its alg, its kid, its bytes, its claims), the
 * status is a rejection on every key source, so a service answering 3xx with 500 cannot be
 * made to by a client. */
static void test_hostile_tokens_are_rejections(void) {
    static const char ONE_KEY_SET[] =
        "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\"}]}";
    static const char SHARED_KID_SET[] =
        "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\"},"
        "{\"kty\":\"oct\",\"kid\":\"k1\",\"k\":\"ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA\"}]}";
    /* {"alg":"RS256","kid":"k1"} and {"alg":"HS256","crit":["exp"],"exp":1}, unsigned. */
    static const char RS256[] = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJleHAiOjE3MDAwMDA2MDB9.AAAA";
    static const char CRIT[] = "eyJhbGciOiJIUzI1NiIsImNyaXQiOlsiZXhwIl0sImV4cCI6MX0.eyJleHAiOjE3MDAwMDA2MDB9.AAAA";
    static const char GOOD[] = "{\"iss\":\"https://login.example\",\"aud\":\"orders\",\"exp\":1700000600}";
    jwtkit_alg algs[] = {JWTKIT_ALG_HS256, JWTKIT_ALG_HS384};
    const jwtkit_key *key = NULL, *key48 = NULL;
    const jwtkit_keyset *set = NULL, *shared = NULL;
    jwtkit_validator_builder *b = NULL;
    const jwtkit_validator *v = NULL;
    char *claims = NULL, *hs384, *unknown_kid, *k1, *tampered, *oversized;
    uint8_t *payload = NULL;
    size_t payload_len = 0, i;
    struct {
        const char *what;
        const char *header;
        const char *payload;
        jwtkit_status expected;
    } bad_claims[] = {
        {"expired", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
         "{\"iss\":\"https://login.example\",\"aud\":\"orders\",\"exp\":1699996400}", JWTKIT_ERR_EXPIRED},
        {"not yet valid", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
         "{\"iss\":\"https://login.example\",\"aud\":\"orders\",\"exp\":1700000600,\"nbf\":1700000500}",
         JWTKIT_ERR_NOT_YET_VALID},
        {"another issuer", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
         "{\"iss\":\"https://evil.example\",\"aud\":\"orders\",\"exp\":1700000600}", JWTKIT_ERR_ISSUER},
        {"another audience", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
         "{\"iss\":\"https://login.example\",\"aud\":\"billing\",\"exp\":1700000600}", JWTKIT_ERR_AUDIENCE},
        {"exp missing", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
         "{\"iss\":\"https://login.example\",\"aud\":\"orders\"}", JWTKIT_ERR_MISSING_CLAIM},
        {"exp null", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
         "{\"iss\":\"https://login.example\",\"aud\":\"orders\",\"exp\":null}", JWTKIT_ERR_MALFORMED},
        {"typ refused", "{\"alg\":\"HS256\",\"kid\":\"k1\",\"typ\":\"JWE\"}", GOOD, JWTKIT_ERR_TYPE},
        {"duplicate claim", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
         "{\"iss\":\"https://login.example\",\"aud\":\"orders\",\"exp\":1700000600,\"aud\":\"x\"}",
         JWTKIT_ERR_MALFORMED},
    };
    struct {
        const char *what;
        const char *token;
        jwtkit_status expected;
    } bad_tokens[] = {
        {"alg none", ALG_NONE, JWTKIT_ERR_ALGORITHM},
        {"RS256 outside the allow-list", RS256, JWTKIT_ERR_ALGORITHM},
        {"crit extension", CRIT, JWTKIT_ERR_UNSUPPORTED},
        {"five segments (JWE)", "a.b.c.d.e", JWTKIT_ERR_UNSUPPORTED},
        {"two segments", "abc.def", JWTKIT_ERR_MALFORMED},
        {"not base64url", "e30.e30.!!!", JWTKIT_ERR_MALFORMED},
        {"not UTF-8", "\xff\xfe.e30.AAAA", JWTKIT_ERR_MALFORMED},
        {"empty", "", JWTKIT_ERR_MALFORMED},
    };

    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, &key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET48, 48, &key48), JWTKIT_OK);
    CHECK_STATUS(jwtkit_keyset_from_jwks(ONE_KEY_SET, &set), JWTKIT_OK);
    CHECK_STATUS(jwtkit_keyset_from_jwks(SHARED_KID_SET, &shared), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 2, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_issuer(b, "https://login.example"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_audience(b, "orders"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_typ(b, "JWT"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_now(b, NOW), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);

    /* An HS384 token against a 32-byte secret: the token chose an alg its key cannot give. */
    hs384 = signed_with(key48, "{\"alg\":\"HS384\",\"typ\":\"JWT\",\"kid\":\"k1\"}", GOOD);
    expect_rejection("HS384 vs a 32-byte key", jwtkit_verify(v, key, hs384, strlen(hs384), &claims),
                     JWTKIT_ERR_ALGORITHM);
    expect_rejection("HS384 vs a 32-byte key (JWS)",
                     jwtkit_jws_verify(v, key, hs384, strlen(hs384), &payload, &payload_len), JWTKIT_ERR_ALGORITHM);
    expect_rejection("HS384 vs a set's 32-byte key", jwtkit_verify_with_keyset(v, set, hs384, strlen(hs384), &claims),
                     JWTKIT_ERR_KEY_NOT_FOUND);
    /* A kid nobody has, and a kid two keys share. */
    unknown_kid = signed_with(key, "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"nobody\"}", GOOD);
    expect_rejection("unknown kid", jwtkit_verify_with_keyset(v, set, unknown_kid, strlen(unknown_kid), &claims),
                     JWTKIT_ERR_KEY_NOT_FOUND);
    k1 = signed_with(key, "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}", GOOD);
    expect_rejection("ambiguous kid", jwtkit_verify_with_keyset(v, shared, k1, strlen(k1), &claims),
                     JWTKIT_ERR_KEY_NOT_FOUND);
    /* The controls: the same token is fine with the key and with the one-key set. */
    CHECK_STATUS(jwtkit_verify(v, key, k1, strlen(k1), &claims), JWTKIT_OK);
    jwtkit_string_free(claims);
    claims = NULL;
    CHECK_STATUS(jwtkit_verify_with_keyset(v, set, k1, strlen(k1), &claims), JWTKIT_OK);
    jwtkit_string_free(claims);
    claims = NULL;
    /* One flipped signature character, and a token over the size limit. */
    tampered = signed_with(key, "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}", GOOD);
    tampered[strlen(tampered) - 2] = tampered[strlen(tampered) - 2] == 'A' ? 'B' : 'A';
    expect_rejection("bad signature", jwtkit_verify(v, key, tampered, strlen(tampered), &claims), JWTKIT_ERR_SIGNATURE);
    expect_rejection("bad signature (set)", jwtkit_verify_with_keyset(v, set, tampered, strlen(tampered), &claims),
                     JWTKIT_ERR_SIGNATURE);
    oversized = malloc(9000);
    CHECK(oversized != NULL);
    if (oversized) {
        memset(oversized, 'a', 9000);
        expect_rejection("oversized", jwtkit_verify(v, key, oversized, 9000, &claims), JWTKIT_ERR_MALFORMED);
        expect_rejection("oversized (set)", jwtkit_verify_with_keyset(v, set, oversized, 9000, &claims),
                         JWTKIT_ERR_MALFORMED);
    }
    for (i = 0; i < sizeof bad_tokens / sizeof bad_tokens[0]; i++) {
        const char *t = bad_tokens[i].token;
        expect_rejection(bad_tokens[i].what, jwtkit_verify(v, key, t, strlen(t), &claims), bad_tokens[i].expected);
        expect_rejection(bad_tokens[i].what, jwtkit_verify_with_keyset(v, set, t, strlen(t), &claims),
                         bad_tokens[i].expected);
    }
    for (i = 0; i < sizeof bad_claims / sizeof bad_claims[0]; i++) {
        char *t = signed_with(key, bad_claims[i].header, bad_claims[i].payload);
        expect_rejection(bad_claims[i].what, jwtkit_verify(v, key, t, strlen(t), &claims), bad_claims[i].expected);
        expect_rejection(bad_claims[i].what, jwtkit_verify_with_keyset(v, set, t, strlen(t), &claims),
                         bad_claims[i].expected);
        jwtkit_string_free(t);
    }
    CHECK(claims == NULL && payload == NULL);

    /* The ranges: a token can cause exactly the named 1xx and 2xx statuses. */
    for (i = 0; i < 1000; i++) {
        jwtkit_status s = (jwtkit_status)i;
        int named = strcmp(jwtkit_status_str(s), "JWTKIT_UNKNOWN_STATUS") != 0;
        CHECK(!jwtkit_status_is_rejection(s) == !(named && s >= 100 && s < 300));
    }
    CHECK(jwtkit_status_is_rejection(JWTKIT_ERR_KEY_NOT_FOUND));
    CHECK(!jwtkit_status_is_rejection(JWTKIT_OK) && !jwtkit_status_is_rejection(JWTKIT_ERR_KEY));
    CHECK(!jwtkit_status_is_rejection(JWTKIT_ERR_INVALID_ARGUMENT) && !jwtkit_status_is_rejection(JWTKIT_ERR_INTERNAL));

    free(oversized);
    jwtkit_string_free(hs384);
    jwtkit_string_free(unknown_kid);
    jwtkit_string_free(k1);
    jwtkit_string_free(tampered);
    jwtkit_validator_free(v);
    jwtkit_keyset_free(set);
    jwtkit_keyset_free(shared);
    jwtkit_key_free(key);
    jwtkit_key_free(key48);
}

/* A P-256 key made for this test, its public JWK (kid "current") and a retired 1024-bit RSA
 * public key (kid "retired-2019") published beside it. */
static const char EC_PRIVATE_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg36q0vc85zHWPVYNY\n"
    "Rii/B083ri7+rBUIxtZ8ziTNW1KhRANCAATlipDDjvOaNhpX1yLJeyA/hse5+7uD\n"
    "gby2QDQe5Qc4UUPMaFhBNDoP0E8cznidhXo0FvE0kXNcD5l0CJHEYyeW\n"
    "-----END PRIVATE KEY-----\n";
#define EC_PUBLIC_JWK                                                                  \
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"current\","                          \
    "\"x\":\"5YqQw47zmjYaV9ciyXsgP4bHufu7g4G8tkA0HuUHOFE\","                         \
    "\"y\":\"Q8xoWEE0Og_QTxzOeJ2FejQW8TSRc1wPmXQIkcRjJ5Y\"}"
#define RSA1024_PUBLIC_JWK                                                             \
    "{\"kty\":\"RSA\",\"kid\":\"retired-2019\",\"e\":\"AQAB\",\"n\":"                  \
    "\"uvwY_6PfapdiAIX1EzEcfaYo6uiCOTODWoEZHBwltCz_lF-BPKuzzT_eT5aU5XQD8hGSXwwx0d5JnP6f" \
    "UhuUk4zCWr4vXAvjHkf3l9eWjtDnhzmPWsppizQeYbmAkB5cHzu0f84wS1tv09owYoYYB5FL6Hm0XtYfDrS" \
    "EtrAvbyE\"}"

/* Issue 10, item 9: one stale key used to make the whole set fail to load. */
static void test_keyset_skips_unusable_keys(void) {
    jwtkit_alg algs[] = {JWTKIT_ALG_ES256, JWTKIT_ALG_RS256};
    const jwtkit_key *signer = NULL;
    const jwtkit_keyset *set = NULL, *weak_only = NULL;
    jwtkit_validator_builder *b = NULL;
    const jwtkit_validator *v = NULL;
    char *token = NULL, *claims = NULL, *reason = NULL, *untouched = (char *)algs;
    size_t count = 99;

    CHECK_STATUS(jwtkit_keyset_from_jwks("{\"keys\":[" RSA1024_PUBLIC_JWK "," EC_PUBLIC_JWK "]}", &set), JWTKIT_OK);
    CHECK_STATUS(jwtkit_keyset_skipped_count(set, &count), JWTKIT_OK);
    CHECK(count == 1);
    CHECK_STATUS(jwtkit_keyset_skipped_reason(set, 0, &reason), JWTKIT_OK);
    CHECK(reason != NULL && strstr(reason, "key #0") != NULL && strstr(reason, "retired-2019") != NULL);
    if (reason) printf("c-api: skipped %s\n", reason);
    jwtkit_string_free(reason);
    reason = untouched;
    CHECK_STATUS(jwtkit_keyset_skipped_reason(set, 1, &reason), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_keyset_skipped_reason(set, (size_t)-1, &reason), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_keyset_skipped_reason(set, 0, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_keyset_skipped_count(set, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(reason == untouched);

    /* The good key still verifies its tokens; the skipped key's kid finds nothing. */
    CHECK_STATUS(jwtkit_key_from_pem(EC_PRIVATE_PEM, strlen(EC_PRIVATE_PEM), &signer), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode(signer, JWTKIT_ALG_ES256, "{\"kid\":\"current\"}",
                               "{\"sub\":\"ada\",\"exp\":1700000600}", &token),
                 JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 2, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_now(b, NOW), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    if (token) {
        CHECK_STATUS(jwtkit_verify_with_keyset(v, set, token, strlen(token), &claims), JWTKIT_OK);
        CHECK(claims != NULL && strstr(claims, "\"sub\":\"ada\"") != NULL);
        jwtkit_string_free(claims);
        claims = NULL;
        jwtkit_string_free(token);
        token = NULL;
    }
    CHECK_STATUS(jwtkit_encode(signer, JWTKIT_ALG_ES256, "{\"kid\":\"retired-2019\"}", "{\"exp\":1700000600}", &token),
                 JWTKIT_OK);
    if (token) {
        expect_rejection("the skipped key's kid", jwtkit_verify_with_keyset(v, set, token, strlen(token), &claims),
                         JWTKIT_ERR_KEY_NOT_FOUND);
    }

    /* A set with no usable key at all is still refused, and says why. */
    CHECK_STATUS(jwtkit_keyset_from_jwks("{\"keys\":[" RSA1024_PUBLIC_JWK "]}", &weak_only), JWTKIT_ERR_KEY);
    CHECK(weak_only == NULL && strstr(jwtkit_last_error_message(), "retired-2019") != NULL);
    /* A secret published beside public keys is a leaked secret: refused, not skipped. */
    CHECK_STATUS(jwtkit_keyset_from_jwks("{\"keys\":[" EC_PUBLIC_JWK ",{\"kty\":\"oct\",\"kid\":\"s\",\"k\":"
                                         "\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\"}]}",
                                         &weak_only),
                 JWTKIT_ERR_KEY);
    CHECK(weak_only == NULL);

    jwtkit_string_free(token);
    jwtkit_validator_free(v);
    jwtkit_key_free(signer);
    jwtkit_keyset_free(set);
}

/* OpenSSH public lines made with ssh-keygen for this test (public text only): an RSA key with a
 * tab after its type, and an Ed25519 user certificate. Each verifies tokens as a key somewhere,
 * so each must never be accepted as an HMAC secret (issue 10, item 1). */
static const char SSH_RSA_TAB_LINE[] =
    "ssh-rsa\t"
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQCnOnHaeX9XABmMoGADV9ARfS9nnnnv9JwhY1WddEFXPNKbgM3Uqlldxx5eoZycnClHcs//VJfmHEpEb"
    "Az2YfIN74r3GV21w7Q4H7t3cYWTm4gFwzFoZNTqPjIA/cu3ryaRA/PRypKIy/+AjeUbgFwM1q1/eO3nwEXu9pjntXi2G95Pp3P2dr+Qfj6F3LI"
    "073ViW0infPifgeyYdjhqz9e1DUz6pEJp0tidSQ9iyMyfcecLJxlO7k8kmQCVcziicHEpFxYE8YNGajyXPh1CcgKCHtacXOKl/ybGQ8znE5KJN"
    "O3z444hIYgzhO/JceSTKTuHNKz0Z5SAgkqhYOHrJkFz\n";
static const char SSH_ED25519_CERT_LINE[] =
    "ssh-ed25519-cert-v01@openssh.com "
    "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIMhAkrup9xgvylJ7X+VIxGTT8AT5o+pSvmtauGZpwJYsAAAAIJsQHmdr0p"
    "lPUNkvllQzbI+0rWR412jkWLi4dpjaRDdKAAAAAAAAAAAAAAABAAAACXRlc3QtdXNlcgAAAAcAAAADYWRhAAAAAGsO3PQAAAAAfc2xYwAAAAAAAA"
    "CCAAAAFXBlcm1pdC1YMTEtZm9yd2FyZGluZwAAAAAAAAAXcGVybWl0LWFnZW50LWZvcndhcmRpbmcAAAAAAAAAFnBlcm1pdC1wb3J0LWZvcndhcm"
    "RpbmcAAAAAAAAACnBlcm1pdC1wdHkAAAAAAAAADnBlcm1pdC11c2VyLXJjAAAAAAAAAAAAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIL28yyGbaPbHNM"
    "ajDs1vLC0Y5wLGxGdopQ2zTYUdcsifAAAAUwAAAAtzc2gtZWQyNTUxOQAAAED5fsUDUeSwPh1Merb1wZNLlP7G3CGjUIVF3OMjZoyHFLU8oPyCAH"
    "8FKwGfcM9CVV94VNFkae0sAEunvLMqUpUH ada@example\n";

static void test_ssh_public_lines_are_not_secrets(void) {
    const jwtkit_key *untouched = (const jwtkit_key *)SECRET, *key = untouched;
    char variant[1024];

    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SSH_RSA_TAB_LINE, strlen(SSH_RSA_TAB_LINE), &key),
                 JWTKIT_ERR_KEY);
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SSH_ED25519_CERT_LINE, strlen(SSH_ED25519_CERT_LINE), &key),
                 JWTKIT_ERR_KEY);
    /* Nor through the loader that accepts short secrets. */
    CHECK_STATUS(jwtkit_key_from_short_secret_dangerous((const uint8_t *)SSH_RSA_TAB_LINE, strlen(SSH_RSA_TAB_LINE),
                                                        &key),
                 JWTKIT_ERR_KEY);
    CHECK_STATUS(jwtkit_key_from_short_secret_dangerous((const uint8_t *)SSH_ED25519_CERT_LINE,
                                                        strlen(SSH_ED25519_CERT_LINE), &key),
                 JWTKIT_ERR_KEY);
    /* Other spellings of the same line: several spaces, a leading blank line, CRLF. */
    snprintf(variant, sizeof variant, "ssh-rsa   %s", SSH_RSA_TAB_LINE + strlen("ssh-rsa\t"));
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)variant, strlen(variant), &key), JWTKIT_ERR_KEY);
    snprintf(variant, sizeof variant, "\n%s", SSH_RSA_TAB_LINE);
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)variant, strlen(variant), &key), JWTKIT_ERR_KEY);
    snprintf(variant, sizeof variant, "%s", SSH_RSA_TAB_LINE);
    strcpy(variant + strlen(variant) - 1, "\r\n");
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)variant, strlen(variant), &key), JWTKIT_ERR_KEY);
    CHECK(key == untouched);
    /* The line is a key, and loads as one; a certificate is not a key. */
    CHECK_STATUS(jwtkit_key_from_openssh(variant, strlen(variant), &key), JWTKIT_OK);
    CHECK(key != untouched);
    jwtkit_key_free(key);
    key = untouched;
    CHECK_STATUS(jwtkit_key_from_openssh(SSH_ED25519_CERT_LINE, strlen(SSH_ED25519_CERT_LINE), &key),
                 JWTKIT_ERR_KEY);
    CHECK(strstr(jwtkit_last_error_message(), "certificate") != NULL);
    CHECK(key == untouched);
}

struct shared {
    const jwtkit_validator *validator;
    const jwtkit_key *key;
    const char *token;
    int ok;
};

static void *verify_many(void *arg) {
    struct shared *s = arg;
    int i;
    for (i = 0; i < 500; i++) {
        char *claims = NULL;
        if (jwtkit_verify(s->validator, s->key, s->token, strlen(s->token), &claims) == JWTKIT_OK) {
            s->ok++;
        }
        jwtkit_string_free(claims);
    }
    return NULL;
}

static void test_threads_share_one_validator_and_key(void) {
    const jwtkit_key *key = NULL;
    const jwtkit_validator *v = hs256_validator(1700000000);
    char *token = NULL;
    pthread_t threads[4];
    struct shared shared[4];
    int i;

    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, 32, &key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_HS256, NULL,
                               "{\"iss\":\"https://login.example\",\"aud\":[\"orders\"],\"exp\":1700000600}",
                               &token),
                 JWTKIT_OK);
    for (i = 0; i < 4; i++) {
        shared[i].validator = v;
        shared[i].key = key;
        shared[i].token = token;
        shared[i].ok = 0;
        CHECK(pthread_create(&threads[i], NULL, verify_many, &shared[i]) == 0);
    }
    for (i = 0; i < 4; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(shared[i].ok == 500);
    }
    jwtkit_string_free(token);
    jwtkit_validator_free(v);
    jwtkit_key_free(key);
}

/* Key text with an explicit length (issue 16): no NUL needed after it, and every byte within
 * the length is data, so a NUL there is a bad key, never a shorter one. */
static void test_key_text_with_length(void) {
    static const char JWK[] = EC_PUBLIC_JWK;
    static const char JWKS[] = "{\"keys\":[" EC_PUBLIC_JWK "]}";
    char buf[1024];
    size_t pem_len = strlen(EC_PRIVATE_PEM), jwk_len = strlen(JWK), jwks_len = strlen(JWKS);
    const jwtkit_key *key = NULL;
    const jwtkit_keyset *set = NULL;
    char *token = NULL;
    const jwtkit_validator *v = NULL;
    jwtkit_validator_builder *b = NULL;
    jwtkit_alg es256[] = {JWTKIT_ALG_ES256};

    /* The exact length of text followed by bytes that are not part of it. */
    memset(buf, 'X', sizeof buf);
    memcpy(buf, EC_PRIVATE_PEM, pem_len);
    CHECK_STATUS(jwtkit_key_from_pem(buf, pem_len, &key), JWTKIT_OK);
    CHECK(key != NULL);
    CHECK_STATUS(jwtkit_encode(key, JWTKIT_ALG_ES256, "{\"kid\":\"current\"}", "{\"sub\":\"ada\"}", &token),
                 JWTKIT_OK);
    jwtkit_key_free(key);
    key = NULL;
    memset(buf, 'X', sizeof buf);
    memcpy(buf, JWK, jwk_len);
    CHECK_STATUS(jwtkit_key_from_jwk_len(buf, jwk_len, &key), JWTKIT_OK);
    jwtkit_key_free(key);
    key = NULL;
    memset(buf, 'X', sizeof buf);
    memcpy(buf, JWKS, jwks_len);
    CHECK_STATUS(jwtkit_keyset_from_jwks_len(buf, jwks_len, &set), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_new(es256, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_clear_required(b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    {
        char *claims = NULL;
        CHECK_STATUS(jwtkit_verify_with_keyset(v, set, token, strlen(token), &claims), JWTKIT_OK);
        jwtkit_string_free(claims);
    }
    jwtkit_keyset_free(set);
    set = NULL;

    /* A NUL inside the length, at the end, in the middle, or before trailing junk. */
    memcpy(buf, EC_PRIVATE_PEM, pem_len + 1);
    CHECK_STATUS(jwtkit_key_from_pem(buf, pem_len + 1, &key), JWTKIT_ERR_KEY);
    CHECK(strstr(jwtkit_last_error_message(), "NUL") != NULL);
    memcpy(buf + pem_len + 1, "junk", 4);
    CHECK_STATUS(jwtkit_key_from_pem(buf, pem_len + 5, &key), JWTKIT_ERR_KEY);
    buf[40] = '\0';
    CHECK_STATUS(jwtkit_key_from_pem(buf, pem_len, &key), JWTKIT_ERR_KEY);
    memcpy(buf, JWK, jwk_len + 1);
    CHECK_STATUS(jwtkit_key_from_jwk_len(buf, jwk_len + 1, &key), JWTKIT_ERR_KEY);
    buf[5] = '\0';
    CHECK_STATUS(jwtkit_key_from_jwk_len(buf, jwk_len, &key), JWTKIT_ERR_KEY);
    memcpy(buf, JWKS, jwks_len + 1);
    CHECK_STATUS(jwtkit_keyset_from_jwks_len(buf, jwks_len + 1, &set), JWTKIT_ERR_KEY);
    memcpy(buf, SSH_RSA_TAB_LINE, strlen(SSH_RSA_TAB_LINE) + 1);
    CHECK_STATUS(jwtkit_key_from_openssh(buf, strlen(SSH_RSA_TAB_LINE) + 1, &key), JWTKIT_ERR_KEY);
    CHECK(strstr(jwtkit_last_error_message(), "NUL") != NULL);
    /* Bytes that are not UTF-8 are not key text either. */
    CHECK_STATUS(jwtkit_key_from_pem("\xff\xfe", 2, &key), JWTKIT_ERR_KEY);
    CHECK_STATUS(jwtkit_key_from_jwk_len("{\"kty\":\"\xff\"}", 11, &key), JWTKIT_ERR_KEY);
    /* Empty text is a bad key; a NULL pointer is a bad call, whatever the length. */
    CHECK_STATUS(jwtkit_key_from_pem("", 0, &key), JWTKIT_ERR_KEY);
    CHECK_STATUS(jwtkit_key_from_jwk_len("", 0, &key), JWTKIT_ERR_KEY);
    CHECK_STATUS(jwtkit_keyset_from_jwks_len("", 0, &set), JWTKIT_ERR_KEY);
    CHECK_STATUS(jwtkit_key_from_pem(NULL, 0, &key), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_from_openssh(NULL, 0, &key), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_from_jwk_len(NULL, 0, &key), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_keyset_from_jwks_len(NULL, 0, &set), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_from_jwk_len(JWK, jwk_len, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_keyset_from_jwks_len(JWKS, jwks_len, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(key == NULL && set == NULL);

    jwtkit_string_free(token);
    jwtkit_validator_free(v);
}

/* The status and algorithm values have C enum names (issue 16); the ABI type stays uint32_t. */
static const char *verdict(jwtkit_status status) {
    switch ((jwtkit_status_code)status) {
    case JWTKIT_OK:
        return "ok";
    case JWTKIT_ERR_EXPIRED:
        return "expired";
    case JWTKIT_ERR_KEY:
        return "key";
    default:
        return jwtkit_status_is_rejection(status) ? "rejected" : "error";
    }
}

static void test_status_and_alg_enums(void) {
    jwtkit_alg_code es256 = JWTKIT_ALG_ES256;
    jwtkit_alg alg = 0;
    CHECK(sizeof(jwtkit_status) == 4 && sizeof(jwtkit_alg) == 4);
    CHECK(strcmp(verdict(JWTKIT_OK), "ok") == 0);
    CHECK(strcmp(verdict(JWTKIT_ERR_EXPIRED), "expired") == 0);
    CHECK(strcmp(verdict(JWTKIT_ERR_SIGNATURE), "rejected") == 0);
    CHECK(strcmp(verdict(JWTKIT_ERR_INVALID_ARGUMENT), "error") == 0);
    CHECK(strcmp(jwtkit_status_str(JWTKIT_ERR_INTERNAL), "JWTKIT_ERR_INTERNAL") == 0);
    CHECK_STATUS(jwtkit_alg_from_name("ES256", &alg), JWTKIT_OK);
    CHECK(alg == (jwtkit_alg)es256);
    CHECK(strcmp(jwtkit_alg_name(JWTKIT_ALG_EDDSA), "EdDSA") == 0);
    CHECK(JWTKIT_ALG_HS256 == 1 && JWTKIT_ALG_EDDSA == 12 && JWTKIT_ERR_KEY == 300);
}

/* RFC 7797 section 4.2's example: HS256 with RFC 7515 A.1's key over the unencoded payload
 * "$.02", detached; and section 4.1's encoded twin. */
static void test_detached_and_unencoded_payloads(void) {
    static const char jwk[] =
        "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
    static const char unencoded[] =
        "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY";
    static const char encoded[] = "eyJhbGciOiJIUzI1NiJ9..5mvfOroL-g7HyqJoozehmsaqmvTYGEq5jTI1gVvoEoQ";
    const uint8_t payload[] = "$.02";
    const size_t len = sizeof payload - 1;
    const jwtkit_key *key = NULL;
    const jwtkit_validator *v = hs256_validator(1700000000);
    uint8_t *attached_payload = NULL;
    size_t attached_len = 0;
    char *token = NULL;

    CHECK_STATUS(jwtkit_key_from_jwk(jwk, &key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jws_verify_detached(v, key, unencoded, strlen(unencoded), payload, len), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jws_verify_detached(v, key, encoded, strlen(encoded), payload, len), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jws_verify_detached(v, key, unencoded, strlen(unencoded), (const uint8_t *)"$.03", len),
                 JWTKIT_ERR_SIGNATURE);
    CHECK_STATUS(jwtkit_jws_sign_detached(key, "{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}", payload,
                                          len, &token),
                 JWTKIT_OK);
    CHECK(token != NULL && strcmp(token, unencoded) == 0);
    jwtkit_string_free(token);
    token = NULL;
    /* b64 without crit is refused; the attached calls never accept b64 at all. */
    CHECK_STATUS(jwtkit_jws_sign_detached(key, "{\"alg\":\"HS256\",\"b64\":false}", payload, len, &token),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(token == NULL);
    CHECK_STATUS(jwtkit_jws_verify(v, key, "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.JC4wMg.A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY",
                                   strlen("eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.JC4wMg.A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY"),
                                   &attached_payload, &attached_len),
                 JWTKIT_ERR_UNSUPPORTED);
    CHECK_STATUS(jwtkit_jws_verify_detached(v, key, NULL, 0, payload, len), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_jws_verify_detached(v, key, encoded, strlen(encoded), NULL, 1), JWTKIT_ERR_INVALID_ARGUMENT);
    jwtkit_validator_free(v);
    jwtkit_key_free(key);
}

int main(void) {
    test_round_trip();
    test_detached_and_unencoded_payloads();
    test_jws_and_thumbprint();
    test_libjwt_holes();
    test_null_pointers();
    test_enable_checks_keeps_the_defaults();
    test_encode_refuses_duplicate_member_names();
    test_claims_get_string_statuses();
    test_hostile_tokens_are_rejections();
    test_keyset_skips_unusable_keys();
    test_ssh_public_lines_are_not_secrets();
    test_key_text_with_length();
    test_status_and_alg_enums();
    test_threads_share_one_validator_and_key();
    printf("c-api: %d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
