#include <libxml/uri.h>
#include <libxml/xmlmemory.h>

#include <memory>

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

}  // namespace newsvault
