// jwtkit.h must compile, link and run from C++ as well as C.
#include <jwtkit.h>

#include <cstdio>
#include <cstring>

int main() {
    const char *name = jwtkit_status_str(JWTKIT_ERR_SIGNATURE);
    if (std::strcmp(name, "JWTKIT_ERR_SIGNATURE") != 0) return 1;
    std::printf("jwtkit %s from C++\n", jwtkit_version());
    return 0;
}
