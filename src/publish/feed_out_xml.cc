// Atom 1.0 (RFC 4287) and RSS 2.0 feeds out, written with libxml2's
// xmlTextWriter: it escapes every text and attribute, so no title or body
// can break the markup.
//
//   <feed xmlns="http://www.w3.org/2005/Atom">      <rss version="2.0">
//     id title updated link author generator          <channel> title link description ...
//     <entry> id title published updated              <item> title link guid pubDate
//       link(alternate: archived copy, via: source)     atom:link rel=via (source)
//       category content type=html                      category description (the body)
#include <libxml/xmlwriter.h>

#include <memory>
#include <new>

#include "publish/feed_out.h"
#include "publish/markdown.h"

namespace newsvault::publish {
namespace {

constexpr const char* kAtomNamespace = "http://www.w3.org/2005/Atom";
constexpr const char* kGenerator = "newsvault";

const xmlChar* xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

// One document in memory. The buffer outlives the writer, which flushes
// into it when freed.
class XmlWriter {
 public:
  XmlWriter()
      : buffer_(xmlBufferCreate()), writer_(xmlNewTextWriterMemory(buffer_.get(), 0)) {
    if (!buffer_ || !writer_) throw std::bad_alloc();
    xmlTextWriterSetIndent(writer_.get(), 1);
    xmlTextWriterSetIndentString(writer_.get(), xml("  "));
    xmlTextWriterStartDocument(writer_.get(), "1.0", "UTF-8", nullptr);
  }

  void start(const char* name) { xmlTextWriterStartElement(writer_.get(), xml(name)); }
  void end() { xmlTextWriterEndElement(writer_.get()); }
  void attribute(const char* name, std::string_view value) {
    xmlTextWriterWriteAttribute(writer_.get(), xml(name), xml(xml_safe_text(value).c_str()));
  }
  void text(std::string_view text) {
    xmlTextWriterWriteString(writer_.get(), xml(xml_safe_text(text).c_str()));
  }
  // Text made XML-safe already (item_html): a body is not scanned twice.
  void safe_text(const std::string& text) { xmlTextWriterWriteString(writer_.get(), xml(text.c_str())); }
  void element(const char* name, std::string_view text) {
    xmlTextWriterWriteElement(writer_.get(), xml(name), xml(xml_safe_text(text).c_str()));
  }
  // <name a="v" .../> with attributes only.
  void empty_element(const char* name,
                     std::initializer_list<std::pair<const char*, std::string_view>> attributes) {
    start(name);
    for (const auto& [attribute_name, value] : attributes) attribute(attribute_name, value);
    end();
  }

  std::string finish() {
    xmlTextWriterEndDocument(writer_.get());
    writer_.reset();  // flushes into the buffer
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())),
                       static_cast<std::size_t>(xmlBufferLength(buffer_.get())));
  }

 private:
  struct BufferFree {
    void operator()(xmlBuffer* buffer) const { xmlBufferFree(buffer); }
  };
  struct WriterFree {
    void operator()(xmlTextWriter* writer) const { xmlFreeTextWriter(writer); }
  };
  std::unique_ptr<xmlBuffer, BufferFree> buffer_;
  std::unique_ptr<xmlTextWriter, WriterFree> writer_;
};

std::string item_title(const ArchivedArticle& item) {
  return item.article.title.empty() ? item.article.url : item.article.title;
}

}  // namespace

std::string render_changes_atom(const std::vector<ArchiveChange>& changes,
                                const FeedsOutOptions& feeds_out) {
  // The links are the root feeds' own: to the documents, from the root.
  const FeedOut root{"", "Changes", "urn:newsvault:changes", "", {}};
  XmlWriter out;
  out.start("feed");
  out.attribute("xmlns", kAtomNamespace);
  out.element("id", root.id);
  out.element("title", "Archive changes: edits at the source, delistings and removals");
  out.element("updated", format_iso8601_millis(changes.empty() ? Timestamp() : changes.front().when));
  out.empty_element("link", {{"rel", "alternate"}, {"type", "text/markdown"},
                             {"href", feed_folder_link(root, "README.md", feeds_out)}});
  out.start("author");
  out.element("name", "newsvault");
  out.end();
  out.element("generator", kGenerator);
  for (const ArchiveChange& change : changes) {
    const store::ArticleSummary& article = *change.article;
    const ArchivedArticle item{article, {}, {}};
    std::string event;
    std::string title;
    std::string text;
    switch (change.kind) {
      case ArchiveChange::Kind::kChanged:
        event = "revision:" + std::to_string(article.revisions);
        title = "Changed at the source: ";
        text = std::to_string(article.source_changes + 1) + " versions from the source are archived (" +
               std::to_string(article.revisions) + " revisions in all).";
        break;
      case ArchiveChange::Kind::kDelisted:
        event = "delisted:" + std::to_string(change.when.time_since_epoch().count());
        title = "No longer listed: ";
        text = "No longer listed by its feed since " + format_iso8601_seconds(change.when) +
               ", while older articles still are. The archived copy stays.";
        break;
      case ArchiveChange::Kind::kRemoved:
        event = "removed:" + std::to_string(change.when.time_since_epoch().count());
        title = "Removed at the source: ";
        text = "Found gone " + format_iso8601_seconds(change.when) +
               (article.removed_reason.empty() ? std::string() : " (" + article.removed_reason + ")") +
               ". The archived copy stays.";
        break;
    }
    out.start("entry");
    out.element("id", feed_out_item_id(item) + ":" + event);
    out.start("title");
    out.attribute("type", "text");
    out.text(xml_safe_text(title + (article.title.empty() ? article.url : article.title)));
    out.end();
    out.element("updated", format_iso8601_millis(change.when));
    out.empty_element("link", {{"rel", "alternate"}, {"type", "text/markdown"},
                               {"href", archived_copy_link(root, item, feeds_out)}});
    if (!article.url.empty()) {
      out.empty_element("link", {{"rel", "via"}, {"href", percent_encode_url(article.url)}});
    }
    out.empty_element("category", {{"term", article.feed_name}});
    out.start("summary");
    out.attribute("type", "text");
    out.text(xml_safe_text(text));
    out.end();
    out.end();
  }
  out.end();
  return out.finish();
}

