/* Issue 16, item 3: key rotation without the application's own RCU. Reference-counted key and
 * key-set handles, and a key source that one thread swaps while others verify through it: every
 * verification sees the old keys or the new, never freed memory, and the old keys go with their
 * last user. Run by `cargo xtask test-c`, under valgrind (memcheck, and helgrind for the races
 * of the C side) and the sanitizers. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Two HS256 keys: the one in service, and the next. */
static const char OLD_SECRET[] = "old-0123456789abcdef0123456789ab";
static const char NEW_SECRET[] = "new-0123456789abcdef0123456789ab";

#define VERIFIERS 4
#define ROUNDS 300
/* A thread that has not yet seen both keys goes on (yielding to the rotator) up to this many
 * rounds: under helgrind, threads are run one at a time and a rotation may come late. */
#define MAX_ROUNDS (20 * ROUNDS)

static const jwtkit_key *hs256_key(const char *secret, const char *kid) {
    const jwtkit_key *key = NULL, *named = NULL;
    CHECK_STATUS(jwtkit_key_from_secret((const uint8_t *)secret, strlen(secret), &key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_with_kid(key, kid, &named), JWTKIT_OK);
    jwtkit_key_free(key);
    return named;
}

static char *token_for(const jwtkit_key *key, const char *sub) {
    jwtkit_claims *c = NULL;
    char *token = NULL;
    CHECK_STATUS(jwtkit_claims_new(&c), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_sub(c, sub), JWTKIT_OK);
    CHECK_STATUS(jwtkit_claims_set_exp_in(c, 600), JWTKIT_OK);
    CHECK_STATUS(jwtkit_encode_claims(key, JWTKIT_ALG_HS256, NULL, c, &token), JWTKIT_OK);
    jwtkit_claims_free(c);
    return token;
}

static const jwtkit_validator *hs256_validator(void) {
    jwtkit_alg algs[] = {JWTKIT_ALG_HS256};
    jwtkit_validator_builder *b = NULL;
    const jwtkit_validator *v = NULL;
    CHECK_STATUS(jwtkit_validator_builder_new(algs, 1, &b), JWTKIT_OK);
    CHECK_STATUS(jwtkit_validator_builder_build(&b, &v), JWTKIT_OK);
    return v;
}

/* Clones share one key: it outlives the handle it was made from. */
static void test_clones_share_the_key(void) {
    const jwtkit_validator *v = hs256_validator();
    const jwtkit_key *key = hs256_key(OLD_SECRET, "old"), *clone = NULL, *untouched = (const jwtkit_key *)&v;
    const jwtkit_keyset *set = NULL, *set_clone = NULL;
    char *token = token_for(key, "ada"), *claims = NULL;

    CHECK_STATUS(jwtkit_key_clone(key, &clone), JWTKIT_OK);
    jwtkit_key_free(key);
    CHECK_STATUS(jwtkit_verify(v, clone, token, strlen(token), &claims), JWTKIT_OK);
    jwtkit_string_free(claims);
    claims = NULL;
    CHECK_STATUS(jwtkit_keyset_from_jwks("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"old\","
                                         "\"k\":\"b2xkLTAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWI\"}]}",
                                         &set),
                 JWTKIT_OK);
    CHECK_STATUS(jwtkit_keyset_clone(set, &set_clone), JWTKIT_OK);
    jwtkit_keyset_free(set);
    CHECK_STATUS(jwtkit_verify_with_keyset(v, set_clone, token, strlen(token), &claims), JWTKIT_OK);
    jwtkit_string_free(claims);

    key = untouched;
    CHECK_STATUS(jwtkit_key_clone(NULL, &key), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_clone(clone, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_keyset_clone(NULL, &set), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_keyset_clone(set_clone, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(key == untouched);

    jwtkit_keyset_free(set_clone);
    jwtkit_key_free(clone);
    jwtkit_string_free(token);
    jwtkit_validator_free(v);
}

/* The source's contract on one thread: what it holds decides, and it holds its own reference. */
static void test_source_swaps_keys(void) {
    const jwtkit_validator *v = hs256_validator();
    const jwtkit_key *old_key = hs256_key(OLD_SECRET, "old"), *new_key = hs256_key(NEW_SECRET, "new");
    const jwtkit_key *loaded = NULL, *untouched = (const jwtkit_key *)&v;
    const jwtkit_keyset *set = NULL;
    const jwtkit_key_source *source = NULL, *no_source = (const jwtkit_key_source *)&v;
    char *old_token = token_for(old_key, "old"), *new_token = token_for(new_key, "new"), *claims = NULL;
    const jwtkit_object *o = NULL, *hdr = NULL;
    const char *s = NULL;
    size_t len = 0;

    CHECK_STATUS(jwtkit_key_source_new_key(old_key, &source), JWTKIT_OK);
    jwtkit_key_free(old_key); /* the source keeps its own reference */
    CHECK_STATUS(jwtkit_verify_with_source(v, source, old_token, strlen(old_token), &claims), JWTKIT_OK);
    jwtkit_string_free(claims);
    claims = NULL;
    CHECK_STATUS(jwtkit_verify_with_source(v, source, new_token, strlen(new_token), &claims), JWTKIT_ERR_SIGNATURE);
    CHECK(claims == NULL);

    CHECK_STATUS(jwtkit_key_source_store_key(source, new_key), JWTKIT_OK);
    CHECK_STATUS(jwtkit_verify_claims_with_source(v, source, new_token, strlen(new_token), &o, &hdr), JWTKIT_OK);
    CHECK_STATUS(jwtkit_object_get_string(o, "sub", &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, "new"));
    CHECK_STATUS(jwtkit_object_get_string(hdr, "kid", &s, &len), JWTKIT_OK);
    CHECK(SAME_TEXT(s, len, "new"));
    jwtkit_object_free(o);
    jwtkit_object_free(hdr);
    CHECK_STATUS(jwtkit_verify_with_source(v, source, old_token, strlen(old_token), &claims), JWTKIT_ERR_SIGNATURE);
    CHECK_STATUS(jwtkit_key_source_load_key(source, &loaded), JWTKIT_OK);
    CHECK(loaded != NULL && loaded != new_key);
    jwtkit_key_free(loaded);

    /* A set: both keys, picked by kid, during the overlap of a rotation. */
    CHECK_STATUS(jwtkit_keyset_from_jwks("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"old\","
                                         "\"k\":\"b2xkLTAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWI\"},"
                                         "{\"kty\":\"oct\",\"kid\":\"new\","
                                         "\"k\":\"bmV3LTAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWI\"}]}",
                                         &set),
                 JWTKIT_OK);
    CHECK_STATUS(jwtkit_key_source_store_keyset(source, set), JWTKIT_OK);
    jwtkit_keyset_free(set);
    CHECK_STATUS(jwtkit_verify_with_source(v, source, old_token, strlen(old_token), &claims), JWTKIT_OK);
    jwtkit_string_free(claims);
    claims = NULL;
    CHECK_STATUS(jwtkit_verify_with_source(v, source, new_token, strlen(new_token), &claims), JWTKIT_OK);
    jwtkit_string_free(claims);
    claims = NULL;
    loaded = untouched;
    CHECK_STATUS(jwtkit_key_source_load_key(source, &loaded), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(loaded == untouched);

    /* NULLs. */
    CHECK_STATUS(jwtkit_key_source_new_key(NULL, &no_source), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_source_new_key(new_key, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_source_new_keyset(NULL, &no_source), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(no_source == (const jwtkit_key_source *)&v);
    CHECK_STATUS(jwtkit_key_source_store_key(NULL, new_key), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_source_store_key(source, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_source_store_keyset(NULL, set), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_source_store_keyset(source, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_source_load_key(NULL, &loaded), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_key_source_load_key(source, NULL), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_verify_with_source(NULL, source, new_token, strlen(new_token), &claims),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_verify_with_source(v, NULL, new_token, strlen(new_token), &claims),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_verify_with_source(v, source, NULL, 1, &claims), JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_verify_with_source(v, source, new_token, strlen(new_token), NULL),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(jwtkit_verify_claims_with_source(v, NULL, new_token, strlen(new_token), &o, NULL),
                 JWTKIT_ERR_INVALID_ARGUMENT);
    CHECK(claims == NULL);
    jwtkit_key_source_free(NULL);

    jwtkit_key_source_free(source);
    jwtkit_key_free(new_key);
    jwtkit_string_free(old_token);
    jwtkit_string_free(new_token);
    jwtkit_validator_free(v);
}

struct verifier {
    const jwtkit_validator *validator;
    const jwtkit_key_source *source;
    const char *tokens[2];
    int ok, refused, wrong;
    int accepted[2]; /* per token: proof that the verifiers saw both keys in the source */
    int rounds;
    int serialized; /* a tool runs threads one at a time: ROUNDS, no more */
};

/* A request thread: verifies both tokens through the source over and over, at least ROUNDS
 * times and until it has seen each token accepted. Whatever the rotation thread does, each
 * verification succeeds or is refused on its signature. */
static void *verify_through_source(void *arg) {
    struct verifier *self = arg;
    int i;
    for (i = 0; i < ROUNDS || (!self->serialized && i < MAX_ROUNDS && (!self->accepted[0] || !self->accepted[1]));
         i++) {
        if (i >= ROUNDS) sched_yield();
        const char *token = self->tokens[i % 2];
        const jwtkit_object *claims = NULL;
        jwtkit_status status =
            jwtkit_verify_claims_with_source(self->validator, self->source, token, strlen(token), &claims, NULL);
        if (status == JWTKIT_OK) {
            const char *sub = NULL;
            size_t len = 0;
            if (jwtkit_object_get_string(claims, "sub", &sub, &len) == JWTKIT_OK && len > 0) {
                self->ok++;
                self->accepted[i % 2]++;
            } else {
                self->wrong++;
            }
        } else if (status == JWTKIT_ERR_SIGNATURE || status == JWTKIT_ERR_KEY_NOT_FOUND) {
            self->refused++;
        } else {
            self->wrong++;
        }
        jwtkit_object_free(claims);
    }
    self->rounds = i;
    return NULL;
}

struct rotator {
    const jwtkit_key_source *source;
    pthread_mutex_t lock;
    pthread_cond_t stored;
    int done;   /* set by the main thread, under `lock`, once the verifiers are finished */
    int stores; /* under `lock`, signalled by `stored` */
};

static int rotation_done(struct rotator *self) {
    int done;
    pthread_mutex_lock(&self->lock);
    done = self->done;
    pthread_mutex_unlock(&self->lock);
    return done;
}

/* The rotation thread: loads fresh keys and swaps them in, freeing its own handles at once,
 * for as long as the verifiers run. (It counts its own successes: the CHECK counters are the
 * main thread's.) */
static void *rotate(void *arg) {
    struct rotator *self = arg;
    int i;
    for (i = 0; !rotation_done(self); i++) {
        const char *secret = i % 2 ? OLD_SECRET : NEW_SECRET;
        const jwtkit_key *loaded = NULL, *next = NULL;
        if (jwtkit_key_from_secret((const uint8_t *)secret, strlen(secret), &loaded) == JWTKIT_OK &&
            jwtkit_key_with_kid(loaded, i % 2 ? "old" : "new", &next) == JWTKIT_OK &&
            jwtkit_key_source_store_key(self->source, next) == JWTKIT_OK) {
            pthread_mutex_lock(&self->lock);
            self->stores++;
            pthread_cond_broadcast(&self->stored);
            pthread_mutex_unlock(&self->lock);
        }
        jwtkit_key_free(loaded);
        jwtkit_key_free(next);
    }
    return NULL;
}

static void test_rotation_while_threads_verify(void) {
    const jwtkit_validator *v = hs256_validator();
    const jwtkit_key *old_key = hs256_key(OLD_SECRET, "old"), *new_key = hs256_key(NEW_SECRET, "new");
    const jwtkit_key_source *source = NULL;
    char *old_token = token_for(old_key, "old"), *new_token = token_for(new_key, "new");
    struct verifier verifiers[VERIFIERS];
    struct rotator rotator;
    pthread_t threads[VERIFIERS], rotation;
    int i, ok = 0, rounds = 0, accepted_old = 0, accepted_new = 0;
    int serialized = getenv("JWTKIT_TEST_SERIALIZED_THREADS") != NULL;

    CHECK_STATUS(jwtkit_key_source_new_key(old_key, &source), JWTKIT_OK);
    jwtkit_key_free(old_key);
    jwtkit_key_free(new_key);
    rotator.source = source;
    rotator.done = 0;
    rotator.stores = 0;
    CHECK(pthread_mutex_init(&rotator.lock, NULL) == 0);
    CHECK(pthread_cond_init(&rotator.stored, NULL) == 0);
    /* The rotation is under way before the first request, and goes on until the last. */
    CHECK(pthread_create(&rotation, NULL, rotate, &rotator) == 0);
    pthread_mutex_lock(&rotator.lock);
    while (rotator.stores == 0) pthread_cond_wait(&rotator.stored, &rotator.lock);
    pthread_mutex_unlock(&rotator.lock);
    for (i = 0; i < VERIFIERS; i++) {
        verifiers[i].validator = v;
        verifiers[i].source = source;
        verifiers[i].tokens[0] = old_token;
        verifiers[i].tokens[1] = new_token;
        verifiers[i].ok = verifiers[i].refused = verifiers[i].wrong = 0;
        verifiers[i].accepted[0] = verifiers[i].accepted[1] = 0;
        verifiers[i].serialized = serialized;
        CHECK(pthread_create(&threads[i], NULL, verify_through_source, &verifiers[i]) == 0);
    }
    for (i = 0; i < VERIFIERS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(verifiers[i].wrong == 0);
        CHECK(verifiers[i].ok + verifiers[i].refused == verifiers[i].rounds);
        ok += verifiers[i].ok;
        rounds += verifiers[i].rounds;
        accepted_old += verifiers[i].accepted[0];
        accepted_new += verifiers[i].accepted[1];
    }
    pthread_mutex_lock(&rotator.lock);
    rotator.done = 1;
    pthread_mutex_unlock(&rotator.lock);
    CHECK(pthread_join(rotation, NULL) == 0);
    pthread_cond_destroy(&rotator.stored);
    pthread_mutex_destroy(&rotator.lock);
    CHECK(rotator.stores > 0);
    /* Each token matches one of the two keys: both were accepted at some moment, so the
     * verifiers really saw the swaps (unless a tool runs the threads one at a time), and not
     * every verification passed. */
    if (!serialized) {
        CHECK(accepted_old > 0);
        CHECK(accepted_new > 0);
    }
    CHECK(ok < VERIFIERS * MAX_ROUNDS);
    printf("rotation: %d stores while %d threads verified %d tokens (%d accepted)\n", rotator.stores, VERIFIERS,
           rounds, ok);

    jwtkit_key_source_free(source);
    jwtkit_string_free(old_token);
    jwtkit_string_free(new_token);
    jwtkit_validator_free(v);
}

int main(void) {
    test_clones_share_the_key();
    test_source_swaps_keys();
    test_rotation_while_threads_verify();
    return REPORT("c-rotation");
}
