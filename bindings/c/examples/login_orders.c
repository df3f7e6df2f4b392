/* login_orders: a login service and an orders API in one C program, with no JSON library.
 * usage: login_orders CURRENT_KEY.pem NEXT_KEY.pem
 *
 * The login service issues ES256 tokens from a claims builder and publishes its public keys as a
 * JWK set; the orders API verifies Bearer tokens through a key source and reads typed claims.
 * Halfway through, the keys rotate: the next key signs new tokens, and the orders API accepts
 * both keys (picked by kid) until the old tokens expire, swapped in while it keeps serving.
 * The HTTP parts are left out: each "request" is a function call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwtkit.h>

#define ISSUER "https://login.example"
#define AUDIENCE "orders-api"

struct login_service {
    const jwtkit_key *signing; /* named by its RFC 7638 thumbprint */
    jwtkit_alg alg;
};

struct orders_api {
    const jwtkit_validator *validator;
    const jwtkit_key_source *keys; /* swapped by the rotation, read by every request */
};

static int fail(const char *what, jwtkit_status status) {
    char message[256];
    (void)jwtkit_last_error_copy(message, sizeof message);
    fprintf(stderr, "%s: %s: %s\n", what, jwtkit_status_str(status), message);
    return 0;
}

/* A key from a file, named by its thumbprint so that a JWK set can pick it. */
static const jwtkit_key *load_named_key(const char *path) {
    const jwtkit_key *key = NULL, *named = NULL;
    char *thumbprint = NULL;
    jwtkit_status s = jwtkit_key_from_file(path, &key);
    if (s == JWTKIT_OK) s = jwtkit_key_thumbprint(key, &thumbprint);
    if (s == JWTKIT_OK) s = jwtkit_key_with_kid(key, thumbprint, &named);
    if (s != JWTKIT_OK) fail(path, s);
    jwtkit_string_free(thumbprint);
    jwtkit_key_free(key);
    return named;
}

/* POST /login: the user has authenticated; issue a 15-minute token with their roles. */
static char *login(const struct login_service *service, const char *user, const char *const *roles,
                   size_t n_roles) {
    jwtkit_claims *claims = NULL;
    char *token = NULL;
    jwtkit_status s = jwtkit_claims_new(&claims);
    if (s == JWTKIT_OK) s = jwtkit_claims_set_iss(claims, ISSUER);
    if (s == JWTKIT_OK) s = jwtkit_claims_set_sub(claims, user); /* any text: it is escaped */
    if (s == JWTKIT_OK) s = jwtkit_claims_add_aud(claims, AUDIENCE);
    if (s == JWTKIT_OK) s = jwtkit_claims_set_iat_now(claims);
    if (s == JWTKIT_OK) s = jwtkit_claims_set_exp_in(claims, 15 * 60);
    if (s == JWTKIT_OK) s = jwtkit_claims_set_string_array(claims, "roles", roles, NULL, n_roles);
    if (s == JWTKIT_OK) s = jwtkit_encode_claims(service->signing, service->alg, NULL, claims, &token);
    if (s != JWTKIT_OK) fail("login", s);
    jwtkit_claims_free(claims);
    return token;
}

/* GET /orders with an Authorization header: 200 for a verified token with the orders:read
 * role, 401 for any token jwtkit refuses, 403 for a valid token without the role. */
static int orders(const struct orders_api *api, const char *authorization) {
    const jwtkit_object *claims = NULL, *header = NULL;
    const char *token = authorization + 7, *sub = NULL, *kid = NULL;
    size_t sub_len = 0, kid_len = 0;
    int allowed = 0, code;
    jwtkit_status s;

    if (strncmp(authorization, "Bearer ", 7) != 0) {
        printf("401 not a Bearer token\n");
        return 401;
    }
    s = jwtkit_verify_claims_with_source(api->validator, api->keys, token, strlen(token), &claims, &header);
    if (s == JWTKIT_OK) s = jwtkit_object_get_string(claims, "sub", &sub, &sub_len);
    if (s == JWTKIT_OK) s = jwtkit_object_get_string(header, "kid", &kid, &kid_len);
    if (s == JWTKIT_OK) s = jwtkit_object_contains_string(claims, "roles", "orders:read", 11, &allowed);
    if (s == JWTKIT_ERR_MISSING_CLAIM) s = JWTKIT_OK; /* no roles at all: not allowed */
    if (s != JWTKIT_OK) {
        /* Whatever the token did, a rejection: 401. Anything else is this service's bug. */
        code = jwtkit_status_is_rejection(s) ? 401 : 500;
        printf("%d %s: %s\n", code, jwtkit_status_str(s), jwtkit_last_error_message());
    } else if (!allowed) {
        code = 403;
        printf("403 %.*s may not read orders\n", (int)sub_len, sub);
    } else {
        code = 200;
        printf("200 orders for %.*s (key %.8s...)\n", (int)sub_len, sub, kid_len >= 8 ? kid : "?");
    }
    jwtkit_object_free(header);
    jwtkit_object_free(claims);
    return code;
}

