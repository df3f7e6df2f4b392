/* The checks the C test programs share: count every check, report each failure with its line,
 * the status's name and jwtkit's message, and keep going. */
#ifndef JWTKIT_TEST_CHECK_H
#define JWTKIT_TEST_CHECK_H

#include <stdio.h>

#include <jwtkit.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        checks++;                                                                    \
        if (!(cond)) {                                                               \
            failures++;                                                              \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_STATUS(call, expected)                                                          \
    do {                                                                                      \
        jwtkit_status got_ = (call);                                                          \
        checks++;                                                                             \
        if (got_ != (expected)) {                                                             \
            failures++;                                                                       \
            fprintf(stderr, "%s:%d: %s gave %s, expected %s (%s)\n", __FILE__, __LINE__, #call, \
                    jwtkit_status_str(got_), jwtkit_status_str(expected),                     \
                    jwtkit_last_error_message());                                             \
        }                                                                                     \
    } while (0)

/* Whether the `len` bytes at `got` are the NUL-terminated `expected`. */
#define SAME_TEXT(got, len, expected) \
    ((got) != NULL && (len) == strlen(expected) && memcmp((got), (expected), (len)) == 0)

/* The closing line the project's CI reads. */
#define REPORT(name) (printf("%s: %d passed, %d failed\n", (name), checks - failures, failures), failures == 0 ? 0 : 1)

#endif
