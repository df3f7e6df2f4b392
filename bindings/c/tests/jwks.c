/* Issue 14, the C part: keys from the issuer. A JWK set client against a real HTTP server on
 * loopback that `cargo xtask test-c` starts (a stand-in identity provider): verify with the
 * cached set, an unknown kid refused as a rejection, a rotated key picked up by the refetch an
 * unknown kid demands, OpenID Connect discovery (and a mismatched issuer refused), a provider
 * that is down reported as an outage, never as a rejection, and threads sharing one client.
 *
 * The runner passes the provider in the environment:
 *   JWTKIT_TEST_IDP       its base URL, also the issuer: /jwks.json (kid "k1"),
 *                         /.well-known/openid-configuration, /rotating/TAG/jwks.json ("k1" at the
 *                         first fetch of each TAG, "k1" and "k2" from then on), and
 *                         /other/.well-known/openid-configuration (names the base URL as issuer)
 *   JWTKIT_TEST_IDP_DOWN  a base URL where nothing listens
 *   JWTKIT_TEST_IDP_KEY   the PEM file of the provider's signing key
 * Run under valgrind (memcheck and helgrind) and the sanitizers like the other C tests. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define VERIFIERS 4
#define ROUNDS 25

static const char *idp, *idp_down, *idp_key;
static const jwtkit_key *signing;

static const jwtkit_key *key_with_kid(const char *kid) {
    const jwtkit_key *named = NULL;
    CHECK_STATUS(jwtkit_key_with_kid(signing, kid, &named), JWTKIT_OK);
    return named;
}

/* An ES256 token from the provider (iss = its URL, sub "ada"), signed under `kid`. */
static char *token_with_kid(const char *kid) {
    const jwtkit_key *key = key_with_kid(kid);
    jwtkit_claims *c = NULL;
    char *token = NULL;
    CHECK_STATUS(jwtkit_claims_new(&c), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_iss(c, idp), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_sub(c, "ada"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_exp_in(c, 600), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_ES256, NULL, c, &token), JWTKIT_OK);
    jwtkit_claims_free(c);
    jwtkit_key_free(key);
    return token;
}

static const jwtkit_validator *es256_validator(void) {
    jwtkit_alg algs[] = {JWTKIT_ALG_ES256};
    jwtkit_validator_builder *b = NULL;
    const jwtkit_validator *v = NULL;
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_add_issuer(b, idp), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    return v;
}

/* Options as a test wants them: short deadlines, every setting exercised. */
static jwtkit_jwks_options *test_options(void) {
    jwtkit_jwks_options *o = NULL;
    CHECK_STATUS(jwtkit_jwks_options_new(&o), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_min_ttl(o, 60), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_max_ttl(o, 3600), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_default_ttl(o, 300), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_stale_if_error(o, 600), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_refetch_interval(o, 1), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_retry_interval(o, 1), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_connect_timeout_ms(o, 5000), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_fetch_timeout_ms(o, 10000), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_max_response_size(o, 64 * 1024), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_max_redirects(o, 0), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_add_header(o, "X-Test", "jwtkit-c"), JWTKIT_OK);
    return o;
}

static const jwtkit_jwks_client *client_for(const char *path) {
    char url[512];
    jwtkit_jwks_options *o = test_options();
    const jwtkit_jwks_client *client = NULL;
    snprintf(url, sizeof url, "%s%s", idp, path);
    CHECK_STATUS(jwtkit_jwks_client_new(url, o, &client), JWTKIT_OK);
    jwtkit_jwks_options_free(o);
    return client;
}

