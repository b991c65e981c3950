// libsodium must be initialized once before use; every auth function that calls it goes
// through here first.
#pragma once

namespace drux {

// Initializes libsodium once per process; safe to call from several threads at once and
// cheap after the first call. Aborts when libsodium cannot start (it cannot then produce
// random bytes, and no token or password hash could be made safely), as libsodium itself
// does when the system has no randomness.
void EnsureSodiumInitialized();

}  // namespace drux
