// The static site from the store: the store's values handed to
// publish::write_site, revisions read back one article at a time.
#include "pipeline/article_record.h"
#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

Result<extract::Article> read_article_content(std::string_view content) { return article_from_json(content); }

Result<LocalImages> local_images(store::Store& store, const std::filesystem::path& root,
                                 const std::set<std::int64_t>* articles,
                                 const std::map<std::string, std::string>* known) {
  auto images = articles ? store.images_shown(std::vector<std::int64_t>(articles->begin(), articles->end()))
                         : store.images();
  if (!images) return std::unexpected(images.error());
  auto local = std::make_shared<std::map<std::string, std::string>>();
  for (const store::ImageRecord& image : *images) {
    if (image.sha256.empty()) continue;
    std::string path = media::media_path(image.sha256, media::extension_of(image.type));
    if (known) {
      const auto seen = known->find(image.url);
      if (seen != known->end() && seen->second == path) {
        local->emplace(image.url, std::move(path));
        continue;
      }
    }
    // Only a copy there now: a page never points at a missing file.
    std::error_code error;
    if (std::filesystem::is_regular_file(root / path, error)) local->emplace(image.url, std::move(path));
  }
  return local;
}

Result<LocalImages> local_images(Archive& archive, const std::set<std::int64_t>* articles) {
  return local_images(archive.store(), archive.root(), articles);
}

publish::LocalImagesLoader feed_out_images(Archive& archive) {
  return [&archive](const std::set<std::int64_t>& articles) { return local_images(archive, &articles); };
}

Result<publish::SiteSummary> write_site(Archive& archive, const std::set<std::int64_t>* changed,
                                        const std::vector<store::ArticleSummary>* articles) {
  store::Store& store = archive.store();
  publish::SiteSource source;
  auto feeds = store.feeds();
  if (!feeds) return std::unexpected(feeds.error());
  source.feeds = std::move(*feeds);
  if (articles) {
    source.articles = *articles;
  } else {
    auto read = store.articles(std::nullopt);
    if (!read) return std::unexpected(read.error());
    source.articles = std::move(*read);
  }
  source.changed = changed;
  source.revisions = [&store](const store::ArticleSummary& article)
      -> Result<std::vector<publish::SiteRevision>> {
    auto stored = store.revisions(article.id);
    if (!stored) return std::unexpected(stored.error());
    std::vector<publish::SiteRevision> revisions;
    for (const store::StoredRevision& revision : *stored) {
      auto decoded = article_from_json(revision.revision.content);
      if (!decoded) {
        return make_error(decoded.error().code(), "article " + std::to_string(article.id) + " revision " +
                                                      std::to_string(revision.number) + ": " +
                                                      decoded.error().message());
      }
      revisions.push_back({revision.number, revision.seen_at, std::move(*decoded),
                           revision.revision.provenance.cause, revision.revision.provenance.note,
                           revision.revision.language});
    }
    return revisions;
  };
  publish::SiteOptions options = archive.config().site;
  options.publish = archive.config().publish;
  // The images of the article pages written: with `changed`, those of the
  // changed articles and of the articles the changes page lists (whose
  // pages publish::write_site writes again each time).
  std::set<std::int64_t> rendered;
  if (changed) {
    rendered = *changed;
    for (const store::ArticleSummary& article : source.articles) {
      if (article.source_changes > 0 || article.delisted_at || article.removed_at) rendered.insert(article.id);
    }
  }
  auto local = local_images(archive, changed ? &rendered : nullptr);
  if (!local) return std::unexpected(local.error());
  options.publish.local_images = std::move(*local);
  for (const auto& [feed, settings] : archive.config().feeds) {
    if (!settings.convert.empty()) options.conversions[feed] = settings.convert;
  }
  return publish::write_site(archive.root(), source, options);
}

}  // namespace newsvault::pipeline
