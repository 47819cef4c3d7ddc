#include <libxml/uri.h>
#include <libxml/xmlmemory.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <utility>

#include "core/core.h"

namespace newsvault {
namespace {

struct XmlCharFree {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

}  // namespace

std::string url_scheme(std::string_view url) {
  const auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (url.empty() || !is_alpha(url.front())) return {};
  for (std::size_t i = 1; i < url.size(); ++i) {
    const char c = url[i];
    if (c == ':') return lower_ascii(url.substr(0, i));
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return {};
  }
  return {};
}

bool is_web_url(std::string_view url) {
  const std::string scheme = url_scheme(url);
  return scheme == "http" || scheme == "https";
}

namespace {

// RFC 3986 §3.4: names of query parameters that carry a secret, as
// services name them (GitLab's private_token, OAuth's access_token, ...).
bool is_credential_parameter(std::string_view name) {
  const std::string lowered = lower_ascii(name);
  for (const char* secret : {"access_token", "token", "private_token", "key", "api_key", "apikey",
                             "password", "passwd", "auth", "secret", "client_secret"}) {
    if (lowered == secret) return true;
  }
  return false;
}

// Where the userinfo of `url` is (RFC 3986 §3.2.1: "scheme://userinfo@host"),
// as [begin, end) of the text before '@'; begin == end when it has none.
std::pair<std::size_t, std::size_t> userinfo_span(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || url_scheme(url).empty()) return {0, 0};
  const std::size_t begin = scheme_end + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?#", begin), url.size());
  const std::size_t at = url.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < begin) return {0, 0};
  return {begin, at};
}

}  // namespace

std::string redact_url(std::string_view url) {
  std::string out;
  const auto [user_begin, user_end] = userinfo_span(url);
  if (user_end > user_begin) {
    out.append(url.substr(0, user_begin)).append("***");
    url.remove_prefix(user_end);
  }
  const std::size_t query = url.find('?');
  if (query == std::string_view::npos) return out.append(url);
  const std::size_t fragment = std::min(url.find('#', query), url.size());
  out.append(url.substr(0, query + 1));
  std::size_t at = query + 1;
  while (at <= fragment) {
    std::size_t end = std::min(url.find('&', at), fragment);
    const std::string_view parameter = url.substr(at, end - at);
    const std::size_t equals = parameter.find('=');
    if (equals != std::string_view::npos && is_credential_parameter(parameter.substr(0, equals))) {
      out.append(parameter.substr(0, equals + 1)).append("***");
    } else {
      out.append(parameter);
    }
    if (end == fragment) break;
    out += '&';
    at = end + 1;
  }
  return out.append(url.substr(fragment));
}

bool url_holds_credentials(std::string_view url) { return redact_url(url) != url; }

std::string redact_urls(std::string_view text) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t marker = text.find("://", at);
    if (marker == std::string_view::npos) break;
    std::size_t begin = marker;
    while (begin > at && (std::isalnum(static_cast<unsigned char>(text[begin - 1])) ||
                          text[begin - 1] == '+' || text[begin - 1] == '-' || text[begin - 1] == '.')) {
      --begin;
    }
    const std::size_t end = std::min(text.find_first_of(" \t\r\n\"'<>()[]{}`", marker), text.size());
    out.append(text.substr(at, begin - at));
    out.append(redact_url(text.substr(begin, end - begin)));
    at = end;
  }
  return out.append(text.substr(at));
}

