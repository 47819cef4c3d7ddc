#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {
namespace {

constexpr const char* kNewsvaultNamespace = "https://newsvault.invalid/opml";

struct DocumentFree {
  void operator()(xmlDoc* document) const { xmlFreeDoc(document); }
};
struct XmlCharFree {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

std::string attribute(xmlNode* node, const char* name) {
  std::unique_ptr<xmlChar, XmlCharFree> value(xmlGetProp(node, BAD_CAST name));
  return value ? std::string(reinterpret_cast<const char*>(value.get())) : std::string();
}

std::string namespaced_attribute(xmlNode* node, const char* name) {
  std::unique_ptr<xmlChar, XmlCharFree> value(
      xmlGetNsProp(node, BAD_CAST name, BAD_CAST kNewsvaultNamespace));
  return value ? std::string(reinterpret_cast<const char*>(value.get())) : std::string();
}

void collect(xmlNode* node, std::vector<OpmlFeed>& feeds) {
  for (xmlNode* child = node; child; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (xmlStrEqual(child->name, BAD_CAST "outline")) {
      const std::string url = attribute(child, "xmlUrl");
      if (!url.empty()) {
        std::string name = attribute(child, "title");
        if (name.empty()) name = attribute(child, "text");
        feeds.push_back({name, url, namespaced_attribute(child, "adapter")});
      }
    }
    collect(child->children, feeds);
  }
}

std::string escape_attribute(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<OpmlFeed>> read_opml(std::string_view bytes, std::string_view source_name) {
  const std::string name(source_name);
  std::unique_ptr<xmlDoc, DocumentFree> document(
      xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), name.c_str(), nullptr,
                    XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  xmlNode* root = document ? xmlDocGetRootElement(document.get()) : nullptr;
  if (!root || !xmlStrEqual(root->name, BAD_CAST "opml")) {
    return make_error(ErrorCode::kParse, name + ": not an OPML document (no <opml> root element)");
  }
  std::vector<OpmlFeed> feeds;
  collect(root->children, feeds);
  return feeds;
}

std::string write_opml(const std::vector<store::FeedRecord>& feeds) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<opml version=\"2.0\" xmlns:newsvault=\"" + std::string(kNewsvaultNamespace) + "\">\n"
      "  <head><title>newsvault feeds</title></head>\n  <body>\n";
  for (const store::FeedRecord& feed : feeds) {
    out += "    <outline type=\"rss\" text=\"" + escape_attribute(feed.name) + "\" title=\"" +
           escape_attribute(feed.name) + "\" xmlUrl=\"" + escape_attribute(feed.url) + "\"";
    if (!feed.adapter.empty()) out += " newsvault:adapter=\"" + escape_attribute(feed.adapter) + "\"";
    out += "/>\n";
  }
  out += "  </body>\n</opml>\n";
  return out;
}

}  // namespace newsvault::pipeline
