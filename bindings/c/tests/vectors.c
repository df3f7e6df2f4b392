/* Runs the shared conformance vectors through the C ABI.
 *
 * `cargo xtask test` reads the JSON files in tests/vectors, writes each case as one tab-separated line on
 * this program's stdin, and compares what this program prints with the expected outcomes, so
 * C needs no JSON parser. Input fields (bytes are hex with "-" for none, lists are
 * comma-separated, "~" marks a setting that is absent):
 *   id op key_kind key_hex allow_short token_hex algs now leeway issuers audiences subject
 *   required typ max_token_len checks protected_header_hex payload_hex needs
 * ("needs" lists the JWTKIT_ALG_* values the case needs, or "0").
 * Output, one line per case: id, the status name, in hex the result (claims JSON, JWS payload,
 * token or thumbprint) or "-", and "1" when this libjwtkit lacks an algorithm the case needs
 * (jwtkit_alg_is_supported), which makes JWTKIT_ERR_UNSUPPORTED the expected status. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwtkit.h>

#define FIELDS 19

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decodes hex in place into a NUL-terminated byte string; returns its length. */
static size_t unhex(char *text) {
    size_t n = 0, i;
    if (strcmp(text, "-") == 0) {
        text[0] = '\0';
        return 0;
    }
    for (i = 0; text[i] && text[i + 1]; i += 2) {
        text[n++] = (char)(hex_value(text[i]) * 16 + hex_value(text[i + 1]));
    }
    text[n] = '\0';
    return n;
}

static void print_hex(const uint8_t *bytes, size_t len) {
    size_t i;
    if (len == 0) printf("-");
    for (i = 0; i < len; i++) printf("%02x", bytes[i]);
}

static int is_none(const char *field) { return strcmp(field, "~") == 0; }

/* Calls `add` for each hex item of a comma-separated list. */
static jwtkit_status each_item(jwtkit_validator_builder *b, char *list,
                               jwtkit_status (*add)(jwtkit_validator_builder *, const char *)) {
    char *save = NULL, *item;
    if (is_none(list)) return JWTKIT_OK;
    for (item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        jwtkit_status s;
        unhex(item);
        if ((s = add(b, item)) != JWTKIT_OK) return s;
    }
    return JWTKIT_OK;
}

static jwtkit_status load_key(const char *kind, char *hex, int allow_short,
                              const jwtkit_key **key, const jwtkit_keyset **set) {
    size_t len = unhex(hex);
    if (strcmp(kind, "pem") == 0) return jwtkit_key_from_pem(hex, len, key);
    if (strcmp(kind, "der") == 0) return jwtkit_key_from_der((const uint8_t *)hex, len, key);
    if (strcmp(kind, "jwk") == 0) return jwtkit_key_from_jwk_len(hex, len, key);
    if (strcmp(kind, "jwks") == 0) return jwtkit_keyset_from_jwks_len(hex, len, set);
    if (allow_short) return jwtkit_key_from_short_secret_dangerous((const uint8_t *)hex, len, key);
    return jwtkit_key_from_secret((const uint8_t *)hex, len, key);
}

/* Makes exactly the checks in `checks` run, whatever the builder's defaults. */
static jwtkit_status set_checks(jwtkit_validator_builder *b, uint32_t checks) {
    const uint32_t all = JWTKIT_CHECK_EXP | JWTKIT_CHECK_NBF | JWTKIT_CHECK_IAT | JWTKIT_CHECK_AUD;
    jwtkit_status s = jwtkit_validator_builder_disable_checks(b, all & ~checks);
    return s != JWTKIT_OK ? s : jwtkit_validator_builder_enable_checks(b, checks);
}

