// The private-address rule (SSRF) over any string: fetch's classify_address,
// classify_host, host_of_url and hop_allowed. Input: the first byte picks
// the request's policy and the hop's facts, the rest is an address or host.
// Besides crashes, checks what the rule promises: an IPv4 address written as
// IPv6 (mapped, in brackets, NAT64) is classed as the IPv4 address, a URL's
// host is classed as the host itself, a request for a public source never
// reaches a private address, and a public address is never refused.
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fetch/address_policy.h"
#include "fetch/fetch.h"

namespace {

using newsvault::fetch::AddressClass;
using newsvault::fetch::classify_address;
using newsvault::fetch::PrivateAddresses;

[[noreturn]] void fail(const char* what, std::string_view value) {
  std::fprintf(stderr, "%s: \"%.*s\"\n", what, static_cast<int>(value.size()), value.data());
  std::abort();
}

void expect_same_class(AddressClass expected, const std::string& written, const char* what) {
  if (classify_address(written) != expected) fail(what, written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t facts = data[0];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);

  const AddressClass kind = classify_address(text);
  if (newsvault::fetch::is_private_address(text) != (kind != AddressClass::kPublic)) {
    fail("is_private_address disagrees with classify_address on", text);
  }
  (void)newsvault::fetch::address_class_name(kind);

  // inet_pton and libcurl read a C string: what follows a NUL is not seen.
  const bool c_string = text.find('\0') == std::string::npos;
  in_addr ipv4{};
  if (c_string && inet_pton(AF_INET, text.c_str(), &ipv4) == 1) {
    expect_same_class(kind, "::ffff:" + text, "an IPv4-mapped address is classed apart from its IPv4 address");
    expect_same_class(kind, "[::ffff:" + text + "]", "a bracketed mapped address is classed apart from its IPv4 address");
    expect_same_class(kind, "64:ff9b::" + text, "a NAT64 address is classed apart from its IPv4 address");
    const std::string host = newsvault::fetch::host_of_url("http://" + text + "/");
    if (newsvault::fetch::classify_host(host) != kind) fail("a URL's IPv4 host is classed apart from it", text);
  }
  in6_addr ipv6{};
  if (c_string && inet_pton(AF_INET6, text.c_str(), &ipv6) == 1) {
    expect_same_class(kind, "[" + text + "]", "a bracketed IPv6 address is classed apart from it");
  }
  if (kind != AddressClass::kNotAnAddress && newsvault::fetch::classify_host(text) != kind) {
    fail("classify_host disagrees with classify_address on", text);
  }

  const auto policy = static_cast<PrivateAddresses>(facts % 3);
  const bool allow_all = facts & 0x04;
  const bool first_hop = facts & 0x08;
  const bool first_hop_private = facts & 0x10;
  const bool hop_private = kind != AddressClass::kPublic;
  const bool allowed =
      newsvault::fetch::hop_allowed(policy, allow_all, first_hop, first_hop_private, hop_private);
  if (!hop_private && !allowed) fail("a public address was refused", text);
  if (hop_private && !allow_all && policy == PrivateAddresses::kRefused && allowed) {
    fail("a request for a public source reached a private address", text);
  }
  if ((allow_all || policy == PrivateAddresses::kAllowed) && !allowed) {
    fail("an allowed request was refused at", text);
  }
  return 0;
}
