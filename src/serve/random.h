// Private to serve: random tokens.
#ifndef NEWSVAULT_SERVE_RANDOM_H_
#define NEWSVAULT_SERVE_RANDOM_H_

#include <cstddef>
#include <string>

namespace newsvault::serve {

// Random bytes as lowercase hex, from libsodium.
std::string random_hex(std::size_t bytes);

}  // namespace newsvault::serve

#endif  // NEWSVAULT_SERVE_RANDOM_H_
