/* verify: times token verification through libjwtkit (key and validator parsed once) and,
 * when built with -DHAVE_LIBJWT, through libjwt (whose jwt_decode takes the key bytes on
 * every call, and which leaves exp/iss/aud to the caller, done here as its users do).
 *
 * usage: verify DIR BATCH_MS ROUNDS
 * DIR holds, for each of hs256, rs256 and es256, NAME.token (the typical token) and NAME.key
 * (the raw HMAC secret, or the public key as PEM). For es512 and es256k, which only
 * libjwtkit on aws-lc-rs has, it holds NAME.signing (the private key as PEM), NAME.claims and
 * NAME.header (JSON) instead of the token, which this program signs with libjwtkit; where the
 * backend lacks the algorithm (jwtkit_alg_is_supported: ring has neither) it is skipped with a
 * "#" line.
 * libjwt 1.10 has ES512 but not ES256K, so es256k times libjwtkit alone. Each round times one
 * batch of each library, alternating which goes first; the median batch gives the time per
 * call. Prints one tab-separated line per measurement: "c  ALG/verify  LIBRARY  NANOSECONDS". */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwtkit.h>
#ifdef HAVE_LIBJWT
#include <jwt.h>
#endif

#define ISSUER "https://login.example.com"
#define AUDIENCE "orders-api"
#define MAX_ROUNDS 101

struct input {
    const char *name;
    jwtkit_alg alg;
    char *token;
    size_t token_len;
    unsigned char *key;
    size_t key_len;
    const jwtkit_key *jwtkit_key;
    const jwtkit_validator *validator;
    /* The token is signed here from NAME.signing, NAME.header and NAME.claims. */
    int sign_here;
#ifdef HAVE_LIBJWT
    /* JWT_ALG_NONE: libjwt lacks the algorithm, libjwtkit is timed alone. */
    jwt_alg_t libjwt_alg;
#endif
};

static void fail(const struct input *in, const char *what) {
    fprintf(stderr, "verify: %s %s: %s\n", in->name, what, jwtkit_last_error_message());
    exit(1);
}

