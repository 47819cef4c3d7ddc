// Private to fetch (and its tests and fuzz target): the pieces of the
// private-address rule (SSRF) that need no connection. Pure functions.
#ifndef NEWSVAULT_FETCH_ADDRESS_POLICY_H_
#define NEWSVAULT_FETCH_ADDRESS_POLICY_H_

#include <string>
#include <string_view>

#include "fetch/fetch.h"

namespace newsvault::fetch {

// A URL's host as written, judged without resolving it (what is left to
// judge when a proxy resolves names): an IP literal by classify_address,
// "localhost" and any name under it (RFC 6761 §6.3) as loopback, any other
// name kNotAnAddress.
AddressClass classify_host(std::string_view host);

// The host of `url` as libcurl reads it (lower case; IPv6 in brackets;
// IPv4 written as "0x7f.1" or "2130706433" normalised to 127.0.0.1), or ""
// when it does not parse.
std::string host_of_url(const std::string& url);

// Whether one hop of a request may go out. `first_hop`: this is the
// request's first connection; `first_hop_private`: the first went to a
// private address (meaningless on the first hop itself); `hop_private`:
// this one goes to a private address.
bool hop_allowed(PrivateAddresses policy, bool allow_private_addresses, bool first_hop,
                 bool first_hop_private, bool hop_private);

}  // namespace newsvault::fetch

#endif  // NEWSVAULT_FETCH_ADDRESS_POLICY_H_
