#include "auth/secrets.h"

#include <sodium.h>

#include <array>

namespace narwhal {
namespace {

// 31 characters: digits and capitals without 0, 1, I, L, O (look-alikes).
constexpr std::string_view kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
constexpr size_t kSelectorLength = 4;
constexpr size_t kSecretLength = 8;

std::string RandomFromAlphabet(size_t n) {
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kCodeAlphabet[randombytes_uniform(static_cast<uint32_t>(kCodeAlphabet.size()))]);
  }
  return out;
}

std::string ToHex(const unsigned char* data, size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, n);
  hex.pop_back();
  return hex;
}

}  // namespace

Status InitSecrets() {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  return Status::Ok();
}

LoginCode GenerateLoginCode() {
  LoginCode code;
  code.selector = RandomFromAlphabet(kSelectorLength);
  code.secret = RandomFromAlphabet(kSecretLength);
  code.display = code.selector + "-" + code.secret.substr(0, 4) + "-" + code.secret.substr(4);
  return code;
}

Result<LoginCode> ParseLoginCode(std::string_view typed) {
  std::string chars;
  for (char c : typed) {
    if (c == '-' || c == ' ' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kCodeAlphabet.find(c) == std::string_view::npos) {
      return InvalidArgument("a login code has 12 letters and digits, like K7QM-9XMR-T2PW");
    }
    chars.push_back(c);
    if (chars.size() > kSelectorLength + kSecretLength) break;
  }
  if (chars.size() != kSelectorLength + kSecretLength) {
    return InvalidArgument("a login code has 12 letters and digits, like K7QM-9XMR-T2PW");
  }
  LoginCode code;
  code.selector = chars.substr(0, kSelectorLength);
  code.secret = chars.substr(kSelectorLength);
  code.display = code.selector + "-" + code.secret.substr(0, 4) + "-" + code.secret.substr(4);
  return code;
}

Result<std::string> HashCodeSecret(std::string_view secret, const CodeHashCost& cost) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), secret.data(), secret.size(), cost.ops, cost.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("Argon2id hashing failed (out of memory?)");
  }
  return std::string(out.data());
}

bool VerifyCodeSecret(std::string_view secret, const std::string& hash) {
  return crypto_pwhash_str_verify(hash.c_str(), secret.data(), secret.size()) == 0;
}

std::string GenerateSessionToken() {
  std::array<unsigned char, 32> raw{};
  randombytes_buf(raw.data(), raw.size());
  std::array<char, sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> b64{};
  sodium_bin2base64(b64.data(), b64.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string("nw_") + b64.data();
}

std::string HashSessionToken(std::string_view token) {
  std::array<unsigned char, 32> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  return ToHex(digest.data(), digest.size());
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

}  // namespace narwhal
