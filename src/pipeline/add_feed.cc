// What `newsvault add` checks of the URL it is given: that newsvault can
// read it, the one form the archive keeps it in, whether the archive has
// it already, and whether it is a feed or a web page that links to feeds.
//
//   argument ─► http(s) URL: parsed, scheme and host lower-cased
//            └► file: URL or local path ─► absolute file:// URL (it must exist)
//   URL ─► fetch ─► parse_feed reads it? a feed
//                   └─ no: HTML? ─► extract::feed_links ─► the feeds it links to
#include <algorithm>
#include <charconv>
#include <iterator>
#include <system_error>

#include "pipeline/full_text.h"
#include "pipeline/pipeline.h"

namespace newsvault::pipeline {
namespace {

namespace fs = std::filesystem;

std::unexpected<Error> refused(std::string_view argument, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument, std::string(argument) + ": " + std::string(why));
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) { return is_digit(c) ? c - '0' : lower_ascii(c) - 'a' + 10; }
bool is_unreserved(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool is_sub_delim(char c) {
  return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos;
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then
// ':'. Lower case; nullopt when the text does not start with one (a path).
std::optional<std::string> scheme_of(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(text[0])) return std::nullopt;
  for (char c : text.substr(0, colon)) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  return lower_ascii(text.substr(0, colon));
}

// RFC 3986 §2 allows neither controls nor space nor " < > \ ^ ` { | } in
// a URL, and a '%' only before two hex digits. Bytes from 0x80 (RFC 3987's
// IRIs: a Chinese path) are sent as they are. Why the URL is not one, or "".
std::string malformed_because(std::string_view url) {
  for (std::size_t i = 0; i < url.size(); ++i) {
    const auto byte = static_cast<unsigned char>(url[i]);
    if (byte == ' ') return "a URL holds no spaces (write %20)";
    if (byte < 0x20 || byte == 0x7F) return "a URL holds no control characters";
    if (std::string_view("\"<>\\^`{|}").find(url[i]) != std::string_view::npos) {
      return std::string("a URL holds no '") + url[i] + "' (percent-encode it)";
    }
    if (url[i] == '%' &&
        (i + 2 >= url.size() || !is_hex_digit(url[i + 1]) || !is_hex_digit(url[i + 2]))) {
      return "a '%' in a URL is followed by two hex digits";
    }
  }
  return "";
}

// Why `host` (RFC 3986 §3.2.2: an IP literal in brackets, or a registered
// name) is not one, or "".
std::string bad_host_because(std::string_view host) {
  if (host.empty()) return "it names no host";
  if (host.front() == '[') {
    const bool literal = host.size() > 2 && host.back() == ']' &&
                         std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
                           return is_hex_digit(c) || c == ':' || c == '.';
                         });
    return literal ? "" : "the host " + std::string(host) + " is no IPv6 address";
  }
  for (char c : host) {
    if (!is_unreserved(c) && !is_sub_delim(c) && c != '%' && static_cast<unsigned char>(c) < 0x80) {
      return "the host " + std::string(host) + " holds a '" + c + "'";
    }
  }
  return "";
}

