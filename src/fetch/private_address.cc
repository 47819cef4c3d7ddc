// Which addresses a request made for a source on the internet may not
// reach (SSRF): the special-purpose blocks of RFC 6890's registries.
#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <string>

#include "fetch/address_policy.h"
#include "fetch/curl_handles.h"
#include "fetch/fetch.h"

namespace newsvault::fetch {
namespace {

struct Block4 {
  std::uint32_t network;  // host order
  int prefix;
  AddressClass kind;
};

// RFC 6890's IPv4 special-purpose registry (and RFC 919's broadcast), the
// blocks that are not the public internet. The first that holds an address
// names it: 255.255.255.255 is broadcast before it is reserved.
constexpr std::array<Block4, 16> kIpv4Blocks{{
    {0x00000000, 8, AddressClass::kUnspecified},     // 0.0.0.0/8 "this network" (0.0.0.0 reaches the local host)
    {0x0A000000, 8, AddressClass::kPrivate},         // 10.0.0.0/8 (RFC 1918)
    {0x64400000, 10, AddressClass::kSharedNat},      // 100.64.0.0/10 carrier-grade NAT (RFC 6598)
    {0x7F000000, 8, AddressClass::kLoopback},        // 127.0.0.0/8
    {0xA9FE0000, 16, AddressClass::kLinkLocal},      // 169.254.0.0/16, cloud metadata services
    {0xAC100000, 12, AddressClass::kPrivate},        // 172.16.0.0/12 (RFC 1918)
    {0xC0000000, 24, AddressClass::kReserved},       // 192.0.0.0/24 IETF protocol assignments
    {0xC0000200, 24, AddressClass::kDocumentation},  // 192.0.2.0/24 TEST-NET-1 (RFC 5737)
    {0xC0586300, 24, AddressClass::kReserved},       // 192.88.99.0/24 6to4 relay anycast (RFC 7526)
    {0xC0A80000, 16, AddressClass::kPrivate},        // 192.168.0.0/16 (RFC 1918)
    {0xC6120000, 15, AddressClass::kBenchmarking},   // 198.18.0.0/15 (RFC 2544)
    {0xC6336400, 24, AddressClass::kDocumentation},  // 198.51.100.0/24 TEST-NET-2
    {0xCB007100, 24, AddressClass::kDocumentation},  // 203.0.113.0/24 TEST-NET-3
    {0xE0000000, 4, AddressClass::kMulticast},       // 224.0.0.0/4
    {0xFFFFFFFF, 32, AddressClass::kBroadcast},      // 255.255.255.255
    {0xF0000000, 4, AddressClass::kReserved},        // 240.0.0.0/4
}};

AddressClass classify_ipv4(std::uint32_t ip) {
  for (const Block4& block : kIpv4Blocks) {
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - block.prefix);
    if ((ip & mask) == block.network) return block.kind;
  }
  return AddressClass::kPublic;
}

std::uint32_t ipv4_at(const unsigned char* bytes) {
  return static_cast<std::uint32_t>(bytes[0]) << 24 | static_cast<std::uint32_t>(bytes[1]) << 16 |
         static_cast<std::uint32_t>(bytes[2]) << 8 | bytes[3];
}

AddressClass classify_ipv6(const unsigned char (&ip)[16]) {
  const auto all_zero = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      if (ip[i] != 0) return false;
    }
    return true;
  };
  if (all_zero(0, 15) && ip[15] == 0) return AddressClass::kUnspecified;  // ::
  if (all_zero(0, 15) && ip[15] == 1) return AddressClass::kLoopback;     // ::1
  // ::ffff:a.b.c.d (IPv4-mapped, RFC 4291 §2.5.5.2) and the deprecated
  // ::a.b.c.d (IPv4-compatible, §2.5.5.1): the IPv4 address decides, as
  // the kernel connects to it.
  if (all_zero(0, 10) && ((ip[10] == 0xff && ip[11] == 0xff) || (ip[10] == 0 && ip[11] == 0))) {
    return classify_ipv4(ipv4_at(ip + 12));
  }
  // 64:ff9b::/96 NAT64 (RFC 6052) and 2002::/16 6to4 (RFC 3056) carry an
  // IPv4 address that may be a private one; 64:ff9b:1::/48 is for local
  // use only (RFC 8215).
  if (ip[0] == 0x00 && ip[1] == 0x64 && ip[2] == 0xff && ip[3] == 0x9b) {
    if (all_zero(4, 12)) return classify_ipv4(ipv4_at(ip + 12));
    if (ip[4] == 0 && ip[5] == 1) return AddressClass::kPrivate;
  }
  if (ip[0] == 0x20 && ip[1] == 0x02) return classify_ipv4(ipv4_at(ip + 2));
  if ((ip[0] & 0xfe) == 0xfc) return AddressClass::kUniqueLocal;                // fc00::/7 (RFC 4193)
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;  // fe80::/10
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0xc0) return AddressClass::kPrivate;    // fec0::/10 site-local (deprecated)
  if (ip[0] == 0xff) return AddressClass::kMulticast;                            // ff00::/8
  if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0x0d && ip[3] == 0xb8) {
    return AddressClass::kDocumentation;  // 2001:db8::/32 (RFC 3849)
  }
  if (ip[0] == 0x01 && all_zero(1, 8)) return AddressClass::kReserved;  // 100::/64 discard (RFC 6666)
  // 2001::/23 IETF protocol assignments (Teredo, benchmarking, ORCHID...).
  if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] < 0x02) return AddressClass::kReserved;
  // Only 2000::/3 is global unicast; the rest is unassigned.
  if ((ip[0] & 0xe0) != 0x20) return AddressClass::kReserved;
  return AddressClass::kPublic;
}

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

