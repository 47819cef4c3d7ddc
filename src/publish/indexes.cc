// The archive's index files: {feed}/README.md per feed and README.md at the
// root, Markdown that code hosts render as the folder's front page.
//
//   {feed}/README.md:  # name / Source: [url](url) / - 2023-06-19 [title](2023/06/19-key.md) ...
//   README.md:         # Archive / - [name](name/README.md): N articles, latest DATE [title](...)
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "publish/archive_paths.h"
#include "publish/markdown.h"
#include "publish/publish.h"

namespace newsvault::publish {
namespace {

Timestamp article_time(const store::ArticleSummary& article) {
  return article.published.value_or(article.first_seen);
}

// The path of `document` (relative to the archive root) from `folder`.
std::string relative_to(std::string_view folder, const std::string& document) {
  const std::string prefix = std::string(folder) + "/";
  if (document.starts_with(prefix)) return document.substr(prefix.size());
  return std::filesystem::path(document).lexically_relative(folder).generic_string();
}

std::string link(std::string_view text, std::string_view destination) {
  return "[" + markdown_link_text(text) + "](" + markdown_link_destination(destination) + ")";
}

std::string title_of(const store::ArticleSummary& article) {
  const std::string text = markdown_link_text(article.title);
  return text.empty() ? article.url : article.title;
}

// After an article's link: what became of it at its source.
std::string status_note(const store::ArticleSummary& article) {
  if (article.removed_at) {
    std::string note = " (removed at the source " + format_day(*article.removed_at);
    if (!article.removed_reason.empty()) note += ": " + markdown_link_text(article.removed_reason);
    return note + ")";
  }
  if (article.delisted_at) return " (no longer listed since " + format_day(*article.delisted_at) + ")";
  return "";
}

std::string count_text(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " article" : " articles");
}

// Each feed's articles, newest first; the document path breaks ties, so the
// order is stable. One pass over the articles, however many feeds there are.
std::map<const store::FeedRecord*, std::vector<const store::ArticleSummary*>> articles_by_feed(
    const std::vector<const store::FeedRecord*>& feeds,
    const std::vector<store::ArticleSummary>& articles) {
  std::map<const store::FeedRecord*, std::vector<const store::ArticleSummary*>> listed;
  std::unordered_map<std::int64_t, const store::FeedRecord*> by_id;
  std::unordered_map<std::string_view, const store::FeedRecord*> by_name;
  for (const store::FeedRecord* feed : feeds) {
    listed[feed];
    if (feed->id != 0) by_id.emplace(feed->id, feed);
    by_name.emplace(feed->name, feed);
  }
  for (const store::ArticleSummary& article : articles) {
    // An article whose document is not written yet has nothing to link to.
    if (article.document_path.empty()) continue;
    // Every feed that lists it (the store fills feed_ids; records made by
    // hand may give only feed_id).
    bool placed = false;
    for (std::int64_t feed_id : article.feed_ids) {
      const auto with_id = by_id.find(feed_id);
      if (feed_id == 0 || with_id == by_id.end()) continue;
      listed[with_id->second].push_back(&article);
      placed = true;
    }
    if (placed) continue;
    const auto with_id = by_id.find(article.feed_id);
    if (article.feed_id != 0 && with_id != by_id.end()) {
      listed[with_id->second].push_back(&article);
    } else if (const auto with_name = by_name.find(article.feed_name);
               with_name != by_name.end() && (article.feed_id == 0 || with_name->second->id == 0)) {
      // Records without ids (made by hand, not read from a store) match by name.
      listed[with_name->second].push_back(&article);
    }
  }
  for (auto& [feed, list] : listed) {
    std::ranges::sort(list, [](const store::ArticleSummary* a, const store::ArticleSummary* b) {
      const Timestamp time_a = article_time(*a);
      const Timestamp time_b = article_time(*b);
      if (time_a != time_b) return time_a > time_b;
      return a->document_path < b->document_path;
    });
  }
  return listed;
}

std::string feed_index(const store::FeedRecord& feed,
                       const std::vector<const store::ArticleSummary*>& listed) {
  const std::string folder = feed_folder(feed.name);
  std::string index = "# " + markdown_link_text(feed.name) + "\n\n";
  if (!feed.url.empty()) index += "Source: " + link(feed.url, feed.url) + "\n\n";
  if (listed.empty()) index += "No articles yet.\n";
  for (const store::ArticleSummary* article : listed) {
    index += "- " + format_day(article_time(*article)) + " " +
             link(title_of(*article), relative_to(folder, article->document_path)) +
             status_note(*article) + "\n";
  }
  return index;
}

std::string root_index(
    const std::vector<const store::FeedRecord*>& feeds,
    const std::map<const store::FeedRecord*, std::vector<const store::ArticleSummary*>>& listed) {
  std::string index = "# Archive\n\n";
  if (feeds.empty()) index += "No feeds yet.\n";
  for (const store::FeedRecord* feed : feeds) {
    const auto& articles = listed.at(feed);
    index += "- " + link(feed->name, feed_folder(feed->name) + "/README.md") + ": " +
             count_text(articles.size());
    if (!articles.empty()) {
      const store::ArticleSummary& latest = *articles.front();
      index += ", latest " + format_day(article_time(latest)) + " " +
               link(title_of(latest), latest.document_path);
    }
    index += "\n";
  }
  return index;
}

}  // namespace

Result<void> write_indexes(const std::filesystem::path& root,
                           const std::vector<store::FeedRecord>& feeds,
                           const std::vector<store::ArticleSummary>& articles) {
  std::vector<const store::FeedRecord*> sorted;
  for (const store::FeedRecord& feed : feeds) sorted.push_back(&feed);
  std::ranges::sort(sorted, [](const store::FeedRecord* a, const store::FeedRecord* b) {
    return a->name < b->name;
  });

  const auto listed = articles_by_feed(sorted, articles);
  // Feeds' indexes on every core (an archive may have a thousand feeds);
  // the first failure in order is reported.
  std::vector<Result<void>> results(sorted.size());
  parallel_for(sorted.size(), [&](std::size_t i) {
    const store::FeedRecord* feed = sorted[i];
    results[i] = write_file_atomically(root, feed_folder(feed->name) + "/README.md",
                                       feed_index(*feed, listed.at(feed)), Durability::kBatched);
  });
  for (const Result<void>& written : results) {
    if (!written) return written;
  }
  return write_file_atomically(root, "README.md", root_index(sorted, listed), Durability::kBatched);
}

}  // namespace newsvault::publish
