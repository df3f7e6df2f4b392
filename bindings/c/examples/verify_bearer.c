/* verify_bearer: what a C service does with each request's Authorization header.
 * usage: verify_bearer PUBLIC_KEY.pem "Bearer <token>"
 * Verifies an RS256 or ES256 token from https://login.example for the orders API and prints
 * its subject, or the reason it was refused. Allowing both is safe: a key verifies only its
 * own family, so the PEM key decides which of the two can succeed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwtkit.h>

/* Returns the token's subject (free with jwtkit_string_free), or NULL after printing why not. */
static char *authorize(const jwtkit_validator *validator, const jwtkit_key *key, const char *authorization) {
    const char *token = authorization + 7;
    char *claims = NULL, *sub = NULL;
    jwtkit_status status;

    if (strncmp(authorization, "Bearer ", 7) != 0) {
        printf("refused: not a Bearer token\n");
        return NULL;
    }
    status = jwtkit_verify(validator, key, token, strlen(token), &claims);
    if (status == JWTKIT_OK) status = jwtkit_claims_get_string(claims, "sub", &sub);
    if (status != JWTKIT_OK) printf("refused: %s\n", jwtkit_last_error_message());
    jwtkit_string_free(claims);
    return sub;
}

static char *read_file(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    char *text = malloc(65536);
    *len = file && text ? fread(text, 1, 65536, file) : 0;
    if (file) fclose(file);
    return text;
}

int main(int argc, char **argv) {
    jwtkit_alg algs[] = {JWTKIT_ALG_RS256, JWTKIT_ALG_ES256};
    jwtkit_validator_builder *builder = NULL;
    const jwtkit_validator *validator = NULL;
    const jwtkit_key *key = NULL;
    size_t pem_len = 0;
    char *pem, *sub;
    jwtkit_status status;

    if (argc != 3) {
        fprintf(stderr, "usage: %s PUBLIC_KEY.pem \"Bearer <token>\"\n", argv[0]);
        return 2;
    }
    /* Once, at start-up: the key and the validator, shared by every request thread. */
    pem = read_file(argv[1], &pem_len);
    status = jwtkit_key_from_pem(pem, pem_len, &key);
    free(pem);
    if (status == JWTKIT_OK) status = jwtkit_validator_builder_new(algs, 2, &builder);
    if (status == JWTKIT_OK) status = jwtkit_validator_builder_add_issuer(builder, "https://login.example");
    if (status == JWTKIT_OK) status = jwtkit_validator_builder_add_audience(builder, "orders-api");
    /* build consumes the builder and sets it to NULL, so the free is safe either way. */
    if (status == JWTKIT_OK) status = jwtkit_validator_builder_build(&builder, &validator);
    jwtkit_validator_builder_free(builder);
    if (status != JWTKIT_OK) {
        fprintf(stderr, "setup failed: %s\n", jwtkit_last_error_message());
        jwtkit_key_free(key);
        return 2;
    }

    /* Per request. */
    sub = authorize(validator, key, argv[2]);
    if (sub) printf("authorized: %s\n", sub);

    jwtkit_string_free(sub);
    jwtkit_validator_free(validator);
    jwtkit_key_free(key);
    return sub ? 0 : 1;
}
