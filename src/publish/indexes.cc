// The archive's index files: {feed}/README.md per feed listing its months,
// {feed}/YYYY/MM/README.md per month listing its articles, and README.md at
// the root, Markdown that code hosts render as the folder's front page.
//
//   {feed}/README.md:          # name / Source: [url](url) / - [2023-06](2023/06/README.md): N articles ...
//   {feed}/YYYY/MM/README.md:  # name, 2023-06 / - 2023-06-19 [title](19-key.md) ...
//   README.md:         # Archive / - [name](name/README.md): N articles, latest DATE [title](...)
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
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

// "2023/06": the month folder an article is listed under, by its
// publication (else first-seen) time, as its document's folder.
std::string month_folder(const store::ArticleSummary& article) {
  const std::string day = format_day(article_time(article));  // "2023-06-19"
  return day.substr(0, 4) + "/" + day.substr(5, 2);
}

// A feed's articles by month folder, newest month first; each month keeps
// the feed's order (newest first).
using Months = std::map<std::string, std::vector<const store::ArticleSummary*>, std::greater<>>;

Months by_month(const std::vector<const store::ArticleSummary*>& listed) {
  Months months;
  for (const store::ArticleSummary* article : listed) months[month_folder(*article)].push_back(article);
  return months;
}

// {feed}/README.md: the feed's source and its months, newest first, each
// linking its own index. Small whatever the archive's age: a line a month.
std::string feed_index(const store::FeedRecord& feed, const Months& months) {
  std::string index = "# " + markdown_link_text(feed.name) + "\n\n";
  if (!feed.url.empty()) index += "Source: " + link(feed.url, feed.url) + "\n\n";
  if (months.empty()) index += "No articles yet.\n";
  for (const auto& [month, articles] : months) {
    std::string label = month;
    label[4] = '-';
    index += "- " + link(label, month + "/README.md") + ": " + count_text(articles.size()) + "\n";
  }
  return index;
}

// {feed}/YYYY/MM/README.md: one line per article of that month, newest
// first (date, linked title, what became of it at its source).
std::string month_index(const store::FeedRecord& feed, const std::string& month,
                        const std::vector<const store::ArticleSummary*>& listed) {
  const std::string folder = feed_folder(feed.name) + "/" + month;
  std::string label = month;
  label[4] = '-';
  std::string index = "# " + markdown_link_text(feed.name) + ", " + label + "\n\n" +
                      link("All months", "../../README.md") + "\n\n";
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

// A feed's indexes: its README.md always (a line a month, so cheap to
// compare), and each month's index that holds a changed article or is
// missing (the first run after indexes were split by month writes them
// all). Everything when `changed` is null.
Result<void> write_feed_indexes(const std::filesystem::path& root, const store::FeedRecord& feed,
                                const std::vector<const store::ArticleSummary*>& listed,
                                const std::set<std::int64_t>* changed) {
  const std::string folder = feed_folder(feed.name);
  const Months months = by_month(listed);
  for (const auto& [month, articles] : months) {
    const std::string path = folder + "/" + month + "/README.md";
    const bool due = changed == nullptr || !std::filesystem::exists(root / path) ||
                     std::ranges::any_of(articles, [&](const auto* article) { return changed->contains(article->id); });
    if (!due) continue;
    if (auto written = write_file_atomically(root, path, month_index(feed, month, articles), Durability::kBatched);
        !written) {
      return written;
    }
  }
  return write_file_atomically(root, folder + "/README.md", feed_index(feed, months), Durability::kBatched);
}

}  // namespace

Result<void> write_indexes(const std::filesystem::path& root,
                           const std::vector<store::FeedRecord>& feeds,
                           const std::vector<store::ArticleSummary>& articles,
                           const std::set<std::int64_t>* changed) {
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
    results[i] = write_feed_indexes(root, *feed, listed.at(feed), changed);
  });
  for (const Result<void>& written : results) {
    if (!written) return written;
  }
  return write_file_atomically(root, "README.md", root_index(sorted, listed), Durability::kBatched);
}

bool is_index_before_months(std::string_view feed_index) {
  // The old form links documents ("(2023/06/19-key.md)"); the new one links
  // months ("(2023/06/README.md)") or says "No articles yet.".
  return feed_index.find("/README.md)") == std::string_view::npos && feed_index.find(".md)") != std::string_view::npos;
}

bool indexes_before_months(const std::filesystem::path& root, const std::vector<store::FeedRecord>& feeds) {
  return std::ranges::any_of(feeds, [&](const store::FeedRecord& feed) {
    std::ifstream file(root / feed_folder(feed.name) / "README.md", std::ios::binary);
    if (!file) return false;
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    return is_index_before_months(text);
  });
}

}  // namespace newsvault::publish
