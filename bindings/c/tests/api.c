/* The C ABI's own tests: round trips, libjwt's known holes, a NULL for every pointer of every
 * function, outputs untouched on failure, and four threads sharing one validator and key.
 * Run by `cargo xtask test`, linked dynamically and statically, under valgrind and ASan. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwtkit.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                              \
    do {                                                                         \
        checks++;                                                                \
        if (!(cond)) {                                                           \
            failures++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

#define CHECK_STATUS(call, expected)                                                  \
    do {                                                                              \
        jwtkit_status got_ = (call);                                                  \
        checks++;                                                                     \
        if (got_ != (expected)) {                                                     \
            failures++;                                                               \
            fprintf(stderr, "%s:%d: %s gave %s, expected %s (%s)\n", __FILE__, __LINE__, \
                    #call, jwtkit_status_str(got_), jwtkit_status_str(expected),       \
                    jwtkit_last_error_message());                                     \
        }                                                                             \
    } while (0)

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
    CHECK_STATUS(jwtkit_validator_builder_build(b, &v), JWTKIT_OK);
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
    CHECK_STATUS(jwtkit_claims_get_string("{\"n\":1}", "n", &sub), JWTKIT_ERR_MISSING_CLAIM);
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

    CHECK_STATUS(jwtkit_key_from_pem((const uint8_t *)RSA_PUBLIC_PEM, strlen(RSA_PUBLIC_PEM), &rsa), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_new(both, 2, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_set_now(b, 1700000000), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(b, &v), JWTKIT_OK);

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
    CHECK_STATUS(jwtkit_key_from_pem((const uint8_t *)RSA_PUBLIC_PEM, 1, NULL), BAD);
    CHECK_STATUS(jwtkit_key_from_der(NULL, 1, &key), BAD);
    CHECK_STATUS(jwtkit_key_from_der((const uint8_t *)SECRET, 1, NULL), BAD);
    CHECK_STATUS(jwtkit_key_from_jwk(NULL, &key), BAD);
    CHECK_STATUS(jwtkit_key_from_jwk("{}", NULL), BAD);
    CHECK_STATUS(jwtkit_keyset_from_jwks(NULL, &set), BAD);
    CHECK_STATUS(jwtkit_keyset_from_jwks("{}", NULL), BAD);
    CHECK(key == NULL && set == NULL);

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
    CHECK_STATUS(jwtkit_validator_builder_set_checks(NULL, 0), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_max_token_len(NULL, 1), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_now(NULL, 1), BAD);
    CHECK_STATUS(jwtkit_validator_builder_build(NULL, &v), BAD);

    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_issuer(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_add_issuer(b, "\xff\xfe"), BAD); /* not UTF-8 */
    CHECK_STATUS(jwtkit_validator_builder_add_audience(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_subject(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_typ(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_require_claim(b, NULL), BAD);
    CHECK_STATUS(jwtkit_validator_builder_set_checks(b, 0x100), BAD);
    CHECK_STATUS(jwtkit_validator_builder_build(b, NULL), BAD); /* consumes b all the same */
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(b, &v), JWTKIT_OK);
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

int main(void) {
    test_round_trip();
    test_jws_and_thumbprint();
    test_libjwt_holes();
    test_null_pointers();
    test_threads_share_one_validator_and_key();
    printf("c-api: %d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
