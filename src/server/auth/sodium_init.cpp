#include "server/auth/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace drux {

void EnsureSodiumInitialized() {
  // A function-local static is initialized exactly once, even under concurrent callers.
  static const int result = sodium_init();
  if (result < 0) {
    std::fputs("drux: libsodium failed to initialize; cannot create secrets safely\n", stderr);
    std::abort();
  }
}

}  // namespace drux