// An http or https URL, checked, in its normal form (normalize_url, as an
// article's address is: RFC 3986 §6.2.2 and §6.2.3).
Result<std::string> web_url(std::string_view url, const std::string& scheme) {
  if (std::string why = malformed_because(url); !why.empty()) {
    return refused(url, "not a valid URL: " + why);
  }
  std::string_view rest = url.substr(scheme.size() + 1);
  if (!rest.starts_with("//")) {
    return refused(url, "not a valid URL: " + scheme + ": is followed by //HOST");
  }
  rest.remove_prefix(2);
  const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = rest.substr(authority_end);
  const std::size_t at = authority.rfind('@');
  const std::string_view userinfo = at == std::string_view::npos ? "" : authority.substr(0, at + 1);
  std::string_view host = authority.substr(userinfo.size());
  std::string_view port;
  // The port follows the last ':' outside an IPv6 literal's brackets.
  const std::size_t host_end = host.starts_with('[') ? host.find(']') : 0;
  if (host_end == std::string_view::npos) {
    return refused(url, "not a valid URL: an IPv6 address without its closing ']'");
  }
  if (const std::size_t colon = host.find(':', host_end); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (std::string why = bad_host_because(host); !why.empty()) {
    return refused(url, "not a valid URL: " + why);
  }
  if (!port.empty()) {
    unsigned number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (error != std::errc() || end != port.data() + port.size() || number > 65535) {
      return refused(url, "not a valid URL: " + std::string(port) + " is no port");
    }
    // Here, as normalize_url drops ":80" but not ":080".
    if ((scheme == "http" && number == 80) || (scheme == "https" && number == 443)) port = {};
  }
  std::string spelled = scheme + "://" + std::string(userinfo) + std::string(host);
  if (!port.empty()) spelled += ":" + std::string(port);
  return normalize_url(spelled + std::string(tail));
}

// RFC 8089 §2: file:///PATH, file://localhost/PATH or file:/PATH. The path,
// percent-decoded (query and fragment, which name no file, cut off).
Result<fs::path> file_url_path(std::string_view url) {
  std::string_view rest = url.substr(5);
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    const std::size_t slash = std::min(rest.find('/'), rest.size());
    const std::string host = lower_ascii(rest.substr(0, slash));
    if (!host.empty() && host != "localhost") {
      return refused(url,
                     "a file on another host (" + host + "); file URLs name files of this machine");
    }
    rest = rest.substr(slash);
  }
  if (!rest.starts_with('/')) {
    return refused(url, "not a valid file URL: write file:///ABSOLUTE/PATH");
  }
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::string path;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '%') {
      path += rest[i];
      continue;
    }
    if (i + 2 >= rest.size() || !is_hex_digit(rest[i + 1]) || !is_hex_digit(rest[i + 2])) {
      return refused(url, "not a valid file URL: a '%' in a URL is followed by two hex digits");
    }
    path += static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2]));
    i += 2;
  }
  return fs::path(path);
}

// file:// and the absolute path, every byte but a path's own characters
// (RFC 3986 §3.3: unreserved, sub-delims, ':', '@', '/') percent-encoded.
std::string file_url_of(const fs::path& absolute) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (char c : absolute.lexically_normal().string()) {
    if (is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' || c == '/') {
      url += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      url += '%';
      url += kHex[byte >> 4];
      url += kHex[byte & 0xF];
    }
  }
  return url;
}

// A URL in the form the archive keeps, and the local file it names (none
// for a web URL). The disk is asked only whether a name that reads as a
// URL of another scheme is a file.
struct Located {
  std::string url;
  std::optional<fs::path> file;
};

Result<Located> locate(std::string_view text, const fs::path& current_directory) {
  const std::optional<std::string> scheme = scheme_of(text);
  const auto local_path = [&](const fs::path& path) {
    const fs::path absolute = path.is_absolute() ? path : current_directory / path;
    return Located{file_url_of(absolute), absolute.lexically_normal()};
  };
  if (!scheme) return local_path(fs::path(text));
  if (*scheme == "http" || *scheme == "https") {
    auto url = web_url(text, *scheme);
    if (!url) return std::unexpected(url.error());
    return Located{std::move(*url), std::nullopt};
  }
  if (*scheme == "file") {
    auto path = file_url_path(text);
    if (!path) return std::unexpected(path.error());
    return local_path(*path);
  }
  // "notes:2024.xml" is a file name as well as a URL of no scheme we read.
  std::error_code ignored;
  if (fs::exists(current_directory / fs::path(text), ignored)) return local_path(fs::path(text));
  return refused(
      text, "newsvault reads http, https and file URLs and local paths, not " + *scheme + ": URLs");
}