std::string render_atom(const FeedOut& feed, const PublishOptions& options,
                        const FeedsOutOptions& feeds_out) {
  XmlWriter out;
  out.start("feed");
  out.attribute("xmlns", kAtomNamespace);
  out.element("id", feed.id);
  out.element("title", feed.title);
  out.element("updated", format_iso8601_millis(feed_updated_time(feed)));
  out.empty_element("link", {{"rel", "alternate"}, {"type", "text/markdown"},
                             {"href", feed_folder_link(feed, "README.md", feeds_out)}});
  if (const std::string self = absolute_feed_link(feed, FeedFormat::kAtom, feeds_out); !self.empty()) {
    out.empty_element("link", {{"rel", "self"}, {"type", "application/atom+xml"}, {"href", self}});
  }
  if (!feed.source_url.empty()) out.empty_element("link", {{"rel", "via"}, {"href", percent_encode_url(feed.source_url)}});
  // RFC 4287 §4.1.1: a feed whose entries name no author names one itself.
  out.start("author");
  out.element("name", feed.title);
  out.end();
  out.element("generator", kGenerator);
  for (const ArchivedArticle& item : feed.articles) {
    out.start("entry");
    out.element("id", feed_out_item_id(item));
    out.start("title");
    out.attribute("type", "text");
    out.text(item_title(item));
    out.end();
    out.element("published", format_iso8601_millis(published_time(item)));
    out.element("updated", format_iso8601_millis(updated_time(item)));
    out.empty_element("link", {{"rel", "alternate"}, {"type", "text/markdown"},
                               {"href", archived_copy_link(feed, item, feeds_out)}});
    if (!item.article.url.empty()) out.empty_element("link", {{"rel", "via"}, {"href", source_link(item)}});
    out.empty_element("category", {{"term", item.summary.feed_name}});
    out.start("content");
    out.attribute("type", "html");
    out.safe_text(item_html(item, options));
    out.end();
    out.end();
  }
  out.end();
  return out.finish();
}

std::string render_rss(const FeedOut& feed, const PublishOptions& options,
                       const FeedsOutOptions& feeds_out) {
  XmlWriter out;
  out.start("rss");
  out.attribute("version", "2.0");
  out.attribute("xmlns:atom", kAtomNamespace);
  out.start("channel");
  out.element("title", feed.title);
  out.element("link", feed_folder_link(feed, "README.md", feeds_out));
  out.element("description", feed.source_url.empty()
                                 ? "Every archived feed's newest articles"
                                 : "The archived copy of " + feed.source_url);
  if (const std::string self = absolute_feed_link(feed, FeedFormat::kRss, feeds_out); !self.empty()) {
    out.empty_element("atom:link", {{"rel", "self"}, {"type", "application/rss+xml"}, {"href", self}});
  }
  out.element("lastBuildDate", format_rfc822(feed_updated_time(feed)));
  out.element("generator", kGenerator);
  for (const ArchivedArticle& item : feed.articles) {
    out.start("item");
    out.element("title", item_title(item));
    out.element("link", archived_copy_link(feed, item, feeds_out));
    out.start("guid");
    out.attribute("isPermaLink", "false");
    out.text(feed_out_item_id(item));
    out.end();
    out.element("pubDate", format_rfc822(published_time(item)));
    // RSS 2.0 has no updated time of its own; Atom's element says it.
    out.element("atom:updated", format_iso8601_millis(updated_time(item)));
    if (!item.article.url.empty()) {
      out.empty_element("atom:link", {{"rel", "via"}, {"href", source_link(item)}});
    }
    out.element("category", item.summary.feed_name);
    out.start("description");
    out.safe_text(item_html(item, options));
    out.end();
    out.end();
  }
  out.end();
  out.end();
  return out.finish();
}

}  // namespace newsvault::publish
