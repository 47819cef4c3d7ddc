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

// Feeds out rendered and written at once, on every core; the store is
// read between batches, from this thread. A batch bounds the memory: its
// feeds' newest articles, not the archive's.
constexpr std::size_t kFeedsPerBatch = 64;

std::vector<const store::ArticleSummary*> newest(std::vector<const store::ArticleSummary*> summaries,
                                                 std::size_t limit) {
  std::ranges::sort(summaries, [](const auto* a, const auto* b) { return newer(*a, *b); });
  if (summaries.size() > limit) summaries.resize(limit);
  return summaries;
}

Result<std::vector<ArchivedArticle>> load_items(const std::vector<const store::ArticleSummary*>& summaries,
                                                const ArticleLoader& load) {
  std::vector<ArchivedArticle> items;
  items.reserve(summaries.size());
  for (const store::ArticleSummary* summary : summaries) {
    auto article = load(*summary);
    if (!article) return std::unexpected(article.error());
    items.push_back({*summary, std::move(*article), {}});
  }
  return items;
}

std::string feed_out_path(const FeedOut& out, FeedFormat format) {
  std::string path(feed_out_file_name(format));
  return out.folder.empty() ? path : out.folder + "/" + path;
}

// Renders each item's body once for the three formats, then writes them.
Result<void> write_feed_out(const std::filesystem::path& root, FeedOut& out,
                            const PublishOptions& options, const FeedsOutOptions& feeds_out) {
  for (ArchivedArticle& item : out.articles) item.html = item_html(item, options);
  for (FeedFormat format : kFormats) {
    auto wrote = write_file_atomically(root, feed_out_path(out, format), render_feed_out(out, format, options, feeds_out),
                                       Durability::kBatched);
    if (!wrote) return wrote;
  }
  return {};
}

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
                                                 const FeedsOutOptions& feeds_out,
                                                 const std::set<std::int64_t>* changed,
                                                 const LocalImagesLoader& local_images) {
  // An article whose document is not written yet has no archived copy to link.
  std::vector<const store::ArticleSummary*> all;
  for (const store::ArticleSummary& article : articles) {
    if (!article.document_path.empty()) all.push_back(&article);
  }
  std::map<std::int64_t, std::vector<const store::ArticleSummary*>> by_feed;
  for (const store::ArticleSummary* article : all) {
    if (article->feed_ids.empty()) by_feed[article->feed_id].push_back(article);
    for (std::int64_t feed_id : article->feed_ids) by_feed[feed_id].push_back(article);
  }

  // Index i < feeds.size() is that feed's feed out; the last, the
  // archive's. nullopt: none of its items changed, its files stay.
  struct Shown {
    FeedOut out;
    PublishOptions options;  // with the local copies of its items' images
  };
  auto feed_out = [&](std::size_t i) -> Result<std::optional<Shown>> {
    std::vector<const store::ArticleSummary*> chosen;
    if (i == feeds.size()) {
      chosen = newest(all, feeds_out.max_items);
    } else if (const auto own = by_feed.find(feeds[i].id); own != by_feed.end()) {
      chosen = newest(own->second, feeds_out.max_items);
    }
    const bool due = changed == nullptr ||
                     std::ranges::any_of(chosen, [&](const auto* article) { return changed->contains(article->id); });
    if (!due) return std::nullopt;
    auto items = load_items(chosen, load);
    if (!items) return std::unexpected(items.error());
    Shown shown{i == feeds.size()
                    ? FeedOut{"", "Archive", "urn:newsvault:archive", "", std::move(*items)}
                    : FeedOut{feed_folder(feeds[i].name), feeds[i].name,
                              "urn:newsvault:feed:" + encode_uri_component(feeds[i].name), feeds[i].url,
                              std::move(*items)},
                options};
    if (local_images) {
      std::set<std::int64_t> ids;
      for (const store::ArticleSummary* article : chosen) ids.insert(article->id);
      auto local = local_images(ids);
      if (!local) return std::unexpected(local.error());
      shown.options.local_images = std::move(*local);
      shown.options.local_image_base = local_image_base(shown.out, feeds_out);
    }
    return shown;
  };

  std::vector<std::string> written;
  const std::size_t count = feeds.size() + 1;
  for (std::size_t first = 0; first < count; first += kFeedsPerBatch) {
    std::vector<Shown> batch;
    for (std::size_t i = first; i < std::min(count, first + kFeedsPerBatch); ++i) {
      auto out = feed_out(i);
      if (!out) return std::unexpected(out.error());
      if (*out) batch.push_back(std::move(**out));
    }
    std::vector<Result<void>> results(batch.size());
    parallel_for(batch.size(), [&](std::size_t i) {
      results[i] = write_feed_out(root, batch[i].out, batch[i].options, feeds_out);
    });
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!results[i]) return std::unexpected(results[i].error());
      for (FeedFormat format : kFormats) written.push_back(feed_out_path(batch[i].out, format));
    }
  }
  const std::string changes = render_changes_atom(archive_changes(all, feeds_out.max_items), feeds_out);
  if (auto wrote = write_file_atomically(root, std::string(kChangesFeedFileName), changes, Durability::kBatched);
      !wrote) {
    return std::unexpected(wrote.error());
  }
  written.emplace_back(kChangesFeedFileName);
  if (auto synced = sync_archive(root); !synced) return std::unexpected(synced.error());
  return written;
}

std::vector<ArchiveChange> archive_changes(const std::vector<const store::ArticleSummary*>& articles,
                                           std::size_t limit) {
  std::vector<ArchiveChange> changes;
  for (const store::ArticleSummary* article : articles) {
    if (article->source_changes > 0) {
      changes.push_back({ArchiveChange::Kind::kChanged, article->last_changed, article});
    }
    if (article->removed_at) {
      changes.push_back({ArchiveChange::Kind::kRemoved, *article->removed_at, article});
    } else if (article->delisted_at) {
      changes.push_back({ArchiveChange::Kind::kDelisted, *article->delisted_at, article});
    }
  }
  // Newest first; the document path and the kind break ties, so the bytes
  // never depend on the store's order.
  std::ranges::sort(changes, [](const ArchiveChange& a, const ArchiveChange& b) {
    if (a.when != b.when) return a.when > b.when;
    if (a.article->document_path != b.article->document_path) {
      return a.article->document_path < b.article->document_path;
    }
    return a.kind < b.kind;
  });
  if (changes.size() > limit) changes.resize(limit);
  return changes;
}

}  // namespace newsvault::publish
