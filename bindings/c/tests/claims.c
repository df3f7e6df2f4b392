/* Issue 16, items 1 and 2: claims issued and read without JSON text, headers read the same way,
 * algorithm names, keys from files, public JWK and JWK-set export, thumbprints, the copy-out
 * error message and the version number; a NULL for every new pointer, outputs untouched on
 * failure, and every status a token's claims cause a rejection.
 * usage: claims SCRATCH_DIR (key files are written there). Run by `cargo xtask test-c`. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

/* An EC P-256 private key, and the same key's public half as an OpenSSH line. */
static const char EC_PRIVATE_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgT6i0OqkakvQZkVeU\n"
    "FtJrCPklr5fGL2KHJyBIVWaYe82hRANCAATLUURl1wJmU/59sTBUpIyQPhC9jKhl\n"
    "N+sAFuhtMDzKGdBUsuO1mp0I6jIsbKZXZTZo9qWM2owz338QdnWfipfr\n"
    "-----END PRIVATE KEY-----\n";
static const char EC_PUBLIC_SSH[] =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMtRRGXXAmZT/n2xMFSkjJA+EL2MqGU36wAW6G0"
    "wPMoZ0FSy47WanQjqMixspldlNmj2pYzajDPffxB2dZ+Kl+s= ada@example\n";
/* An EC P-384 private key. */
static const char EC384_PRIVATE_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDDiA6j3nhtAad2dBm1O\n"
    "N0PtysGA+LIhnyFbF0Zw3VsMi5juyA9DS3NHSL83ByVoPPehZANiAATAFx03gJLt\n"
    "UAKAKi0NxbGAho0Eu4KGuJcNjAiCGFFJqM0t9/5cRE0qwueZBYjK5PnhnN+o39Py\n"
    "yo1nyYvqto9TOBneJeXoYNGO79Iai2WxwGNsRJaxKB5AKPSWezS6FNE=\n"
    "-----END PRIVATE KEY-----\n";
/* RFC 7638 section 3.1: the key and its thumbprint. */
static const char RFC7638_JWK[] =
    "{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
    "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSq"
    "zs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_"
    "xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\",\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}";
static const char RFC7638_THUMBPRINT[] = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
static const char SECRET[] = "0123456789abcdef0123456789abcdef";

static const jwtkit_key *key_from_pem(const char *pem) {
    const jwtkit_key *key = NULL;
    CHECK_STATUS(jwtkit_key_from_pem(pem, strlen(pem), &key), JWTKIT_OK);
    return key;
}

/* A validator for `alg` judging time by the system clock, expecting the issuer and audience
 * the tests issue for. */