std::string resolve_url(std::string_view base, std::string_view reference) {
  reference = trim_ascii(reference);
  base = trim_ascii(base);
  if (base.empty()) return std::string(reference);
  // libxml2's xmlBuildURI implements RFC 3986 §5.2 (and is already linked).
  const std::string reference_z(reference);
  const std::string base_z(base);
  std::unique_ptr<xmlChar, XmlCharFree> built(
      xmlBuildURI(reinterpret_cast<const xmlChar*>(reference_z.c_str()),
                  reinterpret_cast<const xmlChar*>(base_z.c_str())));
  if (!built) return reference_z;
  return std::string(reinterpret_cast<const char*>(built.get()));
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 §2.3.
bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// §6.2.2.1 and §6.2.2.2: "%7e" is "~", "%2f" is "%2F".
std::string normalize_percent_encoding(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int high = i + 2 < text.size() && text[i] == '%' ? hex_value(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_value(text[i + 2]) : -1;
    if (low < 0) {
      out.push_back(text[i]);
      continue;
    }
    const auto decoded = static_cast<unsigned char>(high * 16 + low);
    // A digit decoded after a stray '%' ("%a%41") would make a new
    // percent-encoding ("%aA"), so it stays encoded.
    const std::size_t size = out.size();
    const bool after_stray = hex_value(static_cast<char>(decoded)) >= 0 && size >= 1 &&
                             (out[size - 1] == '%' || (size >= 2 && out[size - 2] == '%' && hex_value(out[size - 1]) >= 0));
    if (is_unreserved(decoded) && !after_stray) {
      out.push_back(static_cast<char>(decoded));
    } else {
      constexpr char kDigits[] = "0123456789ABCDEF";
      out += {'%', kDigits[high], kDigits[low]};
    }
    i += 2;
  }
  return out;
}

// §5.2.4, remove_dot_segments.
std::string remove_dot_segments(std::string_view input) {
  std::string output;
  while (!input.empty()) {
    if (input.starts_with("../")) {
      input.remove_prefix(3);
    } else if (input.starts_with("./")) {
      input.remove_prefix(2);
    } else if (input.starts_with("/./")) {
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.starts_with("/../") || input == "/..") {
      input = input.size() == 3 ? std::string_view("/") : input.substr(3);
      output.erase(std::min(output.rfind('/'), output.size()));  // the last segment and its '/'
    } else if (input == "." || input == "..") {
      input = {};
    } else {
      const auto next = input.find('/', 1);
      const std::size_t length = next == std::string_view::npos ? input.size() : next;
      output.append(input.substr(0, length));
      input.remove_prefix(length);
    }
  }
  return output;
}

// §6.2.2.1: a host is case-insensitive; its percent-encodings are
// normalised first, so that a decoded letter ("%41") is lower-cased too,
// then again, as lower-casing turned their hex digits.
std::string normalize_host(std::string_view host) {
  return normalize_percent_encoding(lower_ascii(normalize_percent_encoding(host)));
}

}  // namespace

std::string normalize_url(std::string_view url) {
  const std::string scheme = url_scheme(url);
  if (scheme != "http" && scheme != "https") return std::string(url);
  std::string_view rest = url.substr(scheme.size() + 1);
  if (!rest.starts_with("//")) return std::string(url);
  rest.remove_prefix(2);
  const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = rest.substr(authority_end);
  std::string userinfo;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = normalize_percent_encoding(authority.substr(0, at + 1));
    authority.remove_prefix(at + 1);
  }
  // The port follows the last ':' outside an IPv6 literal's brackets.
  std::string_view host = authority, port;
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  // A host with a stray ':' or bracket, or a port that is no number, is no
  // address to normalise (its parts could not be told apart again).
  const bool literal = host.starts_with('[');
  const bool bad_host = literal ? host.find(']') != host.size() - 1 : host.find_first_of(":[]") != std::string_view::npos;
  if (bad_host || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::string(url);
  }
  const bool default_port = port.empty() || (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
  const std::size_t path_end = std::min(tail.find_first_of("?#"), tail.size());
  std::string path = normalize_percent_encoding(tail.substr(0, path_end));
  path = path.empty() ? "/" : remove_dot_segments(path);
  std::string out = scheme + "://" + userinfo + normalize_host(host);
  if (!default_port) out += ":" + std::string(port);
  return out + path + normalize_percent_encoding(tail.substr(path_end));
}

std::string url_origin(std::string_view url) {
  const std::string normal = normalize_url(url);
  const std::string scheme = url_scheme(normal);
  if ((scheme != "http" && scheme != "https") || normal.compare(scheme.size(), 3, "://") != 0) return "";
  const std::size_t begin = scheme.size() + 3;
  const std::size_t end = std::min(normal.find_first_of("/?#", begin), normal.size());
  std::string_view authority = std::string_view(normal).substr(begin, end - begin);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return "";
  return scheme + "://" + std::string(authority);
}

}  // namespace newsvault
