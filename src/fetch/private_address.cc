// Which addresses a redirect from the internet may not lead to (SSRF).
#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <string>

#include "fetch/fetch.h"

namespace newsvault::fetch {
namespace {

// IPv4 in host order.
bool is_private_ipv4(std::uint32_t ip) {
  struct Block {
    std::uint32_t network;
    int prefix;
  };
  // RFC 6890's special-purpose registry, the blocks that are not the public
  // internet.
  static constexpr std::array<Block, 12> kBlocks{{
      {0x00000000, 8},   // 0.0.0.0/8 "this network" (0.0.0.0 reaches the local host)
      {0x0A000000, 8},   // 10.0.0.0/8 private (RFC 1918)
      {0x64400000, 10},  // 100.64.0.0/10 carrier-grade NAT (RFC 6598)
      {0x7F000000, 8},   // 127.0.0.0/8 loopback
      {0xA9FE0000, 16},  // 169.254.0.0/16 link-local, cloud metadata services
      {0xAC100000, 12},  // 172.16.0.0/12 private
      {0xC0000000, 24},  // 192.0.0.0/24 IETF protocol assignments
      {0xC0A80000, 16},  // 192.168.0.0/16 private
      {0xC6120000, 15},  // 198.18.0.0/15 benchmarking
      {0xE0000000, 4},   // 224.0.0.0/4 multicast
      {0xF0000000, 4},   // 240.0.0.0/4 reserved, and the broadcast address
      {0xC0000200, 24},  // 192.0.2.0/24 documentation (TEST-NET-1)
  }};
  for (const Block& block : kBlocks) {
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - block.prefix);
    if ((ip & mask) == block.network) return true;
  }
  return false;
}

bool is_private_ipv6(const unsigned char (&ip)[16]) {
  const auto all_zero = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      if (ip[i] != 0) return false;
    }
    return true;
  };
  // ::ffff:a.b.c.d (IPv4-mapped) and the deprecated ::a.b.c.d: the IPv4
  // address decides. :: and ::1 fall in the second form's 0.0.0.0/8.
  if (all_zero(0, 10) && ((ip[10] == 0xff && ip[11] == 0xff) || (ip[10] == 0 && ip[11] == 0))) {
    return is_private_ipv4(static_cast<std::uint32_t>(ip[12]) << 24 |
                           static_cast<std::uint32_t>(ip[13]) << 16 |
                           static_cast<std::uint32_t>(ip[14]) << 8 | ip[15]);
  }
  if ((ip[0] & 0xfe) == 0xfc) return true;                  // fc00::/7 unique local (RFC 4193)
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0xc0) return true;  // fec0::/10 site-local (deprecated)
  if (ip[0] == 0xff) return true;                            // ff00::/8 multicast
  // 64:ff9b::/96 NAT64 and 2002::/16 6to4 carry an IPv4 address that may be
  // a private one.
  if (ip[0] == 0x00 && ip[1] == 0x64 && ip[2] == 0xff && ip[3] == 0x9b && all_zero(4, 12)) {
    return is_private_ipv4(static_cast<std::uint32_t>(ip[12]) << 24 |
                           static_cast<std::uint32_t>(ip[13]) << 16 |
                           static_cast<std::uint32_t>(ip[14]) << 8 | ip[15]);
  }
  if (ip[0] == 0x20 && ip[1] == 0x02) {
    return is_private_ipv4(static_cast<std::uint32_t>(ip[2]) << 24 |
                           static_cast<std::uint32_t>(ip[3]) << 16 |
                           static_cast<std::uint32_t>(ip[4]) << 8 | ip[5]);
  }
  return false;
}

}  // namespace

bool is_private_address(std::string_view address) {
  // "[::1]" as a URL writes it; a zone ("fe80::1%eth0") only follows
  // link-local addresses, which are private anyway.
  if (address.starts_with('[') && address.ends_with(']')) {
    address = address.substr(1, address.size() - 2);
  }
  if (const auto zone = address.find('%'); zone != std::string_view::npos) return true;
  const std::string text(address);
  in_addr ipv4{};
  if (inet_pton(AF_INET, text.c_str(), &ipv4) == 1) return is_private_ipv4(ntohl(ipv4.s_addr));
  in6_addr ipv6{};
  if (inet_pton(AF_INET6, text.c_str(), &ipv6) == 1) return is_private_ipv6(ipv6.s6_addr);
  return true;
}

}  // namespace newsvault::fetch
