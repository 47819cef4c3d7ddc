// Answers and documents written to hurt a client, for the tests that show
// newsvault survives them: each is served by HttpTestServer (or written to
// a file) and is small to build, however large it claims or grows to be.
#ifndef NEWSVAULT_TESTS_SUPPORT_HOSTILE_RESPONSES_H_
#define NEWSVAULT_TESTS_SUPPORT_HOSTILE_RESPONSES_H_

#include <chrono>
#include <cstddef>
#include <string>

#include "support/http_test_server.h"

namespace newsvault::testing {

// A 200 whose gzip Content-Encoding inflates to `inflated_bytes` of '<'
// (about a thousandth of that on the wire: 4 GB in about 4 MB).
HttpTestServer::CannedResponse gzip_bomb(std::size_t inflated_bytes);

// A 200 without Content-Length whose body never ends (64 KB writes until the
// client hangs up).
HttpTestServer::CannedResponse endless_body();

// A 200 that sends its head at once, then `body` one byte every `interval`.
HttpTestServer::CannedResponse trickle(std::string body, std::chrono::milliseconds interval);

// A 200 whose Content-Length promises `claimed` bytes; it sends `body` and
// then neither sends more nor closes.
HttpTestServer::CannedResponse wrong_content_length(std::size_t claimed, std::string body);

// A 200 whose header lines never end (1 KB each, until the client hangs up).
HttpTestServer::CannedResponse endless_headers();

// An RSS 2.0 feed: "Billion laughs": ten levels of entities, each ten of the
// one below (10^9 copies of "lol" if expanded), used in a title and a
// description.
std::string billion_laughs_feed();
// Quadratic blow-up: one entity of `entity_bytes` referenced `references`
// times in one element (no nesting, so depth limits never see it).
std::string quadratic_blowup_feed(std::size_t entity_bytes, std::size_t references);
// An RSS 2.0 feed of one entry whose description is HTML nested `depth`
// <div>s deep (escaped, as descriptions carry HTML).
std::string deeply_nested_html_feed(std::size_t depth);
// An RSS 2.0 feed of `entries` small entries with distinct guids.
std::string feed_with_entries(std::size_t entries);
// An RSS 2.0 feed whose one description is a single line of `bytes` bytes.
std::string feed_with_one_line(std::size_t bytes);

}  // namespace newsvault::testing

#endif  // NEWSVAULT_TESTS_SUPPORT_HOSTILE_RESPONSES_H_