static jwtkit_status build_validator(char **f, const jwtkit_validator **validator) {
    jwtkit_alg algs[16];
    size_t n_algs = 0;
    char *save = NULL, *item;
    jwtkit_validator_builder *b = NULL;
    jwtkit_status s;

    for (item = strtok_r(f[6], ",", &save); item && n_algs < 16; item = strtok_r(NULL, ",", &save)) {
        algs[n_algs++] = (jwtkit_alg)strtoul(item, NULL, 10);
    }
    if ((s = jwtkit_validator_builder_new(algs, n_algs, &b)) != JWTKIT_OK) return s;
    if ((s = jwtkit_validator_builder_set_now(b, strtoll(f[7], NULL, 10))) != JWTKIT_OK ||
        (s = jwtkit_validator_builder_set_leeway(b, (uint32_t)strtoul(f[8], NULL, 10))) != JWTKIT_OK ||
        (s = each_item(b, f[9], jwtkit_validator_builder_add_issuer)) != JWTKIT_OK ||
        (s = each_item(b, f[10], jwtkit_validator_builder_add_audience)) != JWTKIT_OK ||
        (!is_none(f[11]) && (unhex(f[11]), (s = jwtkit_validator_builder_set_subject(b, f[11]))) != JWTKIT_OK) ||
        (s = jwtkit_validator_builder_clear_required(b)) != JWTKIT_OK ||
        (s = each_item(b, f[12], jwtkit_validator_builder_require_claim)) != JWTKIT_OK ||
        (!is_none(f[13]) && (unhex(f[13]), (s = jwtkit_validator_builder_set_typ(b, f[13]))) != JWTKIT_OK) ||
        (s = jwtkit_validator_builder_set_max_token_len(b, (size_t)strtoull(f[14], NULL, 10))) != JWTKIT_OK ||
        (s = set_checks(b, (uint32_t)strtoul(f[15], NULL, 10))) != JWTKIT_OK) {
        jwtkit_validator_builder_free(b);
        return s;
    }
    return jwtkit_validator_builder_build(&b, validator);
}

/* 1 when the library lacks one of the comma-separated JWTKIT_ALG_* values in `needs`. */
static int lacks_any(char *needs) {
    char *save = NULL, *item;
    for (item = strtok_r(needs, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        jwtkit_alg alg = (jwtkit_alg)strtoul(item, NULL, 10);
        if (alg != 0 && !jwtkit_alg_is_supported(alg)) return 1;
    }
    return 0;
}

static void run_case(char **f) {
    const jwtkit_key *key = NULL;
    const jwtkit_keyset *set = NULL;
    const jwtkit_validator *validator = NULL;
    char *text = NULL;
    uint8_t *payload = NULL;
    size_t payload_len = 0;
    const char *op = f[1];
    jwtkit_status s = load_key(f[2], f[3], strcmp(f[4], "1") == 0, &key, &set);

    if (s == JWTKIT_OK && (strcmp(op, "verify") == 0 || strcmp(op, "verify_jws") == 0)) {
        size_t token_len = unhex(f[5]);
        s = build_validator(f, &validator);
        if (s != JWTKIT_OK) {
            /* reported below */
        } else if (strcmp(op, "verify_jws") == 0) {
            s = jwtkit_jws_verify(validator, key, f[5], token_len, &payload, &payload_len);
        } else if (set) {
            s = jwtkit_verify_with_keyset(validator, set, f[5], token_len, &text);
        } else {
            s = jwtkit_verify(validator, key, f[5], token_len, &text);
        }
    } else if (s == JWTKIT_OK && strcmp(op, "sign_jws") == 0) {
        size_t len;
        unhex(f[16]);
        len = unhex(f[17]);
        s = jwtkit_jws_sign(key, f[16], (const uint8_t *)f[17], len, &text);
    } else if (s == JWTKIT_OK && strcmp(op, "thumbprint") == 0) {
        s = jwtkit_key_thumbprint(key, &text);
    }
    printf("%s\t%s\t", f[0], jwtkit_status_str(s));
    if (text) {
        print_hex((const uint8_t *)text, strlen(text));
    } else if (payload) {
        print_hex(payload, payload_len);
    } else {
        printf("-");
    }
    printf("\t%d\n", lacks_any(f[18]));
    jwtkit_string_free(text);
    jwtkit_bytes_free(payload, payload_len);
    jwtkit_validator_free(validator);
    jwtkit_key_free(key);
    jwtkit_keyset_free(set);
}

int main(void) {
    char *line = NULL;
    size_t capacity = 0;
    while (getline(&line, &capacity, stdin) > 0) {
        char *f[FIELDS], *save = NULL;
        int n = 0;
        char *field;
        line[strcspn(line, "\n")] = '\0';
        for (field = strtok_r(line, "\t", &save); field && n < FIELDS; field = strtok_r(NULL, "\t", &save)) {
            f[n++] = field;
        }
        if (n != FIELDS) {
            fprintf(stderr, "vectors: a case line has %d fields, not %d\n", n, FIELDS);
            free(line);
            return 2;
        }
        run_case(f);
    }
    free(line);
    return 0;
}
