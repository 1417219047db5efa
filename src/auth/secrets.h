// Login codes and session tokens: generation with the operating system's CSPRNG and
// hashing with libsodium, so that only hashes are ever stored.
//
// A login code is what an organizer prints on a credential sheet and a volunteer types on
// her phone: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown in
// groups of four ("K7QM-9XMR-T2PW"). The first group is a public selector that finds the
// code's row; the other eight (about 40 bits) are the secret, stored as an Argon2id hash.
// Guessing is made hopeless by rate limits and lockout on top.
//
// A session token is 32 random bytes, base64url ("nw_" prefix so it is recognisable in
// logs and secret scanners); it is stored as its BLAKE2b-256 hash (a fast hash suffices
// for 256 bits of entropy) and looked up by that hash.
//
// Thread-safety: all functions are thread-safe once InitSecrets() has returned.
#ifndef NARWHAL_AUTH_SECRETS_H_
#define NARWHAL_AUTH_SECRETS_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace narwhal {

// Initialises libsodium; call once at start-up (idempotent). kInternal when it cannot.
Status InitSecrets();

struct LoginCode {
  std::string selector;  // first group, 4 characters, unique among live codes
  std::string secret;    // the remaining 8 characters
  std::string display;   // "K7QM-9XMR-T2PW", what is printed and typed
};

LoginCode GenerateLoginCode();

// Splits what a person typed into selector and secret: case-insensitive, dashes and
// spaces ignored, look-alikes mapped (O->0? no: O and 0 are both outside the alphabet, so
// typed O is read as 0, I/L as 1). kInvalidArgument when it cannot be a code.
Result<LoginCode> ParseLoginCode(std::string_view typed);

// Cost of hashing login-code secrets. The defaults take about 10-20 ms per hash on a small
// machine, so thousands of codes can be issued in bulk; raise for fewer, longer-lived codes.
struct CodeHashCost {
  unsigned long long ops = 2;
  size_t mem_bytes = 8u << 20;
};

// An encoded Argon2id hash (with its salt and parameters) of `secret`.
Result<std::string> HashCodeSecret(std::string_view secret, const CodeHashCost& cost = {});
// Constant-time check of `secret` against a hash from HashCodeSecret.
bool VerifyCodeSecret(std::string_view secret, const std::string& hash);

// A new session token, "nw_" + 43 base64url characters.
std::string GenerateSessionToken();
// Hex BLAKE2b-256 of the token: what the store keeps and looks up.
std::string HashSessionToken(std::string_view token);

// Random bytes as lowercase hex (ids, idempotency keys in tests).
std::string RandomHex(size_t bytes);

}  // namespace narwhal

#endif  // NARWHAL_AUTH_SECRETS_H_
