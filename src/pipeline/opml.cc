#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {
namespace {

constexpr const char* kNewsvaultNamespace = kOpmlNamespace;

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

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : std::string(separator)) + part;
  return out;
}

void collect(xmlNode* node, std::vector<OpmlFeed>& feeds, std::vector<std::string>& folders) {
  for (xmlNode* child = node; child; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (xmlStrEqual(child->name, BAD_CAST "outline")) {
      const std::string url = attribute(child, "xmlUrl");
      if (!url.empty()) {
        OpmlFeed feed;
        feed.name = attribute(child, "title");
        if (feed.name.empty()) feed.name = attribute(child, "text");
        feed.url = url;
        feed.category = joined(folders, "/");
        feed.feed_name = namespaced_attribute(child, "name");
        feed.adapter = namespaced_attribute(child, "adapter");
        feed.full_text = namespaced_attribute(child, "full_text");
        feed.convert = namespaced_attribute(child, "convert");
        feed.min_interval_seconds = namespaced_attribute(child, "min_interval_seconds");
        feed.max_interval_seconds = namespaced_attribute(child, "max_interval_seconds");
        feeds.push_back(std::move(feed));
        continue;  // a feed's outline holds no feeds
      }
      // An outline without a feed is a folder: its title (or text) is a
      // category of the feeds inside it.
      std::string folder = attribute(child, "title");
      if (folder.empty()) folder = attribute(child, "text");
      // '/' separates a category's levels (OPML 2.0, "category").
      std::replace(folder.begin(), folder.end(), '/', '-');
      folders.push_back(folder);
      collect(child->children, feeds, folders);
      folders.pop_back();
      continue;
    }
    collect(child->children, feeds, folders);
  }
}

std::vector<std::string> split_category(std::string_view category) {
  std::vector<std::string> parts;
  while (!category.empty()) {
    const std::size_t slash = category.find('/');
    if (slash != 0) parts.emplace_back(category.substr(0, slash));
    if (slash == std::string_view::npos) break;
    category.remove_prefix(slash + 1);
  }
  return parts;
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
  std::vector<std::string> folders;
  collect(root->children, feeds, folders);
  return feeds;
}

Result<std::string> settings_from_opml(std::string_view config_text, std::string_view file_name,
                                       std::string_view name, const OpmlFeed& outline) {
  std::string text(config_text);
  const auto bad = [](std::string_view attribute, std::string_view value, std::string_view why) {
    return make_error(ErrorCode::kInvalidArgument,
                      "newsvault:" + std::string(attribute) + "=\"" + std::string(value) + "\": " + std::string(why));
  };
  const auto set = [&](std::string_view key, const std::string& literal) -> Result<void> {
    auto changed = set_feed_setting(text, file_name, name, key, literal);
    if (!changed) return std::unexpected(changed.error());
    text = std::move(*changed);
    return {};
  };
  if (!outline.full_text.empty()) {
    if (!full_text_named(outline.full_text)) {
      return bad("full_text", outline.full_text, "expected auto, always or never");
    }
    if (!outline.adapter.empty()) {
      return bad("full_text", outline.full_text, "a feed with an adapter takes its articles from the adapter");
    }
    if (auto r = set("full_text", toml_quoted(outline.full_text)); !r) return std::unexpected(r.error());
  }
  if (!outline.convert.empty()) {
    std::string literal;
    std::string_view rest = outline.convert;
    while (!rest.empty()) {
      const std::size_t space = rest.find(' ');
      const std::string_view item = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      if (item.empty()) continue;
      if (!publish::chinese_conversion_named(item)) {
        return bad("convert", outline.convert, "unknown conversion \"" + std::string(item) + "\"");
      }
      literal += (literal.empty() ? "" : ", ") + toml_quoted(item);
    }
    if (auto r = set("convert", "[" + literal + "]"); !r) return std::unexpected(r.error());
  }
  for (const auto& [key, value] : {std::pair{"min_interval_seconds", &outline.min_interval_seconds},
                                   std::pair{"max_interval_seconds", &outline.max_interval_seconds}}) {
    if (value->empty()) continue;
    const bool digits = std::all_of(value->begin(), value->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || value->size() > 9) return bad(key, *value, "expected a number of seconds");
    if (auto r = set(key, std::to_string(std::stoll(*value))); !r) {
      return bad(key, *value, r.error().message());
    }
  }
  if (!outline.name.empty() && outline.name != name) {
    if (auto r = set("title", toml_quoted(outline.name)); !r) return std::unexpected(r.error());
  }
  if (!outline.category.empty()) {
    if (auto r = set("category", toml_quoted(outline.category)); !r) return std::unexpected(r.error());
  }
  return text;
}