static const jwtkit_validator *validator_for(jwtkit_alg alg) {
    jwtkit_validator_builder *b = NULL;
    const jwtkit_validator *v = NULL;
    CHECK_STATUS(jwtkit_validator_builder_new(&alg, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_issuer(b, "https://login.example"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_audience(b, "orders"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_require_claim(b, "iat"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    return v;
}

/* Claims with the registered members the validator wants; free with jwtkit_claims_free. */
static jwtkit_claims *registered_claims(const char *sub) {
    jwtkit_claims *c = NULL;
    CHECK_STATUS(jwtkit_claims_new(&c), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_iss(c, "https://login.example"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_sub(c, sub), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_add_aud(c, "orders"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_exp_in(c, 900), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_iat_now(c), JWTKIT_OK);
    return c;
}

/* Every typed getter on the member `name` must give `expected` (a failure) and write nothing. */
static void check_getters_fail(const jwtkit_object *o, const char *name, jwtkit_status expected) {
    const char *s = "untouched";
    size_t len = 7;
    int64_t i = 7;
    double d = 7.0;
    int flag = 7;
    char *json = (char *)"untouched";
    CHECK_STATUS(jwtkit_object_get_string(o, name, &s, &len), expected);
    CHECK_STATUS(jwtkit_object_get_i64(o, name, &i), expected);
    CHECK_STATUS(jwtkit_object_get_double(o, name, &d), expected);
    CHECK_STATUS(jwtkit_object_get_bool(o, name, &flag), expected);
    CHECK_STATUS(jwtkit_object_get_string_array_len(o, name, &len), expected);
    CHECK_STATUS(jwtkit_object_get_string_array_at(o, name, 0, &s, &len), expected);
    CHECK_STATUS(jwtkit_object_contains_string(o, name, "x", 1, &flag), expected);
    if (expected == JWTKIT_ERR_MISSING_CLAIM) {
        CHECK_STATUS(jwtkit_object_get_json(o, name, &json), expected);
    }
    CHECK(jwtkit_status_is_rejection(expected));
    CHECK(strcmp(s, "untouched") == 0 && len == 7 && i == 7 && d == 7.0 && flag == 7);
    CHECK(strcmp(json, "untouched") == 0);
}

/* The whole path: a token issued from a builder, verified, and every claim read back typed. */
static void test_issue_and_read_typed_claims(void) {
    const jwtkit_key *key = key_from_pem(EC_PRIVATE_PEM);
    const jwtkit_validator *v = validator_for(JWTKIT_ALG_ES256);
    jwtkit_claims *c = registered_claims("ada"), *header = NULL;
    const char *roles[] = {"admin", "billing"};
    const jwtkit_object *claims = NULL, *hdr = NULL;
    char *token = NULL, *json = NULL;
    const char *s = NULL;
    size_t len = 0, count = 0;
    int64_t i = 0, now = (int64_t)time(NULL);
    double d = 0;
    int flag = 0;

    CHECK_STATUS(jwtkit_claims_add_aud(c, "billing"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_nbf(c, now - 10), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_jti(c, "t-1"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_string(c, "nick", "ad\0a", 4), JWTKIT_OK); /* NUL is data */
    CHECK_STATUS(jwtkit_claims_set_i64(c, "min", INT64_MIN), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_double(c, "ratio", 0.25), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_bool(c, "admin", 1), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_string_array(c, "roles", roles, NULL, 2), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_json(c, "address", "{\"city\": \"Paris\"}", 17), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_new(&header), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_string(header, "kid", "k1", 2), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_ES256, header, c, &token), JWTKIT_OK);
    CHECK(token != NULL);

    CHECK_STATUS(jwtkit_verify_claims(v, key, token, strlen(token), &claims, &hdr), JWTKIT_OK);
    CHECK(claims != NULL && hdr != NULL);
    CHECK_STATUS(jwtkit_object_get_string(claims, "sub", &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, "ada"));
    CHECK_STATUS(jwtkit_object_get_string(claims, "nick", &s, &len), JWTKIT_OK);
    CHECK(len == 4 && memcmp(s, "ad\0a", 4) == 0);
    CHECK_STATUS(jwtkit_object_get_i64(claims, "min", &i), JWTKIT_OK);
    CHECK(i == INT64_MIN);
    CHECK_STATUS(jwtkit_object_get_i64(claims, "exp", &i), JWTKIT_OK);
    CHECK(i >= now + 899 && i <= now + 901);
    CHECK_STATUS(jwtkit_object_get_i64(claims, "iat", &i), JWTKIT_OK);
    CHECK(i >= now - 1 && i <= now + 1);
    CHECK_STATUS(jwtkit_object_get_i64(claims, "nbf", &i), JWTKIT_OK);
    CHECK(i == now - 10);
    CHECK_STATUS(jwtkit_object_get_double(claims, "ratio", &d), JWTKIT_OK);
    CHECK(d == 0.25);
    CHECK_STATUS(jwtkit_object_get_double(claims, "min", &d), JWTKIT_OK); /* an integer is a number */
    CHECK(d == (double)INT64_MIN);
    CHECK_STATUS(jwtkit_object_get_bool(claims, "admin", &flag), JWTKIT_OK);
    CHECK(flag == 1);
    CHECK_STATUS(jwtkit_object_get_string_array_len(claims, "roles", &count), JWTKIT_OK);
    CHECK(count == 2);
    CHECK_STATUS(jwtkit_object_get_string_array_at(claims, "roles", 1, &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, "billing"));
    CHECK_STATUS(jwtkit_object_get_string_array_at(claims, "roles", 2, &s, &len), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(SAME_TEXT(s, len, "billing"));
    CHECK_STATUS(jwtkit_object_contains_string(claims, "aud", "billing", 7, &flag), JWTKIT_OK);
    CHECK(flag == 1);
    CHECK_STATUS(jwtkit_object_contains_string(claims, "aud", "bill", 4, &flag), JWTKIT_OK);
    CHECK(flag == 0);
    CHECK_STATUS(jwtkit_object_contains_string(claims, "iss", "https://login.example", 21, &flag), JWTKIT_OK);
    CHECK(flag == 1);
    CHECK_STATUS(jwtkit_object_get_json(claims, "address", &json), JWTKIT_OK);
    CHECK(json != NULL && strcmp(json, "{\"city\":\"Paris\"}") == 0);
    jwtkit_string_free(json);
    json = NULL;
    CHECK_STATUS(jwtkit_object_to_json(claims, &json), JWTKIT_OK);
    CHECK(json != NULL && strstr(json, "\"jti\":\"t-1\"") != NULL && strstr(json, "\"nick\":\"ad\\u0000a\"") != NULL);
    jwtkit_string_free(json);

    /* Present with another type: a rejection of its own, never an internal error. */
    check_getters_fail(claims, "nope", JWTKIT_ERR_MISSING_CLAIM);
    CHECK(strstr(jwtkit_last_error_message(), "claim \"nope\"") != NULL);
    CHECK_STATUS(jwtkit_object_get_i64(claims, "sub", &i), JWTKIT_ERR_CLAIM_TYPE);
    CHECK(strstr(jwtkit_last_error_message(), "\"sub\"") != NULL);
    CHECK_STATUS(jwtkit_object_get_i64(claims, "ratio", &i), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_object_get_string(claims, "min", &s, &len), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_object_get_bool(claims, "min", &flag), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_object_get_string_array_len(claims, "sub", &count), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_object_contains_string(claims, "min", "x", 1, &flag), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_object_get_double(claims, "roles", &d), JWTKIT_ERR_CLAIM_TYPE);
    CHECK(i == now - 10 && count == 2 && d == (double)INT64_MIN);

    /* The verified header, read the same way. */
    CHECK_STATUS(jwtkit_object_get_string(hdr, "kid", &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, "k1"));
    CHECK_STATUS(jwtkit_object_get_string(hdr, "typ", &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, "JWT"));
    CHECK_STATUS(jwtkit_object_get_string(hdr, "alg", &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, "ES256"));
    check_getters_fail(hdr, "cty", JWTKIT_ERR_MISSING_CLAIM);
    CHECK(strstr(jwtkit_last_error_message(), "header member \"cty\"") != NULL);
    CHECK_STATUS(jwtkit_object_get_i64(hdr, "kid", &i), JWTKIT_ERR_CLAIM_TYPE);
    jwtkit_object_free(hdr);
    jwtkit_object_free(claims);
    hdr = NULL;
    claims = NULL;

    /* The header is optional, and the JSON text of jwtkit_verify reads the same way. */
    CHECK_STATUS(jwtkit_verify_claims(v, key, token, strlen(token), &claims, NULL), JWTKIT_OK);
    jwtkit_object_free(claims);
    claims = NULL;
    {
        char *text = NULL;
        CHECK_STATUS(jwtkit_verify(v, key, token, strlen(token), &text), JWTKIT_OK);
        CHECK_STATUS(jwtkit_object_from_json(text, text ? strlen(text) : 0, &claims), JWTKIT_OK);
        CHECK_STATUS(jwtkit_object_get_string(claims, "jti", &s, &len), JWTKIT_OK);
        CHECK(SAME_TEXT(s, len, "t-1"));
        jwtkit_object_free(claims);
        jwtkit_string_free(text);
        claims = NULL;
    }
    /* A failing verification writes neither object. */
    token[strlen(token) - 3] = token[strlen(token) - 3] == 'A' ? 'B' : 'A';
    claims = hdr = (const jwtkit_object *)roles;
    CHECK_STATUS(jwtkit_verify_claims(v, key, token, strlen(token), &claims, &hdr), JWTKIT_ERR_SIGNATURE);
    CHECK(claims == (const jwtkit_object *)roles && hdr == (const jwtkit_object *)roles);

    jwtkit_string_free(token);
    jwtkit_claims_free(header);
    jwtkit_claims_free(c);
    jwtkit_validator_free(v);
    jwtkit_key_free(key);
}

/* Numbers are read exactly or refused: nothing is rounded into an int64. */
static void test_numbers_and_shapes(void) {
    static const char JSON[] =
        "{\"big\":9223372036854775808,\"one\":1.0,\"e\":1e3,\"low\":-9223372036854775808,\"none\":null,"
        "\"mixed\":[\"a\",1],\"aud\":\"solo\",\"t\":true,\"f\":false,\"empty\":[]}";
    const jwtkit_object *o = NULL, *untouched = (const jwtkit_object *)JSON;
    int64_t i = 0;
    double d = 0;
    int flag = 5;
    size_t count = 9;

    CHECK_STATUS(jwtkit_object_from_json(JSON, strlen(JSON), &o), JWTKIT_OK);
    CHECK_STATUS(jwtkit_object_get_i64(o, "big", &i), JWTKIT_ERR_CLAIM_TYPE);
    CHECK(strstr(jwtkit_last_error_message(), "int64") != NULL);
    CHECK_STATUS(jwtkit_object_get_i64(o, "one", &i), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_object_get_i64(o, "e", &i), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_object_get_i64(o, "low", &i), JWTKIT_OK);
    CHECK(i == INT64_MIN);
    CHECK_STATUS(jwtkit_object_get_double(o, "big", &d), JWTKIT_OK);
    CHECK(d == 9223372036854775808.0);
    CHECK_STATUS(jwtkit_object_get_double(o, "e", &d), JWTKIT_OK);
    CHECK(d == 1000.0);
    check_getters_fail(o, "none", JWTKIT_ERR_MISSING_CLAIM); /* null counts as absent */
    CHECK_STATUS(jwtkit_object_get_string_array_len(o, "mixed", &count), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_object_contains_string(o, "mixed", "a", 1, &flag), JWTKIT_ERR_CLAIM_TYPE);
    CHECK_STATUS(jwtkit_object_get_string_array_len(o, "aud", &count), JWTKIT_ERR_CLAIM_TYPE);
    CHECK(count == 9 && flag == 5);
    CHECK_STATUS(jwtkit_object_contains_string(o, "aud", "solo", 4, &flag), JWTKIT_OK);
    CHECK(flag == 1);
    CHECK_STATUS(jwtkit_object_get_bool(o, "f", &flag), JWTKIT_OK);
    CHECK(flag == 0);
    CHECK_STATUS(jwtkit_object_get_bool(o, "t", &flag), JWTKIT_OK);
    CHECK(flag == 1);
    CHECK_STATUS(jwtkit_object_get_string_array_len(o, "empty", &count), JWTKIT_OK);
    CHECK(count == 0);
    jwtkit_object_free(o);

    /* Text that is not one object with unique names is the caller's mistake. */
    o = untouched;
    CHECK_STATUS(jwtkit_object_from_json("{\"a\":1,\"a\":2}", 13, &o), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_object_from_json("[1]", 3, &o), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_object_from_json("{} {}", 5, &o), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_object_from_json("{\"a\":{\"b\":1,\"b\":1}}", 19, &o), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(o == untouched);
}

/* The builder refuses what could not be meant: a name set twice, NaN, a registered claim of the
 * wrong type, JSON text that is more than one value. A failing setter changes nothing. */
static void test_builder_refusals(void) {
    const jwtkit_key *key = key_from_pem(EC_PRIVATE_PEM);
    const jwtkit_validator *v = validator_for(JWTKIT_ALG_ES256);
    jwtkit_claims *c = registered_claims("user-42"), *header = NULL;
    const char *injected = "mallory\",\"sub\":\"admin";
    const char *parts[] = {"a\0b", "c"};
    size_t lens[] = {3, 1};
    char *token = NULL, *untouched = (char *)parts;
    const jwtkit_object *claims = NULL;
    const char *s = NULL;
    size_t len = 0;

    /* Set once: a second sub is refused and the first stays. */
    CHECK_STATUS(jwtkit_claims_set_sub(c, "admin"), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(strstr(jwtkit_last_error_message(), "already set") != NULL);
    CHECK_STATUS(jwtkit_claims_set_string(c, "sub", "admin", 5), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_exp_in(c, 60), JWTKIT_ERR_INVALID_ARGUMENT);
    /* A value is data: the injection attempt is one string. */
    CHECK_STATUS(jwtkit_claims_set_string(c, "name", injected, strlen(injected)), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_double(c, "nan", NAN), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_double(c, "inf", HUGE_VAL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_json(c, "x", "1,\"sub\":\"admin\"", 15), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_json(c, "x", "1} {\"v\":1", 9), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_json(c, "x", "{\"a\":1,\"a\":2}", 13), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_json(c, "x", "", 0), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_json(c, "x", "[1] [2]", 7), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_string(c, "x", "\xff", 1), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_exp_in(NULL, 1), JWTKIT_ERR_INVALID_ARGUMENT);
    /* Registered claims keep the types every verifier reads them as. */
    CHECK_STATUS(jwtkit_claims_set_string(c, "nbf", "now", 3), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(strstr(jwtkit_last_error_message(), "NumericDate") != NULL);
    CHECK_STATUS(jwtkit_claims_set_i64(c, "jti", 1), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_json(c, "nbf", "\"1\"", 3), JWTKIT_ERR_INVALID_ARGUMENT);
    /* ... within the range every verifier reads them in: no date past 64 bits. */
    CHECK_STATUS(jwtkit_claims_set_double(c, "nbf", 1e300), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_json(c, "iat", "18446744073709551615", 20), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_set_double(c, "nbf", 1700000000.5), JWTKIT_OK); /* a fraction is fine */
    /* An array may hold NUL when lengths are given; an empty one needs no pointer. */
    CHECK_STATUS(jwtkit_claims_set_string_array(c, "parts", parts, lens, 2), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_string_array(c, "none", NULL, NULL, 0), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_string_array(c, "bad", NULL, NULL, 1), JWTKIT_ERR_INVALID_ARGUMENT);

    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_ES256, NULL, c, &token), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify_claims(v, key, token, strlen(token), &claims, NULL), JWTKIT_OK);
    CHECK_STATUS(jwtkit_object_get_string(claims, "sub", &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, "user-42"));
    CHECK_STATUS(jwtkit_object_get_string(claims, "name", &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, injected));
    CHECK_STATUS(jwtkit_object_get_string_array_at(claims, "parts", 0, &s, &len), JWTKIT_OK);
    CHECK(len == 3 && memcmp(s, "a\0b", 3) == 0);
    CHECK_STATUS(jwtkit_object_get_string(claims, "x", &s, &len), JWTKIT_ERR_MISSING_CLAIM);
    jwtkit_object_free(claims);
    jwtkit_string_free(token);
    token = untouched;

    /* An algorithm the key cannot sign with is JWTKIT_ERR_ALGORITHM, as for jwtkit_encode; a
     * header builder's member that jwtkit would not verify is the caller's mistake. */
    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_RS256, NULL, c, &token), JWTKIT_ERR_ALGORITHM);
    CHECK_STATUS(jwtkit_encode_claims(key, 0, NULL, c, &token), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_claims_new(&header), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_string(header, "alg", "HS256", 5), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_ES256, header, c, &token), JWTKIT_ERR_INVALID_ARGUMENT);
    jwtkit_claims_free(header);
    header = NULL;
    CHECK_STATUS(jwtkit_claims_new(&header), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_i64(header, "kid", 7), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_ES256, header, c, &token), JWTKIT_ERR_INVALID_ARGUMENT);
    jwtkit_claims_free(header);
    header = NULL;
    CHECK_STATUS(jwtkit_claims_new(&header), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_string_array(header, "crit", (const char *const *)&injected, NULL, 1), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_ES256, header, c, &token), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(token == untouched);
    jwtkit_claims_free(header);

    jwtkit_claims_free(c);
    jwtkit_validator_free(v);
    jwtkit_key_free(key);
}

/* The unverified header as an object: for routing by kid, read as strictly as when verified. */
static void test_unverified_header_object(void) {
    const jwtkit_key *key = key_from_pem(EC_PRIVATE_PEM), *named = NULL;
    jwtkit_claims *c = registered_claims("ada");
    const jwtkit_object *hdr = NULL, *untouched = (const jwtkit_object *)SECRET;
    char *token = NULL;
    const char *s = NULL;
    size_t len = 0;

    CHECK_STATUS(jwtkit_key_with_kid(key, "2026-11", &named), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode_claims(named, JWTKIT_ALG_ES256, NULL, c, &token), JWTKIT_OK);
    CHECK_STATUS(jwtkit_decode_header_unverified_object(token, strlen(token), &hdr), JWTKIT_OK);
    CHECK_STATUS(jwtkit_object_get_string(hdr, "kid", &s, &len), JWTKIT_OK); /* the key's kid */
    CHECK(SAME_TEXT(s, len, "2026-11"));
    jwtkit_object_free(hdr);
    hdr = untouched;
    CHECK_STATUS(jwtkit_decode_header_unverified_object("e30.e30", 7, &hdr), JWTKIT_ERR_MALFORMED);
    CHECK_STATUS(jwtkit_decode_header_unverified_object("\xff.e30.", 6, &hdr), JWTKIT_ERR_MALFORMED);
    CHECK(hdr == untouched);
    /* alg none is readable here, and only here. */
    CHECK_STATUS(jwtkit_decode_header_unverified_object("eyJhbGciOiJub25lIn0.e30.", 24, &hdr), JWTKIT_OK);
    CHECK_STATUS(jwtkit_object_get_string(hdr, "alg", &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, "none"));
    jwtkit_object_free(hdr);

    jwtkit_string_free(token);
    jwtkit_claims_free(c);
    jwtkit_key_free(named);
    jwtkit_key_free(key);
}

static void test_algorithm_names(void) {
    jwtkit_alg alg = 0, i;
    for (i = JWTKIT_ALG_HS256; i <= JWTKIT_ALG_ES256K; i++) {
        const char *name = jwtkit_alg_name(i);
        CHECK(name != NULL);
        if (name) {
            CHECK_STATUS(jwtkit_alg_from_name(name, &alg), JWTKIT_OK);
            CHECK(alg == i);
        }
    }
    CHECK(strcmp(jwtkit_alg_name(JWTKIT_ALG_EDDSA), "EdDSA") == 0);
    CHECK(strcmp(jwtkit_alg_name(JWTKIT_ALG_ES512), "ES512") == 0);
    CHECK(strcmp(jwtkit_alg_name(JWTKIT_ALG_ES256K), "ES256K") == 0);
    CHECK(jwtkit_alg_name(0) == NULL && jwtkit_alg_name(15) == NULL);
    /* Every algorithm but the two curves ring lacks is always there. */
    CHECK(jwtkit_alg_is_supported(JWTKIT_ALG_EDDSA) && jwtkit_alg_is_supported(JWTKIT_ALG_RS256));
    CHECK(!jwtkit_alg_is_supported(0) && !jwtkit_alg_is_supported(15));
    alg = 77;
    CHECK_STATUS(jwtkit_alg_from_name("none", &alg), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(strstr(jwtkit_last_error_message(), "never") != NULL);
    CHECK_STATUS(jwtkit_alg_from_name("es256", &alg), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(strstr(jwtkit_last_error_message(), "ES256") != NULL);
    CHECK_STATUS(jwtkit_alg_from_name(" ES256", &alg), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_alg_from_name("", &alg), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(alg == 77);
}

/* Writes `len` bytes to `dir/name`; returns the path (static buffer per call site). */
static const char *write_file(char *path, size_t size, const char *dir, const char *name, const void *bytes,
                              size_t len) {
    FILE *file;
    snprintf(path, size, "%s/%s", dir, name);
    file = fopen(path, "wb");
    CHECK(file != NULL);
    if (file) {
        CHECK(fwrite(bytes, 1, len, file) == len);
        fclose(file);
    }
    return path;
}

/* Keys from files, sniffed by content; a key-shaped file is never a secret. */
static void test_key_files(const char *dir) {
    static const uint8_t DER_GARBAGE[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    const jwtkit_key *pem = NULL, *ssh = NULL, *jwk = NULL, *secret = NULL, *direct = NULL, *key = NULL;
    const jwtkit_key *untouched = (const jwtkit_key *)SECRET;
    const jwtkit_keyset *set = NULL;
    const jwtkit_validator *v = validator_for(JWTKIT_ALG_ES256);
    jwtkit_claims *c = registered_claims("ada");
    const jwtkit_object *claims = NULL;
    char path[4096], text[512], *public_jwk = NULL, *jwks = NULL, *token = NULL, *t1 = NULL, *t2 = NULL;

    CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "ec.pem", EC_PRIVATE_PEM,
                                                 strlen(EC_PRIVATE_PEM)),
                                      &pem),
                 JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "ec.pub", EC_PUBLIC_SSH,
                                                 strlen(EC_PUBLIC_SSH)),
                                      &ssh),
                 JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_to_public_jwk(pem, &public_jwk), JWTKIT_OK);
    CHECK(public_jwk != NULL && strstr(public_jwk, "\"kty\":\"EC\"") != NULL && strstr(public_jwk, "\"d\"") == NULL);
    if (public_jwk) {
        CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "ec.jwk", public_jwk, strlen(public_jwk)),
                                          &jwk),
                     JWTKIT_OK);
        /* The same text as a set is not one key: it names the call for sets. */
        snprintf(text, sizeof text, "{\"keys\":[%s]}", public_jwk);
        key = untouched;
        CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "ec.jwks", text, strlen(text)), &key),
                     JWTKIT_ERR_KEY);
        CHECK(strstr(jwtkit_last_error_message(), "jwtkit_keyset_from_file") != NULL);
        CHECK(key == untouched);
        CHECK_STATUS(jwtkit_keyset_from_file(path, &set), JWTKIT_OK);
    }
    /* A token from the private PEM verifies with the .pub line, the JWK and the set. */
    CHECK_STATUS(jwtkit_encode_claims(pem, JWTKIT_ALG_ES256, NULL, c, &token), JWTKIT_OK);
    if (token) {
        CHECK_STATUS(jwtkit_verify_claims(v, ssh, token, strlen(token), &claims, NULL), JWTKIT_OK);
        jwtkit_object_free(claims);
        claims = NULL;
        CHECK_STATUS(jwtkit_verify_claims(v, jwk, token, strlen(token), &claims, NULL), JWTKIT_OK);
        jwtkit_object_free(claims);
        claims = NULL;
        CHECK_STATUS(jwtkit_verify_claims_with_keyset(v, set, token, strlen(token), &claims, NULL), JWTKIT_OK);
        jwtkit_object_free(claims);
        claims = NULL;
    }
    /* A text secret loses its final newline, as `jwtkit` reads it: the same MAC as the bytes. */
    snprintf(text, sizeof text, "%s\n", SECRET);
    CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "hs.secret", text, strlen(text)), &secret),
                 JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, strlen(SECRET), &direct), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode_claims(secret, JWTKIT_ALG_HS256, NULL, c, &t1), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode_claims(direct, JWTKIT_ALG_HS256, NULL, c, &t2), JWTKIT_OK);
    CHECK(t1 != NULL && t2 != NULL && strcmp(t1, t2) == 0);

    /* Key-shaped files that are not keys fail; they never become secrets. */
    key = untouched;
    snprintf(text, sizeof text, "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n", SECRET);
    CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "bad.pem", text, strlen(text)), &key),
                 JWTKIT_ERR_KEY);
    snprintf(text, sizeof text, "{\"kty\":\"oct\",\"note\":\"%s\"}", SECRET);
    CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "bad.jwk", text, strlen(text)), &key),
                 JWTKIT_ERR_KEY);
    CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "bad.der", DER_GARBAGE, sizeof DER_GARBAGE),
                                      &key),
                 JWTKIT_ERR_KEY);
    snprintf(text, sizeof text, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== %s\n", SECRET);
    CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "bad.pub", text, strlen(text)), &key),
                 JWTKIT_ERR_KEY);
    CHECK_STATUS(jwtkit_key_from_file(write_file(path, sizeof path, dir, "short", "short\n", 6), &key),
                 JWTKIT_ERR_KEY);
    snprintf(path, sizeof path, "%s/does-not-exist", dir);
    CHECK_STATUS(jwtkit_key_from_file(path, &key), JWTKIT_ERR_KEY);
    CHECK(strstr(jwtkit_last_error_message(), "does-not-exist") != NULL);
    CHECK_STATUS(jwtkit_key_from_file(dir, &key), JWTKIT_ERR_KEY); /* a directory */
    CHECK_STATUS(jwtkit_keyset_from_file(path, &set), JWTKIT_ERR_KEY);
    CHECK(key == untouched);

    jwtkit_string_free(t1);
    jwtkit_string_free(t2);
    jwtkit_string_free(token);
    jwtkit_string_free(public_jwk);
    jwtkit_string_free(jwks);
    jwtkit_claims_free(c);
    jwtkit_validator_free(v);
    jwtkit_keyset_free(set);
    jwtkit_key_free(pem);
    jwtkit_key_free(ssh);
    jwtkit_key_free(jwk);
    jwtkit_key_free(secret);
    jwtkit_key_free(direct);
}