/* Bad calls and settings are the caller's mistake, found before any network traffic. */
static void test_arguments_and_settings(void) {
    const jwtkit_jwks_client *client = NULL;
    jwtkit_jwks_options *o = NULL;
    const jwtkit_validator *v = es256_validator();
    char *claims = NULL;
    const jwtkit_object *obj = NULL;
    const jwtkit_status BAD = JWTKIT_ERR_INVALID_ARGUMENT;

    CHECK_STATUS(jwtkit_jwks_options_new(NULL), BAD);
    CHECK_STATUS(jwtkit_jwks_options_set_min_ttl(NULL, 60), BAD);
    CHECK_STATUS(jwtkit_jwks_options_set_fetch_timeout_ms(NULL, 60), BAD);
    CHECK_STATUS(jwtkit_jwks_options_set_max_response_size(NULL, 1), BAD);
    CHECK_STATUS(jwtkit_jwks_options_set_max_redirects(NULL, 1), BAD);
    CHECK_STATUS(jwtkit_jwks_options_set_root_certificates_pem(NULL, "", 0), BAD);
    CHECK_STATUS(jwtkit_jwks_options_add_header(NULL, "a", "b"), BAD);
    CHECK_STATUS(jwtkit_jwks_client_new(NULL, NULL, &client), BAD);
    CHECK_STATUS(jwtkit_jwks_client_new_issuer(NULL, NULL, &client), BAD);
    CHECK_STATUS(jwtkit_jwks_client_new("https://login.example/jwks.json", NULL, NULL), BAD);
    CHECK_STATUS(jwtkit_jwks_client_wait_ready(NULL, 10), BAD);
    CHECK_STATUS(jwtkit_jwks_client_refresh(NULL), BAD);
    CHECK_STATUS(jwtkit_verify_with_jwks_client(v, NULL, "a.b.c", 5, &claims), BAD);
    CHECK_STATUS(jwtkit_verify_claims_with_jwks_client(v, NULL, "a.b.c", 5, &obj, NULL), BAD);
    CHECK(client == NULL && claims == NULL && obj == NULL);

    /* Plain HTTP only to loopback; no other scheme. */
    CHECK_STATUS(jwtkit_jwks_client_new("http://login.example/jwks.json", NULL, &client), BAD);
    CHECK(strstr(jwtkit_last_error_message(), "loopback") != NULL);
    CHECK_STATUS(jwtkit_jwks_client_new("file:///etc/passwd", NULL, &client), BAD);
    CHECK_STATUS(jwtkit_jwks_client_new_issuer("http://login.example", NULL, &client), BAD);
    CHECK_STATUS(jwtkit_jwks_client_new("\xff", NULL, &client), BAD);

    /* Settings are checked when a client is made, and the message names the setting. */
    CHECK_STATUS(jwtkit_jwks_options_new(&o), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_min_ttl(o, 0), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_client_new("https://login.example/jwks.json", o, &client), BAD);
    CHECK(strstr(jwtkit_last_error_message(), "min_ttl") != NULL);
    jwtkit_jwks_options_free(o);
    CHECK_STATUS(jwtkit_jwks_options_new(&o), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_fetch_timeout_ms(o, 0), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_client_new("https://login.example/jwks.json", o, &client), BAD);
    jwtkit_jwks_options_free(o);
    CHECK_STATUS(jwtkit_jwks_options_new(&o), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_set_root_certificates_pem(o, "not pem\0at all", 14), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_client_new("https://login.example/jwks.json", o, &client), BAD);
    CHECK(strstr(jwtkit_last_error_message(), "CERTIFICATE") != NULL);
    jwtkit_jwks_options_free(o);
    CHECK_STATUS(jwtkit_jwks_options_new(&o), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_options_add_header(o, "Host", "login.example"), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_client_new("https://login.example/jwks.json", o, &client), BAD);
    jwtkit_jwks_options_free(o);
    CHECK(client == NULL);

    /* An outage is neither a rejection nor a key the caller loaded. */
    CHECK(jwtkit_status_is_rejection(JWTKIT_ERR_KEYS_UNAVAILABLE) == 0);
    CHECK(strcmp(jwtkit_status_str(JWTKIT_ERR_KEYS_UNAVAILABLE), "JWTKIT_ERR_KEYS_UNAVAILABLE") == 0);

    jwtkit_jwks_options_free(NULL);
    jwtkit_jwks_client_free(NULL);
    jwtkit_validator_free(v);
}

/* The set at a JWK set URL: verified from the cache; an unknown kid, after the refetch it
 * demands, is a rejection. */