static unsigned char *read_file(const char *dir, const char *name, const char *ext, size_t *len) {
    char path[4096];
    FILE *file;
    unsigned char *bytes = malloc(65537);
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    file = fopen(path, "rb");
    if (!file || !bytes) {
        fprintf(stderr, "verify: cannot read %s\n", path);
        exit(2);
    }
    *len = fread(bytes, 1, 65536, file);
    bytes[*len] = 0;
    fclose(file);
    return bytes;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int jwtkit_once(const struct input *in) {
    char *claims = NULL;
    jwtkit_status status = jwtkit_verify(in->validator, in->jwtkit_key, in->token, in->token_len, &claims);
    jwtkit_string_free(claims);
    return status == JWTKIT_OK;
}

#ifdef HAVE_LIBJWT
static int libjwt_once(const struct input *in) {
    jwt_t *jwt = NULL;
    const char *iss, *aud;
    int ok;
    if (jwt_decode(&jwt, in->token, in->key, (int)in->key_len) != 0) return 0;
    /* libjwt 1.10 trusts the token's alg and checks no claims: the caller must. */
    ok = jwt_get_alg(jwt) == in->libjwt_alg;
    ok = ok && jwt_get_grant_int(jwt, "exp") > (long)time(NULL);
    iss = jwt_get_grant(jwt, "iss");
    aud = jwt_get_grant(jwt, "aud");
    ok = ok && iss && strcmp(iss, ISSUER) == 0 && aud && strcmp(aud, AUDIENCE) == 0;
    jwt_free(jwt);
    return ok;
}
#endif

typedef int (*verify_fn)(const struct input *);

/* Nanoseconds per call for one batch of `calls`. */
static double batch(verify_fn f, const struct input *in, long calls) {
    double start = now_ns();
    long i;
    for (i = 0; i < calls; i++) {
        if (!f(in)) {
            fprintf(stderr, "verify: %s verification failed: %s\n", in->name, jwtkit_last_error_message());
            exit(1);
        }
    }
    return (now_ns() - start) / (double)calls;
}

/* How many calls make a batch of about `batch_ms`. */
static long calibrate(verify_fn f, const struct input *in, double batch_ms) {
    long calls = 1;
    double per_call;
    for (;;) {
        double start = now_ns();
        long i;
        for (i = 0; i < calls; i++) f(in);
        per_call = (now_ns() - start) / (double)calls;
        if (per_call * (double)calls > 2e6 || calls > 1000000) break;
        calls *= 4;
    }
    calls = (long)(batch_ms * 1e6 / per_call);
    return calls < 1 ? 1 : calls;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int n) {
    qsort(values, (size_t)n, sizeof *values, compare);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* Signs the token with NAME.signing; 0 when this backend does not have the algorithm. */
static int sign_token(struct input *in, const char *dir) {
    size_t pem_len, header_len, claims_len;
    unsigned char *pem = read_file(dir, in->name, "signing", &pem_len);
    unsigned char *header = read_file(dir, in->name, "header", &header_len);
    unsigned char *claims = read_file(dir, in->name, "claims", &claims_len);
    const jwtkit_key *signing = NULL;
    char *token = NULL;
    jwtkit_status status;
    if (!jwtkit_alg_is_supported(in->alg)) {
        printf("# %s: not on this backend (%s needs aws-lc-rs)\n", in->name, jwtkit_alg_name(in->alg));
        free(pem);
        free(header);
        free(claims);
        return 0;
    }
    status = jwtkit_key_from_pem((const char *)pem, pem_len, &signing);
    free(pem);
    if (status != JWTKIT_OK) fail(in, "signing key");
    status = jwtkit_encode(signing, in->alg, (const char *)header, (const char *)claims, &token);
    jwtkit_key_free(signing);
    free(header);
    free(claims);
    if (status != JWTKIT_OK) fail(in, "signing");
    in->token_len = strlen(token);
    in->token = malloc(in->token_len + 1);
    if (!in->token) exit(2);
    memcpy(in->token, token, in->token_len + 1);
    jwtkit_string_free(token);
    return 1;
}

/* Reads (or signs) the token and makes the key and validator; 0 to skip the algorithm. */
static int setup(struct input *in, const char *dir) {
    jwtkit_validator_builder *builder = NULL;
    jwtkit_status status;
    if (in->sign_here) {
        if (!sign_token(in, dir)) return 0;
    } else {
        in->token = (char *)read_file(dir, in->name, "token", &in->token_len);
        while (in->token_len && (in->token[in->token_len - 1] == '\n')) in->token[--in->token_len] = 0;
    }
    in->key = read_file(dir, in->name, "key", &in->key_len);
    status = in->alg == JWTKIT_ALG_HS256 ? jwtkit_key_from_secret(in->key, in->key_len, &in->jwtkit_key)
                                         : jwtkit_key_from_pem((const char *)in->key, in->key_len, &in->jwtkit_key);
    if (status == JWTKIT_OK) status = jwtkit_validator_builder_new(&in->alg, 1, &builder);
    if (status == JWTKIT_OK) status = jwtkit_validator_builder_add_issuer(builder, ISSUER);
    if (status == JWTKIT_OK) status = jwtkit_validator_builder_add_audience(builder, AUDIENCE);
    if (status == JWTKIT_OK) status = jwtkit_validator_builder_build(&builder, &in->validator);
    jwtkit_validator_builder_free(builder); /* NULL once built */
    if (status != JWTKIT_OK) fail(in, "setup");
    return 1;
}

int main(int argc, char **argv) {
    struct input inputs[] = {
        {"hs256", JWTKIT_ALG_HS256, NULL, 0, NULL, 0, NULL, NULL, 0
#ifdef HAVE_LIBJWT
         , JWT_ALG_HS256
#endif
        },
        {"rs256", JWTKIT_ALG_RS256, NULL, 0, NULL, 0, NULL, NULL, 0
#ifdef HAVE_LIBJWT
         , JWT_ALG_RS256
#endif
        },
        {"es256", JWTKIT_ALG_ES256, NULL, 0, NULL, 0, NULL, NULL, 0
#ifdef HAVE_LIBJWT
         , JWT_ALG_ES256
#endif
        },
        {"es512", JWTKIT_ALG_ES512, NULL, 0, NULL, 0, NULL, NULL, 1
#ifdef HAVE_LIBJWT
         , JWT_ALG_ES512
#endif
        },
        {"es256k", JWTKIT_ALG_ES256K, NULL, 0, NULL, 0, NULL, NULL, 1
#ifdef HAVE_LIBJWT
         , JWT_ALG_NONE
#endif
        },
    };
    double batch_ms, jwtkit_times[MAX_ROUNDS];
#ifdef HAVE_LIBJWT
    double libjwt_times[MAX_ROUNDS];
#endif
    int rounds, r;
    size_t i;

    if (argc != 4) {
        fprintf(stderr, "usage: %s DIR BATCH_MS ROUNDS\n", argv[0]);
        return 2;
    }
    batch_ms = atof(argv[2]);
    rounds = atoi(argv[3]);
    if (rounds < 1 || rounds > MAX_ROUNDS || batch_ms <= 0) {
        fprintf(stderr, "verify: ROUNDS must be 1 to %d and BATCH_MS positive\n", MAX_ROUNDS);
        return 2;
    }
#ifndef HAVE_LIBJWT
    printf("# libjwt was not found (pkg-config libjwt): jwtkit only\n");
#endif
    for (i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        struct input *in = &inputs[i];
        long jwtkit_calls;
#ifdef HAVE_LIBJWT
        long libjwt_calls = 0;
        int with_libjwt = in->libjwt_alg != JWT_ALG_NONE;
#endif
        if (!setup(in, argv[1])) continue;
        jwtkit_calls = calibrate(jwtkit_once, in, batch_ms);
#ifdef HAVE_LIBJWT
        if (with_libjwt && !libjwt_once(in)) {
            fprintf(stderr, "verify: libjwt refuses the %s token\n", in->name);
            return 1;
        }
        if (with_libjwt) libjwt_calls = calibrate(libjwt_once, in, batch_ms);
#endif
        for (r = 0; r < rounds; r++) {
#ifdef HAVE_LIBJWT
            if (with_libjwt && r % 2) libjwt_times[r] = batch(libjwt_once, in, libjwt_calls);
#endif
            jwtkit_times[r] = batch(jwtkit_once, in, jwtkit_calls);
#ifdef HAVE_LIBJWT
            if (with_libjwt && !(r % 2)) libjwt_times[r] = batch(libjwt_once, in, libjwt_calls);
#endif
        }
        printf("c\t%s/verify\tjwtkit\t%.1f\n", in->name, median(jwtkit_times, rounds));
#ifdef HAVE_LIBJWT
        if (with_libjwt) printf("c\t%s/verify\tlibjwt\t%.1f\n", in->name, median(libjwt_times, rounds));
#endif
        jwtkit_key_free(in->jwtkit_key);
        jwtkit_validator_free(in->validator);
        free(in->token);
        free(in->key);
    }
    return 0;
}
