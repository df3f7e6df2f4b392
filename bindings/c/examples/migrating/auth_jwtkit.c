/* auth_jwtkit: the service of auth_libjwt.c on jwtkit, the "after" of
 * MIGRATING-FROM-LIBJWT.md. Same usage, same output:
 * usage: auth_jwtkit SECRET_FILE [TOKEN]
 * Without TOKEN: issues a token for ada and prints it. With TOKEN: verifies it and prints
 * "accepted SUB ROLE" or "refused REASON". */
#include <stdio.h>
#include <string.h>

#include <jwtkit.h>

#define ISSUER "https://login.example"

static int issue(const jwtkit_key *key) {
    jwtkit_claims *claims = NULL;
    char *token = NULL;
    /* Each call returns a jwtkit_status; values are escaped, names set once. */
    jwtkit_status s = jwtkit_claims_new(&claims);
    if (s == JWTKIT_OK) s = jwtkit_claims_set_iss(claims, ISSUER);
    if (s == JWTKIT_OK) s = jwtkit_claims_set_sub(claims, "ada");
    if (s == JWTKIT_OK) s = jwtkit_claims_set_string(claims, "role", "admin", 5);
    if (s == JWTKIT_OK) s = jwtkit_claims_set_exp_in(claims, 900);
    if (s == JWTKIT_OK) s = jwtkit_encode_claims(key, JWTKIT_ALG_HS256, NULL, claims, &token);
    if (s == JWTKIT_OK) printf("%s\n", token);
    else fprintf(stderr, "issue failed: %s\n", jwtkit_last_error_message());
    jwtkit_string_free(token);
    jwtkit_claims_free(claims);
    return s == JWTKIT_OK;
}

/* The reason word auth_libjwt prints for the same refusal. */
static const char *reason(jwtkit_status s) {
    switch (s) {
    case JWTKIT_ERR_ALGORITHM: return "algorithm";
    case JWTKIT_ERR_EXPIRED: return "expired";
    case JWTKIT_ERR_ISSUER: return "issuer";
    case JWTKIT_ERR_MISSING_CLAIM:
    case JWTKIT_ERR_CLAIM_TYPE: return "claims";
    default: return "bad token";
    }
}

static int verify(const jwtkit_key *key, const char *token) {
    jwtkit_alg algs[] = {JWTKIT_ALG_HS256};
    jwtkit_validator_builder *builder = NULL;
    const jwtkit_validator *validator = NULL;
    const jwtkit_object *claims = NULL;
    const char *sub = NULL, *role = NULL;
    size_t sub_len = 0, role_len = 0;
    /* The validator checks alg, exp and iss; build it once at start-up in a real service. */
    jwtkit_status s = jwtkit_validator_builder_new(algs, 1, &builder);
    if (s == JWTKIT_OK) s = jwtkit_validator_builder_add_issuer(builder, ISSUER);
    if (s == JWTKIT_OK) s = jwtkit_validator_builder_build(&builder, &validator);
    if (s != JWTKIT_OK) {
        fprintf(stderr, "setup failed: %s\n", jwtkit_last_error_message());
        return 0;
    }
    s = jwtkit_verify_claims(validator, key, token, strlen(token), &claims, NULL);
    if (s == JWTKIT_OK) s = jwtkit_object_get_string(claims, "sub", &sub, &sub_len);
    if (s == JWTKIT_OK) s = jwtkit_object_get_string(claims, "role", &role, &role_len);
    if (s == JWTKIT_OK) printf("accepted %.*s %.*s\n", (int)sub_len, sub, (int)role_len, role);
    else printf("refused %s\n", reason(s));
    jwtkit_object_free(claims);
    jwtkit_validator_free(validator);
    return s == JWTKIT_OK;
}

int main(int argc, char **argv) {
    const jwtkit_key *key = NULL;
    int ok;
    /* A secret file, as libjwt callers keep one; PEM, JWK or .pub files load the same way. */
    jwtkit_status s = argc == 2 || argc == 3 ? jwtkit_key_from_file(argv[1], &key) : JWTKIT_ERR_INVALID_ARGUMENT;
    if (s != JWTKIT_OK) {
        fprintf(stderr, "usage: %s SECRET_FILE [TOKEN]: %s\n", argv[0], jwtkit_last_error_message());
        return 2;
    }
    ok = argc == 2 ? issue(key) : verify(key, argv[2]);
    jwtkit_key_free(key);
    return ok ? 0 : 1;
}