/* What a login service publishes: its public keys as a JWK set, named by thumbprint. */
static void test_publish_keys(void) {
    const jwtkit_key *p256 = key_from_pem(EC_PRIVATE_PEM), *p384 = key_from_pem(EC384_PRIVATE_PEM);
    const jwtkit_key *named[2] = {NULL, NULL}, *hmac = NULL, *rfc = NULL, *same[2] = {NULL, NULL};
    const jwtkit_keyset *set = NULL;
    char *thumbprint = NULL, *jwks = (char *)SECRET, *untouched = jwks;
    size_t skipped = 9;

    /* RFC 7638 section 3.1's own example. */
    CHECK_STATUS(jwtkit_key_from_jwk(RFC7638_JWK, &rfc), JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_thumbprint(rfc, &thumbprint), JWTKIT_OK);
    CHECK(thumbprint != NULL && strcmp(thumbprint, RFC7638_THUMBPRINT) == 0);
    jwtkit_string_free(thumbprint);
    thumbprint = NULL;

    CHECK_STATUS(jwtkit_key_thumbprint(p256, &thumbprint), JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_with_kid(p256, thumbprint ? thumbprint : "x", &named[0]), JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_with_kid(p384, "p384-2026", &named[1]), JWTKIT_OK);
    CHECK_STATUS(jwtkit_keys_to_public_jwks(named, 2, &jwks), JWTKIT_OK);
    CHECK(jwks != untouched && strncmp(jwks, "{\"keys\":[", 9) == 0);
    CHECK(thumbprint != NULL && strstr(jwks, thumbprint) != NULL && strstr(jwks, "\"d\"") == NULL);
    CHECK_STATUS(jwtkit_keyset_from_jwks(jwks, &set), JWTKIT_OK);
    CHECK_STATUS(jwtkit_keyset_skipped_count(set, &skipped), JWTKIT_OK);
    CHECK(skipped == 0);
    jwtkit_string_free(jwks);
    jwks = untouched;

    /* Never a secret, never two keys under one kid, never an empty set. */
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)SECRET, strlen(SECRET), &hmac), JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_to_public_jwk(hmac, &jwks), JWTKIT_ERR_KEY);
    CHECK_STATUS(jwtkit_keys_to_public_jwks(&hmac, 1, &jwks), JWTKIT_ERR_KEY);
    CHECK(strstr(jwtkit_last_error_message(), "keys[0]") != NULL);
    CHECK_STATUS(jwtkit_key_with_kid(p256, "dup", &same[0]), JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_with_kid(p384, "dup", &same[1]), JWTKIT_OK);
    CHECK_STATUS(jwtkit_keys_to_public_jwks(same, 2, &jwks), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_keys_to_public_jwks(same, 0, &jwks), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_with_kid(p256, "", &hmac), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(jwks == untouched);

    jwtkit_string_free(thumbprint);
    jwtkit_keyset_free(set);
    jwtkit_key_free(named[0]);
    jwtkit_key_free(named[1]);
    jwtkit_key_free(same[0]);
    jwtkit_key_free(same[1]);
    jwtkit_key_free(hmac);
    jwtkit_key_free(rfc);
    jwtkit_key_free(p256);
    jwtkit_key_free(p384);
}