/* What /.well-known/jwks.json serves: the public halves of the keys in service. */
static const jwtkit_keyset *publish(const jwtkit_key *const *keys, size_t n_keys) {
    char *jwks = NULL;
    const jwtkit_keyset *set = NULL;
    jwtkit_status s = jwtkit_keys_to_public_jwks(keys, n_keys, &jwks);
    if (s == JWTKIT_OK) {
        printf("jwks.json: %zu keys, %zu bytes\n", n_keys, strlen(jwks));
        /* The orders API loads the set as it would after fetching it. */
        s = jwtkit_keyset_from_jwks(jwks, &set);
    }
    if (s != JWTKIT_OK) fail("publish", s);
    jwtkit_string_free(jwks);
    return set;
}

static char *bearer(const char *token) {
    char *header = malloc(strlen(token) + 8);
    if (header) sprintf(header, "Bearer %s", token);
    return header;
}

int main(int argc, char **argv) {
    jwtkit_alg algs[] = {JWTKIT_ALG_ES256, JWTKIT_ALG_ES384};
    const char *reader[] = {"orders:read"}, *nobody[] = {"profile"};
    struct login_service login_service = {NULL, JWTKIT_ALG_ES256};
    struct orders_api api = {NULL, NULL};
    jwtkit_validator_builder *builder = NULL;
    const jwtkit_key *current = NULL, *next = NULL, *both[2];
    const jwtkit_keyset *published = NULL;
    char *old_token = NULL, *new_token = NULL, *no_role = NULL, *old_auth = NULL, *new_auth = NULL;
    char *no_role_auth = NULL;
    jwtkit_status s;
    int ok = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: %s CURRENT_KEY.pem NEXT_KEY.pem\n", argv[0]);
        return 2;
    }
    /* Start-up: the signing key, the published set, the validator and the key source. */
    current = load_named_key(argv[1]);
    next = load_named_key(argv[2]);
    if (!current || !next) return 2;
    login_service.signing = current;
    published = publish(&current, 1);
    s = published ? jwtkit_key_source_new_keyset(published, &api.keys) : JWTKIT_ERR_KEY;
    jwtkit_keyset_free(published); /* the source holds its own reference */
    if (s == JWTKIT_OK) s = jwtkit_validator_builder_new(algs, 2, &builder);
    if (s == JWTKIT_OK) s = jwtkit_validator_builder_add_issuer(builder, ISSUER);
    if (s == JWTKIT_OK) s = jwtkit_validator_builder_add_audience(builder, AUDIENCE);
    if (s == JWTKIT_OK) s = jwtkit_validator_builder_require_claim(builder, "iat");
    if (s == JWTKIT_OK) s = jwtkit_validator_builder_build(&builder, &api.validator);
    if (s != JWTKIT_OK) {
        fail("start-up", s);
        return 2;
    }

    /* Requests before the rotation. */
    old_token = login(&login_service, "ada", reader, 1);
    no_role = login(&login_service, "mallory\",\"roles\":[\"orders:read\"]", nobody, 1);
    old_auth = old_token ? bearer(old_token) : NULL;
    no_role_auth = no_role ? bearer(no_role) : NULL;
    ok &= old_auth && orders(&api, old_auth) == 200;
    ok &= no_role_auth && orders(&api, no_role_auth) == 403; /* the injection is just a name */
    if (old_auth) {
        old_auth[strlen(old_auth) - 2] ^= 1; /* one signature character off */
        ok &= orders(&api, old_auth) == 401;
        old_auth[strlen(old_auth) - 2] ^= 1;
    }

    /* Rotation: publish both keys, swap the orders API's keys while it serves, then sign with
     * the next key. Tokens already issued keep working until they expire. */
    both[0] = current;
    both[1] = next;
    published = publish(both, 2);
    s = published ? jwtkit_key_source_store_keyset(api.keys, published) : JWTKIT_ERR_KEY;
    jwtkit_keyset_free(published);
    if (s != JWTKIT_OK) ok = fail("rotation", s);
    login_service.signing = next;
    login_service.alg = JWTKIT_ALG_ES384;
    printf("rotated: new tokens are signed with the next key\n");

    new_token = login(&login_service, "ada", reader, 1);
    new_auth = new_token ? bearer(new_token) : NULL;
    ok &= new_auth && orders(&api, new_auth) == 200;
    ok &= old_auth && orders(&api, old_auth) == 200;
    ok &= orders(&api, "Basic YWRhOnNlY3JldA==") == 401;

    free(old_auth);
    free(new_auth);
    free(no_role_auth);
    jwtkit_string_free(old_token);
    jwtkit_string_free(new_token);
    jwtkit_string_free(no_role);
    jwtkit_key_source_free(api.keys);
    jwtkit_validator_free(api.validator);
    jwtkit_key_free(current);
    jwtkit_key_free(next);
    printf("%s\n", ok ? "every request answered as expected" : "SOME REQUEST WAS ANSWERED WRONGLY");
    return ok ? 0 : 1;
}
