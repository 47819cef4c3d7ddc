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
