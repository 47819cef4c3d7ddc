// Which articles each feed out lists, and writing the files.
//
//   store articles ─► newest max_items per feed ─┬─► {feed}/atom.xml rss.xml feed.json
//                  └► newest max_items overall ──┴─► atom.xml rss.xml feed.json
#include <algorithm>
#include <map>

#include "publish/archive_paths.h"
#include "publish/feed_out.h"
#include "publish/markdown.h"

namespace newsvault::publish {
namespace {

constexpr FeedFormat kFormats[] = {FeedFormat::kAtom, FeedFormat::kRss, FeedFormat::kJsonFeed};

// Newest first by publication (else first-seen) time; the document path
// breaks ties, so that the order, and the bytes, never depend on the clock.
bool newer(const store::ArticleSummary& a, const store::ArticleSummary& b) {
  const Timestamp time_a = a.published.value_or(a.first_seen);
  const Timestamp time_b = b.published.value_or(b.first_seen);
  if (time_a != time_b) return time_a > time_b;
  return a.document_path < b.document_path;
}

// Loads each article once, though it is in its feed's feed out and the
// whole archive's.
class ArticleCache {
 public:
  explicit ArticleCache(const ArticleLoader& load) : load_(load) {}

  Result<std::vector<ArchivedArticle>> newest(std::vector<const store::ArticleSummary*> summaries,
                                              std::size_t limit) {
    std::ranges::sort(summaries, [](const auto* a, const auto* b) { return newer(*a, *b); });
    if (summaries.size() > limit) summaries.resize(limit);
    std::vector<ArchivedArticle> items;
    for (const store::ArticleSummary* summary : summaries) {
      auto found = loaded_.find(summary->id);
      if (found == loaded_.end()) {
        auto article = load_(*summary);
        if (!article) return std::unexpected(article.error());
        found = loaded_.emplace(summary->id, std::move(*article)).first;
      }
      items.push_back({*summary, found->second});
    }
    return items;
  }

 private:
  const ArticleLoader& load_;
  std::map<std::int64_t, extract::Article> loaded_;
};

}  // namespace

std::string_view feed_out_file_name(FeedFormat format) {
  switch (format) {
    case FeedFormat::kAtom: return "atom.xml";
    case FeedFormat::kRss: return "rss.xml";
    case FeedFormat::kJsonFeed: return "feed.json";
  }
  return "feed.json";
}

std::string render_feed_out(const FeedOut& feed, FeedFormat format, const PublishOptions& options,
                            const FeedsOutOptions& feeds_out) {
  switch (format) {
    case FeedFormat::kAtom: return render_atom(feed, options, feeds_out);
    case FeedFormat::kRss: return render_rss(feed, options, feeds_out);
    case FeedFormat::kJsonFeed: return render_json_feed(feed, options, feeds_out);
  }
  return {};
}

Result<std::vector<std::string>> write_feeds_out(const std::filesystem::path& root,
                                                 const std::vector<store::FeedRecord>& feeds,
                                                 const std::vector<store::ArticleSummary>& articles,
                                                 const ArticleLoader& load,
                                                 const PublishOptions& options,
                                                 const FeedsOutOptions& feeds_out) {
  // An article whose document is not written yet has no archived copy to link.
  std::vector<const store::ArticleSummary*> all;
  for (const store::ArticleSummary& article : articles) {
    if (!article.document_path.empty()) all.push_back(&article);
  }
  std::vector<FeedOut> outs;
  ArticleCache cache(load);
  for (const store::FeedRecord& feed : feeds) {
    std::vector<const store::ArticleSummary*> own;
    for (const store::ArticleSummary* article : all) {
      if (article->feed_id == feed.id) own.push_back(article);
    }
    auto items = cache.newest(std::move(own), feeds_out.max_items);
    if (!items) return std::unexpected(items.error());
    outs.push_back({feed_folder(feed.name), feed.name,
                    "urn:newsvault:feed:" + encode_uri_component(feed.name), feed.url, std::move(*items)});
  }
  auto items = cache.newest(all, feeds_out.max_items);
  if (!items) return std::unexpected(items.error());
  outs.push_back({"", "Archive", "urn:newsvault:archive", "", std::move(*items)});

  std::vector<std::string> written;
  for (const FeedOut& out : outs) {
    for (FeedFormat format : kFormats) {
      std::string path(feed_out_file_name(format));
      if (!out.folder.empty()) path = out.folder + "/" + path;
      auto wrote = write_file_atomically(root, path, render_feed_out(out, format, options, feeds_out),
                                         Durability::kBatched);
      if (!wrote) return std::unexpected(wrote.error());
      written.push_back(std::move(path));
    }
  }
  if (auto synced = sync_archive(root); !synced) return std::unexpected(synced.error());
  return written;
}

}  // namespace newsvault::publish