std::string write_opml(const std::vector<store::FeedRecord>& feeds, const Config& config) {
  struct Entry {
    std::vector<std::string> folders;
    const store::FeedRecord* feed;
    const FeedSettings* settings;
  };
  static const FeedSettings kNoSettings;
  std::vector<Entry> entries;
  for (const store::FeedRecord& feed : feeds) {
    const auto found = config.feeds.find(feed.name);
    const FeedSettings* settings = found == config.feeds.end() ? &kNoSettings : &found->second;
    entries.push_back({split_category(settings->category), &feed, settings});
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.folders < b.folders; });
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<opml version=\"2.0\" xmlns:newsvault=\"" + std::string(kNewsvaultNamespace) + "\">\n"
      "  <head><title>newsvault feeds</title></head>\n  <body>\n";
  std::vector<std::string> open;  // the folders the outlines written so far are in
  const auto indent = [&] { return std::string(4 + 2 * open.size(), ' '); };
  for (const Entry& entry : entries) {
    std::size_t shared = 0;
    while (shared < open.size() && shared < entry.folders.size() && open[shared] == entry.folders[shared]) ++shared;
    while (open.size() > shared) {
      open.pop_back();
      out += indent() + "</outline>\n";
    }
    while (open.size() < entry.folders.size()) {
      const std::string& folder = entry.folders[open.size()];
      out += indent() + "<outline text=\"" + escape_attribute(folder) + "\" title=\"" +
             escape_attribute(folder) + "\">\n";
      open.push_back(folder);
    }
    const store::FeedRecord& feed = *entry.feed;
    const FeedSettings& settings = *entry.settings;
    const std::string& title = settings.title.empty() ? feed.name : settings.title;
    out += indent() + "<outline type=\"rss\" text=\"" + escape_attribute(title) + "\" title=\"" +
           escape_attribute(title) + "\" xmlUrl=\"" + escape_attribute(feed.url) + "\"";
    if (!entry.folders.empty()) out += " category=\"/" + escape_attribute(joined(entry.folders, "/")) + "\"";
    out += " newsvault:name=\"" + escape_attribute(feed.name) + "\"";
    if (!feed.adapter.empty()) out += " newsvault:adapter=\"" + escape_attribute(feed.adapter) + "\"";
    if (settings.full_text) {
      out += " newsvault:full_text=\"" + std::string(full_text_name(*settings.full_text)) + "\"";
    }
    if (!settings.convert.empty()) {
      std::string names;
      for (const publish::ChineseConversion conversion : settings.convert) {
        names += (names.empty() ? "" : " ") + std::string(publish::chinese_conversion_name(conversion));
      }
      out += " newsvault:convert=\"" + names + "\"";
    }
    if (settings.min_interval_seconds) {
      out += " newsvault:min_interval_seconds=\"" + std::to_string(*settings.min_interval_seconds) + "\"";
    }
    if (settings.max_interval_seconds) {
      out += " newsvault:max_interval_seconds=\"" + std::to_string(*settings.max_interval_seconds) + "\"";
    }
    out += "/>\n";
  }
  while (!open.empty()) {
    open.pop_back();
    out += indent() + "</outline>\n";
  }
  out += "  </body>\n</opml>\n";
  return out;
}

}  // namespace newsvault::pipeline