AddressClass classify_address(std::string_view address) {
  // inet_pton reads up to a NUL: "10.0.0.1\0junk" is no address.
  if (address.find('\0') != std::string_view::npos) return AddressClass::kNotAnAddress;
  // "[::1]" as a URL writes it.
  if (address.starts_with('[') && address.ends_with(']') && address.size() >= 2) {
    address = address.substr(1, address.size() - 2);
  }
  // RFC 4007 §11: a zone ("fe80::1%eth0") follows an IPv6 address, which
  // alone decides.
  const auto zone = address.find('%');
  const std::string text(address.substr(0, zone));
  in6_addr ipv6{};
  if (inet_pton(AF_INET6, text.c_str(), &ipv6) == 1) return classify_ipv6(ipv6.s6_addr);
  in_addr ipv4{};
  if (zone == std::string_view::npos && inet_pton(AF_INET, text.c_str(), &ipv4) == 1) {
    return classify_ipv4(ntohl(ipv4.s_addr));
  }
  return AddressClass::kNotAnAddress;
}

std::string_view address_class_name(AddressClass kind) {
  switch (kind) {
    case AddressClass::kPublic: return "public";
    case AddressClass::kLoopback: return "loopback";
    case AddressClass::kPrivate: return "private";
    case AddressClass::kLinkLocal: return "link-local";
    case AddressClass::kUniqueLocal: return "unique-local";
    case AddressClass::kSharedNat: return "carrier-grade NAT";
    case AddressClass::kUnspecified: return "unspecified";
    case AddressClass::kMulticast: return "multicast";
    case AddressClass::kBroadcast: return "broadcast";
    case AddressClass::kDocumentation: return "for documentation";
    case AddressClass::kBenchmarking: return "for benchmarking";
    case AddressClass::kReserved: return "reserved";
    case AddressClass::kNotAnAddress: return "not an IP address";
  }
  return "reserved";
}

bool is_private_address(std::string_view address) {
  return classify_address(address) != AddressClass::kPublic;
}

AddressClass classify_host(std::string_view host) {
  const AddressClass kind = classify_address(host);
  if (kind != AddressClass::kNotAnAddress) return kind;
  // RFC 6761 §6.3: localhost and every name under it are the local host,
  // whatever a resolver (a proxy's) would say. A trailing dot is the same name.
  if (host.ends_with('.')) host.remove_suffix(1);
  if (equals_ignoring_ascii_case(host, "localhost")) return AddressClass::kLoopback;
  if (host.size() > 10 && equals_ignoring_ascii_case(host.substr(host.size() - 10), ".localhost")) {
    return AddressClass::kLoopback;
  }
  return AddressClass::kNotAnAddress;
}

std::string host_of_url(const std::string& url) {
  CurlUrl handle(curl_url());
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "";
  char* raw = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_HOST, &raw, 0) != CURLUE_OK) return "";
  CurlString host(raw);
  std::string text(host.get());
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

bool hop_allowed(PrivateAddresses policy, bool allow_private_addresses, bool first_hop,
                 bool first_hop_private, bool hop_private) {
  if (!hop_private || allow_private_addresses) return true;
  switch (policy) {
    case PrivateAddresses::kAllowed:
      return true;
    case PrivateAddresses::kRefused:
      return false;
    case PrivateAddresses::kIfTheFirstHopIs:
      return first_hop || first_hop_private;
  }
  return false;
}

}  // namespace newsvault::fetch