static void test_verify_from_jwks_url(void) {
    const jwtkit_jwks_client *client = client_for("/jwks.json");
    const jwtkit_validator *v = es256_validator();
    char *token = token_with_kid("k1"), *unknown = token_with_kid("nope"), *claims = NULL;
    const jwtkit_object *got = NULL, *header = NULL;
    const char *text = NULL;
    size_t len = 0;
    jwtkit_status s;

    CHECK_STATUS(jwtkit_jwks_client_wait_ready(client, 20000), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify_with_jwks_client(v, client, token, strlen(token), &claims), JWTKIT_OK);
    CHECK(claims != NULL && strstr(claims, "\"sub\":\"ada\"") != NULL);
    jwtkit_string_free(claims);
    claims = NULL;
    CHECK_STATUS(jwtkit_verify_claims_with_jwks_client(v, client, token, strlen(token), &got, &header), JWTKIT_OK);
    CHECK_STATUS(jwtkit_object_get_string(got, "sub", &text, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(text, len, "ada"));
    CHECK_STATUS(jwtkit_object_get_string(header, "kid", &text, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(text, len, "k1"));
    jwtkit_object_free(got);
    jwtkit_object_free(header);

    s = jwtkit_verify_with_jwks_client(v, client, unknown, strlen(unknown), &claims);
    CHECK_STATUS(s, JWTKIT_ERR_KEY_NOT_FOUND);
    CHECK(jwtkit_status_is_rejection(s) != 0 && claims == NULL);
    /* A tampered signature is the token's fault as usual. */
    token[strlen(token) - 2] = token[strlen(token) - 2] == 'A' ? 'B' : 'A';
    CHECK_STATUS(jwtkit_verify_with_jwks_client(v, client, token, strlen(token), &claims), JWTKIT_ERR_SIGNATURE);
    CHECK_STATUS(jwtkit_jwks_client_refresh(client), JWTKIT_OK);

    jwtkit_string_free(token);
    jwtkit_string_free(unknown);
    jwtkit_validator_free(v);
    jwtkit_jwks_client_free(client);
}

/* The provider starts signing with a new key: the first token under its kid makes the client
 * refetch, and the token verifies without a restart. */
static void test_rotation_is_picked_up(void) {
    char path[128];
    const jwtkit_jwks_client *client;
    const jwtkit_validator *v = es256_validator();
    char *old = token_with_kid("k1"), *rotated = token_with_kid("k2"), *claims = NULL;

    snprintf(path, sizeof path, "/rotating/%ld/jwks.json", (long)getpid());
    client = client_for(path);
    CHECK_STATUS(jwtkit_jwks_client_wait_ready(client, 20000), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify_with_jwks_client(v, client, old, strlen(old), &claims), JWTKIT_OK);
    jwtkit_string_free(claims);
    claims = NULL;
    CHECK_STATUS(jwtkit_verify_with_jwks_client(v, client, rotated, strlen(rotated), &claims), JWTKIT_OK);
    CHECK(claims != NULL);
    jwtkit_string_free(claims);

    jwtkit_string_free(old);
    jwtkit_string_free(rotated);
    jwtkit_validator_free(v);
    jwtkit_jwks_client_free(client);
}

/* OpenID Connect discovery from the issuer's URL; a document naming another issuer is a failed
 * fetch, never keys. */
static void test_issuer_discovery(void) {
    char other[512];
    jwtkit_jwks_options *o = test_options();
    const jwtkit_jwks_client *client = NULL, *wrong = NULL;
    const jwtkit_validator *v = es256_validator();
    char *token = token_with_kid("k1"), *claims = NULL;
    jwtkit_status s;

    CHECK_STATUS(jwtkit_jwks_client_new_issuer(idp, o, &client), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_client_wait_ready(client, 20000), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify_with_jwks_client(v, client, token, strlen(token), &claims), JWTKIT_OK);
    jwtkit_string_free(claims);
    claims = NULL;

    snprintf(other, sizeof other, "%s/other", idp);
    CHECK_STATUS(jwtkit_jwks_client_new_issuer(other, o, &wrong), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_client_wait_ready(wrong, 20000), JWTKIT_ERR_KEYS_UNAVAILABLE);
    CHECK(strstr(jwtkit_last_error_message(), "issuer") != NULL);
    s = jwtkit_verify_with_jwks_client(v, wrong, token, strlen(token), &claims);
    CHECK_STATUS(s, JWTKIT_ERR_KEYS_UNAVAILABLE);
    CHECK(jwtkit_status_is_rejection(s) == 0 && claims == NULL);

    jwtkit_jwks_options_free(o);
    jwtkit_string_free(token);
    jwtkit_validator_free(v);
    jwtkit_jwks_client_free(client);
    jwtkit_jwks_client_free(wrong);
}

/* A provider that cannot be reached: an outage (503), not a refused token (401). */
static void test_provider_down(void) {
    char url[512];
    jwtkit_jwks_options *o = test_options();
    const jwtkit_jwks_client *client = NULL;
    const jwtkit_validator *v = es256_validator();
    char *token = token_with_kid("k1"), *claims = NULL;
    const jwtkit_object *got = NULL;
    jwtkit_status s;

    snprintf(url, sizeof url, "%s/jwks.json", idp_down);
    CHECK_STATUS(jwtkit_jwks_client_new(url, o, &client), JWTKIT_OK);
    CHECK_STATUS(jwtkit_jwks_client_wait_ready(client, 20000), JWTKIT_ERR_KEYS_UNAVAILABLE);
    CHECK(strstr(jwtkit_last_error_message(), url) != NULL);
    s = jwtkit_verify_with_jwks_client(v, client, token, strlen(token), &claims);
    CHECK_STATUS(s, JWTKIT_ERR_KEYS_UNAVAILABLE);
    CHECK(jwtkit_status_is_rejection(s) == 0 && claims == NULL);
    s = jwtkit_verify_claims_with_jwks_client(v, client, token, strlen(token), &got, NULL);
    CHECK_STATUS(s, JWTKIT_ERR_KEYS_UNAVAILABLE);
    CHECK(got == NULL);
    CHECK_STATUS(jwtkit_jwks_client_refresh(client), JWTKIT_ERR_KEYS_UNAVAILABLE);

    jwtkit_jwks_options_free(o);
    jwtkit_string_free(token);
    jwtkit_validator_free(v);
    jwtkit_jwks_client_free(client);
}

struct shared {
    const jwtkit_validator *v;
    const jwtkit_jwks_client *client;
    const char *token;
    const char *unknown;
    int ok;
    int not_found;
};

static pthread_mutex_t tally = PTHREAD_MUTEX_INITIALIZER;

static void *verify_many(void *arg) {
    struct shared *sh = arg;
    int i, ok = 0, not_found = 0;
    for (i = 0; i < ROUNDS; i++) {
        char *claims = NULL;
        const char *token = i == ROUNDS / 2 ? sh->unknown : sh->token;
        jwtkit_status s = jwtkit_verify_with_jwks_client(sh->v, sh->client, token, strlen(token), &claims);
        if (s == JWTKIT_OK && claims != NULL) ok++;
        if (s == JWTKIT_ERR_KEY_NOT_FOUND) not_found++;
        jwtkit_string_free(claims);
    }
    pthread_mutex_lock(&tally);
    sh->ok += ok;
    sh->not_found += not_found;
    pthread_mutex_unlock(&tally);
    return NULL;
}

/* One client, several threads: every good token verifies, every unknown kid is refused. */
static void test_threads_share_one_client(void) {
    pthread_t threads[VERIFIERS];
    struct shared sh;
    int i;

    sh.v = es256_validator();
    sh.client = client_for("/jwks.json");
    sh.token = token_with_kid("k1");
    sh.unknown = token_with_kid("unknown");
    sh.ok = 0;
    sh.not_found = 0;
    CHECK_STATUS(jwtkit_jwks_client_wait_ready(sh.client, 20000), JWTKIT_OK);
    for (i = 0; i < VERIFIERS; i++) CHECK(pthread_create(&threads[i], NULL, verify_many, &sh) == 0);
    for (i = 0; i < VERIFIERS; i++) CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(sh.ok == VERIFIERS * (ROUNDS - 1));
    CHECK(sh.not_found == VERIFIERS);

    jwtkit_string_free((char *)sh.token);
    jwtkit_string_free((char *)sh.unknown);
    jwtkit_validator_free(sh.v);
    jwtkit_jwks_client_free(sh.client);
}

int main(void) {
    idp = getenv("JWTKIT_TEST_IDP");
    idp_down = getenv("JWTKIT_TEST_IDP_DOWN");
    idp_key = getenv("JWTKIT_TEST_IDP_KEY");
    if (idp == NULL || idp_down == NULL || idp_key == NULL) {
        fprintf(stderr, "jwks: run by `cargo xtask test-c`, which starts the identity provider and "
                        "sets JWTKIT_TEST_IDP, JWTKIT_TEST_IDP_DOWN and JWTKIT_TEST_IDP_KEY\n");
        return 1;
    }
    CHECK_STATUS(jwtkit_key_from_file(idp_key, &signing), JWTKIT_OK);
    test_arguments_and_settings();
    test_verify_from_jwks_url();
    test_rotation_is_picked_up();
    test_issuer_discovery();
    test_provider_down();
    test_threads_share_one_client();
    jwtkit_key_free(signing);
    return REPORT("c-jwks");
}