/* The message of a failed call, copied out to travel to another thread. */
static void test_error_copy_and_version(void) {
    const jwtkit_key *key = NULL;
    char buf[256], small[8];
    size_t full;

    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)"short", 5, &key), JWTKIT_ERR_KEY);
    full = strlen(jwtkit_last_error_message());
    CHECK(full > 8);
    CHECK(jwtkit_last_error_copy(buf, sizeof buf) == full);
    CHECK(strcmp(buf, jwtkit_last_error_message()) == 0);
    CHECK(jwtkit_last_error_copy(small, sizeof small) == full);
    CHECK(strlen(small) == sizeof small - 1 && strncmp(small, buf, sizeof small - 1) == 0);
    CHECK(jwtkit_last_error_copy(NULL, 0) == full);
    small[0] = 'x';
    CHECK(jwtkit_last_error_copy(small, 1) == full && small[0] == '\0');

    CHECK(jwtkit_version_number() == JWTKIT_VERSION_NUMBER);
    CHECK(JWTKIT_VERSION_NUMBER ==
          ((JWTKIT_VERSION_MAJOR << 16) | (JWTKIT_VERSION_MINOR << 8) | JWTKIT_VERSION_PATCH));
}

/* A NULL for every pointer of every new call, and nothing written. */
static void test_null_pointers(void) {
    const jwtkit_status BAD = JWTKIT_ERR_INVALID_ARGUMENT;
    const jwtkit_key *key = key_from_pem(EC_PRIVATE_PEM), *k = NULL;
    const jwtkit_validator *v = validator_for(JWTKIT_ALG_ES256);
    const jwtkit_keyset *set = NULL;
    jwtkit_claims *c = registered_claims("ada");
    const jwtkit_object *o = NULL;
    const char *items[] = {"a"}, *s = NULL;
    char *token = NULL, *out = NULL;
    size_t len = 0;
    int64_t i = 0;
    double d = 0;
    int flag = 0;
    jwtkit_alg alg = 0;

    CHECK_STATUS(jwtkit_claims_new(NULL), BAD);
    CHECK_STATUS(jwtkit_claims_set_string(NULL, "a", "b", 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_string(c, NULL, "b", 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_string(c, "a", NULL, 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_i64(NULL, "a", 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_i64(c, NULL, 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_double(NULL, "a", 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_double(c, NULL, 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_bool(NULL, "a", 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_bool(c, NULL, 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_string_array(NULL, "a", items, NULL, 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_string_array(c, NULL, items, NULL, 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_string_array(c, "a", NULL, NULL, 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_json(NULL, "a", "1", 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_json(c, NULL, "1", 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_json(c, "a", NULL, 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_iat_now(NULL), BAD);
    CHECK_STATUS(jwtkit_claims_set_nbf(NULL, 1), BAD);
    CHECK_STATUS(jwtkit_claims_set_iss(NULL, "i"), BAD);
    CHECK_STATUS(jwtkit_claims_set_sub(NULL, "s"), BAD);
    CHECK_STATUS(jwtkit_claims_set_jti(NULL, "j"), BAD);
    CHECK_STATUS(jwtkit_claims_set_jti(c, NULL), BAD);
    CHECK_STATUS(jwtkit_claims_add_aud(NULL, "a"), BAD);
    CHECK_STATUS(jwtkit_claims_add_aud(c, NULL), BAD);
    CHECK_STATUS(jwtkit_encode_claims(NULL, JWTKIT_ALG_ES256, NULL, c, &token), BAD);
    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_ES256, NULL, NULL, &token), BAD);
    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_ES256, NULL, c, NULL), BAD);
    CHECK(token == NULL);

    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_ES256, NULL, c, &token), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify_claims(NULL, key, token, strlen(token), &o, NULL), BAD);
    CHECK_STATUS(jwtkit_verify_claims(v, NULL, token, strlen(token), &o, NULL), BAD);
    CHECK_STATUS(jwtkit_verify_claims(v, key, NULL, 1, &o, NULL), BAD);
    CHECK_STATUS(jwtkit_verify_claims(v, key, token, strlen(token), NULL, NULL), BAD);
    CHECK_STATUS(jwtkit_verify_claims_with_keyset(v, NULL, token, strlen(token), &o, NULL), BAD);
    CHECK_STATUS(jwtkit_decode_header_unverified_object(NULL, 1, &o), BAD);
    CHECK_STATUS(jwtkit_decode_header_unverified_object(token, strlen(token), NULL), BAD);
    CHECK_STATUS(jwtkit_object_from_json(NULL, 1, &o), BAD);
    CHECK_STATUS(jwtkit_object_from_json("{}", 2, NULL), BAD);
    CHECK(o == NULL);
    CHECK_STATUS(jwtkit_verify_claims(v, key, token, strlen(token), &o, NULL), JWTKIT_OK);
    CHECK_STATUS(jwtkit_object_get_string(NULL, "sub", &s, &len), BAD);
    CHECK_STATUS(jwtkit_object_get_string(o, NULL, &s, &len), BAD);
    CHECK_STATUS(jwtkit_object_get_string(o, "sub", NULL, &len), BAD);
    CHECK_STATUS(jwtkit_object_get_string(o, "sub", &s, NULL), BAD);
    CHECK_STATUS(jwtkit_object_get_i64(NULL, "exp", &i), BAD);
    CHECK_STATUS(jwtkit_object_get_i64(o, NULL, &i), BAD);
    CHECK_STATUS(jwtkit_object_get_i64(o, "exp", NULL), BAD);
    CHECK_STATUS(jwtkit_object_get_double(NULL, "exp", &d), BAD);
    CHECK_STATUS(jwtkit_object_get_double(o, NULL, &d), BAD);
    CHECK_STATUS(jwtkit_object_get_double(o, "exp", NULL), BAD);
    CHECK_STATUS(jwtkit_object_get_bool(NULL, "a", &flag), BAD);
    CHECK_STATUS(jwtkit_object_get_bool(o, NULL, &flag), BAD);
    CHECK_STATUS(jwtkit_object_get_bool(o, "a", NULL), BAD);
    CHECK_STATUS(jwtkit_object_get_string_array_len(NULL, "aud", &len), BAD);
    CHECK_STATUS(jwtkit_object_get_string_array_len(o, NULL, &len), BAD);
    CHECK_STATUS(jwtkit_object_get_string_array_len(o, "aud", NULL), BAD);
    CHECK_STATUS(jwtkit_object_get_string_array_at(NULL, "aud", 0, &s, &len), BAD);
    CHECK_STATUS(jwtkit_object_get_string_array_at(o, NULL, 0, &s, &len), BAD);
    CHECK_STATUS(jwtkit_object_get_string_array_at(o, "aud", 0, NULL, &len), BAD);
    CHECK_STATUS(jwtkit_object_get_string_array_at(o, "aud", 0, &s, NULL), BAD);
    CHECK_STATUS(jwtkit_object_contains_string(NULL, "aud", "a", 1, &flag), BAD);
    CHECK_STATUS(jwtkit_object_contains_string(o, NULL, "a", 1, &flag), BAD);
    CHECK_STATUS(jwtkit_object_contains_string(o, "aud", NULL, 1, &flag), BAD);
    CHECK_STATUS(jwtkit_object_contains_string(o, "aud", "a", 1, NULL), BAD);
    CHECK_STATUS(jwtkit_object_get_json(NULL, "aud", &out), BAD);
    CHECK_STATUS(jwtkit_object_get_json(o, NULL, &out), BAD);
    CHECK_STATUS(jwtkit_object_get_json(o, "aud", NULL), BAD);
    CHECK_STATUS(jwtkit_object_to_json(NULL, &out), BAD);
    CHECK_STATUS(jwtkit_object_to_json(o, NULL), BAD);
    CHECK(s == NULL && len == 0 && i == 0 && d == 0 && flag == 0 && out == NULL);

    CHECK_STATUS(jwtkit_alg_from_name(NULL, &alg), BAD);
    CHECK_STATUS(jwtkit_alg_from_name("ES256", NULL), BAD);
    CHECK_STATUS(jwtkit_key_from_file(NULL, &k), BAD);
    CHECK_STATUS(jwtkit_key_from_file("x", NULL), BAD);
    CHECK_STATUS(jwtkit_keyset_from_file(NULL, &set), BAD);
    CHECK_STATUS(jwtkit_keyset_from_file("x", NULL), BAD);
    CHECK_STATUS(jwtkit_key_with_kid(NULL, "k", &k), BAD);
    CHECK_STATUS(jwtkit_key_with_kid(key, NULL, &k), BAD);
    CHECK_STATUS(jwtkit_key_with_kid(key, "k", NULL), BAD);
    CHECK_STATUS(jwtkit_key_to_public_jwk(NULL, &out), BAD);
    CHECK_STATUS(jwtkit_key_to_public_jwk(key, NULL), BAD);
    CHECK_STATUS(jwtkit_keys_to_public_jwks(NULL, 1, &out), BAD);
    CHECK_STATUS(jwtkit_keys_to_public_jwks(&key, 1, NULL), BAD);
    {
        const jwtkit_key *with_null[2];
        with_null[0] = key;
        with_null[1] = NULL;
        CHECK_STATUS(jwtkit_keys_to_public_jwks(with_null, 2, &out), BAD);
    }
    CHECK(alg == 0 && k == NULL && set == NULL && out == NULL);

    jwtkit_claims_free(NULL);
    jwtkit_object_free(NULL);
    jwtkit_object_free(o);
    jwtkit_string_free(token);
    jwtkit_claims_free(c);
    jwtkit_validator_free(v);
    jwtkit_key_free(key);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    test_issue_and_read_typed_claims();
    test_numbers_and_shapes();
    test_builder_refusals();
    test_unverified_header_object();
    test_algorithm_names();
    test_key_files(argv[1]);
    test_publish_keys();
    test_error_copy_and_version();
    test_null_pointers();
    return REPORT("c-claims");
}
