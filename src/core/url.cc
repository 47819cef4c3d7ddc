#include <libxml/uri.h>
#include <libxml/xmlmemory.h>

#include <memory>

#include "core/core.h"

namespace newsvault {
namespace {

std::string_view trim(std::string_view text) {
  const char* kSpace = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

struct XmlCharFree {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

}  // namespace

std::string resolve_url(std::string_view base, std::string_view reference) {
  reference = trim(reference);
  base = trim(base);
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