// WHATWG MIME Sniffing §7.1 ("rules for identifying an unknown MIME
// type"): after whitespace (and here an XML declaration, which XHTML
// pages start with), one of these tags followed by a space or '>' starts
// an HTML document.
bool sniffs_as_html(std::string_view body) {
  static constexpr std::string_view kOpenings[] = {
      "<html",  "<head",  "<script", "<iframe", "<h1", "<div", "<font", "<table",        "<a",
      "<style", "<title", "<b",      "<body",   "<br", "<p",   "<!--",  "<!doctype html"};
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  body = trim_ascii(body);
  if (body.starts_with("<?xml")) {
    const std::size_t end = body.find("?>");
    body = end == std::string_view::npos ? std::string_view() : trim_ascii(body.substr(end + 2));
  }
  const std::string start = lower_ascii(body.substr(0, 16));
  return std::any_of(std::begin(kOpenings), std::end(kOpenings), [&](std::string_view opening) {
    return start.starts_with(opening) && start.size() > opening.size() &&
           (start[opening.size()] == ' ' || start[opening.size()] == '>');
  });
}

}  // namespace

Result<std::string> feed_url_from_argument(std::string_view argument,
                                           const fs::path& current_directory) {
  const std::string_view text = trim_ascii(argument);
  if (text.empty()) return make_error(ErrorCode::kInvalidArgument, "the feed's URL is empty");
  auto located = locate(text, current_directory);
  if (!located) return std::unexpected(located.error());
  if (!located->file) return std::move(located->url);
  const fs::path& path = *located->file;
  // Named as given, and where that is when it was relative.
  const std::string named =
      std::string(text) + (path.string() == text ? "" : " (" + path.string() + ")");
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) {
    return refused(
        named,
        "no such file" +
            std::string(scheme_of(text)
                            ? ""
                            : "; a feed on the web is added by its http:// or https:// URL"));
  }
  if (fs::is_directory(status)) return refused(named, "a folder, not a feed");
  return std::move(located->url);
}

std::optional<store::FeedRecord> feed_with_url(const std::vector<store::FeedRecord>& feeds,
                                               std::string_view url,
                                               const fs::path& current_directory) {
  // Each as the archive would keep it: feeds added before URLs were kept in
  // one form may have been written another way, relative paths among them
  // (which fetch reads from the current folder, as here).
  const auto normal = [&](std::string_view text) {
    text = trim_ascii(text);
    auto located = locate(text, current_directory);
    return located ? std::move(located->url) : std::string(text);
  };
  const std::string wanted = normal(url);
  for (const store::FeedRecord& feed : feeds) {
    if (normal(feed.url) == wanted) return feed;
  }
  return std::nullopt;
}

Result<FeedDiscovery> discover_feeds(fetch::HttpClient& client, std::string_view url,
                                     feed::ParseOptions options) {
  fetch::Response response;
  client.fetch_all({fetch::Request{std::string(url), "", ""}},
                   [&](std::size_t, fetch::Response done) { response = std::move(done); });
  if (response.outcome != fetch::FetchOutcome::kOk)
    return make_error(ErrorCode::kIo, response.error);
  // A page's relative links are relative to where it was found after
  // redirects.
  const std::string where = response.final_url.empty() ? std::string(url) : response.final_url;
  options.base_url = where;
  options.http_content_type = response.content_type;
  options.source_name = std::string(url);
  // parse_feed reads what it can of any XML, and says "not a feed" among
  // its problems when that is neither a feed format nor holds entries.
  auto parsed = feed::parse_feed(response.body, options);
  if (parsed && (parsed->format != feed::FeedFormat::kUnknown || !parsed->entries.empty())) {
    return FeedDiscovery{true, {}};
  }
  const bool html = (!response.content_type.empty() && is_web_page(response.content_type)) ||
                    sniffs_as_html(response.body);
  if (!html) {
    const std::string why = !parsed                    ? parsed.error().message()
                            : parsed->problems.empty() ? std::string("not a feed")
                                                       : parsed->problems.front();
    return make_error(ErrorCode::kParse,
                      std::string(url) + ": neither a feed nor a web page (" + why + ")");
  }
  return FeedDiscovery{false, extract::feed_links(response.body, where, response.content_type)};
}

}  // namespace newsvault::pipeline
