#include "store/content_hash.h"

#include <openssl/evp.h>

#include <array>

namespace newsvault::store {

Result<std::string> content_hash(std::string_view content) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(content.data(), content.size(), digest.data(), &size, EVP_sha256(), nullptr) !=
      1) {
    return make_error(ErrorCode::kInternal, "SHA-256: OpenSSL could not compute the digest");
  }
  constexpr char kHexDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHexDigits[digest[i] >> 4];
    hex += kHexDigits[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace newsvault::store
