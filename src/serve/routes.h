// Private to serve: the handlers of each kind of request, added to the
// cpp-httplib server, and what they share.
#ifndef NEWSVAULT_SERVE_ROUTES_H_
#define NEWSVAULT_SERVE_ROUTES_H_

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

#include "serve/library.h"

namespace newsvault::serve {

// The reader pages (/, the site's pages, /search.html).
void add_reader_pages(httplib::Server& server, Library& library);
// /accounts/ClientLogin, /reader/api/0/..., /reader/atom/...
void add_google_reader_api(httplib::Server& server, Library& library);
// /v1/...
void add_miniflux_api(httplib::Server& server, Library& library);

// The reader a request names in HTTP basic auth (RFC 7617), or nullopt
// with the answer set: 401 (no or wrong credentials, the same whether or
// not the user exists) or 429 (too many failed attempts). `realm` goes in
// WWW-Authenticate when `challenge` is set.
std::optional<Reader> basic_auth_reader(const httplib::Request& request, httplib::Response& response,
                                        Library& library, bool challenge);

// The user name the access log shows for this request ("-" when none).
void note_reader(const Reader& reader);

// Answers 500 with a line naming what failed, and logs it.
void answer_failure(httplib::Response& response, const Error& error);

// `text` as a JSON string, quotes included (invalid UTF-8 replaced).
std::string json_string(std::string_view text);

// Seconds and microseconds since the epoch.
std::int64_t seconds(Timestamp time);

inline constexpr std::string_view kLabel = "All";  // the one folder every feed is in

}  // namespace newsvault::serve

#endif  // NEWSVAULT_SERVE_ROUTES_H_
