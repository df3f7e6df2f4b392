/* auth_libjwt: a small auth service on libjwt 1.10 (Debian 12's), the "before" of
 * MIGRATING-FROM-LIBJWT.md; auth_jwtkit.c is the same service on jwtkit.
 * usage: auth_libjwt SECRET_FILE [TOKEN]
 * Without TOKEN: issues a token for ada and prints it. With TOKEN: verifies it and prints
 * "accepted SUB ROLE" or "refused REASON". The C suite compiles and runs this file only where
 * libjwt's jwt.h is installed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwt.h>

#define ISSUER "https://login.example"

static int read_secret(const char *path, unsigned char *secret, size_t size, size_t *len) {
    FILE *file = fopen(path, "rb");
    if (!file) return 0;
    *len = fread(secret, 1, size, file);
    fclose(file);
    while (*len > 0 && secret[*len - 1] == '\n') (*len)--;
    return *len > 0;
}

static int issue(const unsigned char *secret, size_t len) {
    jwt_t *jwt = NULL;
    char *token = NULL;
    /* Each call returns 0 or an errno value; the claims are added one by one. */
    int err = jwt_new(&jwt);
    if (!err) err = jwt_add_grant(jwt, "iss", ISSUER);
    if (!err) err = jwt_add_grant(jwt, "sub", "ada");
    if (!err) err = jwt_add_grant(jwt, "role", "admin");
    if (!err) err = jwt_add_grant_int(jwt, "exp", (long)time(NULL) + 900);
    if (!err) err = jwt_set_alg(jwt, JWT_ALG_HS256, secret, (int)len);
    if (!err) token = jwt_encode_str(jwt);
    if (token) printf("%s\n", token);
    else fprintf(stderr, "issue failed: %s\n", strerror(err ? err : ENOMEM));
    free(token);
    jwt_free(jwt);
    return token != NULL;
}

static int verify(const unsigned char *secret, size_t len, const char *token) {
    jwt_t *jwt = NULL;
    const char *iss, *sub, *role;
    long exp;
    /* libjwt 1.10 checks the signature only; alg, exp and iss are the caller's to check. */
    if (jwt_decode(&jwt, token, secret, (int)len) != 0) {
        printf("refused bad token\n");
        return 0;
    }
    if (jwt_get_alg(jwt) != JWT_ALG_HS256) {
        printf("refused algorithm\n");
        jwt_free(jwt);
        return 0;
    }
    errno = 0;
    exp = jwt_get_grant_int(jwt, "exp");
    iss = jwt_get_grant(jwt, "iss");
    sub = jwt_get_grant(jwt, "sub");
    role = jwt_get_grant(jwt, "role");
    if (errno == ENOENT || exp <= (long)time(NULL)) {
        printf("refused expired\n");
    } else if (!iss || strcmp(iss, ISSUER) != 0) {
        printf("refused issuer\n");
    } else if (!sub || !role) {
        printf("refused claims\n");
    } else {
        printf("accepted %s %s\n", sub, role);
        jwt_free(jwt);
        return 1;
    }
    jwt_free(jwt);
    return 0;
}

int main(int argc, char **argv) {
    unsigned char secret[256];
    size_t len = 0;
    if ((argc != 2 && argc != 3) || !read_secret(argv[1], secret, sizeof secret, &len)) {
        fprintf(stderr, "usage: %s SECRET_FILE [TOKEN]\n", argv[0]);
        return 2;
    }
    return (argc == 2 ? issue(secret, len) : verify(secret, len, argv[2])) ? 0 : 1;
}
