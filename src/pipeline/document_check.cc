#include "pipeline/document_check.h"

#include "pipeline/article_record.h"
#include "pipeline/file_bytes.h"

namespace newsvault::pipeline {

Result<LatestDocument> DocumentComparer::load(const store::ArticleSummary& summary) const {
  LatestDocument latest;
  latest.summary = summary;
  auto revisions = archive_.store().revisions(summary.id);
  if (!revisions) return std::unexpected(revisions.error());
  latest.revisions = std::move(*revisions);
  if (latest.revisions.empty()) {
    latest.article =
        std::unexpected(Error(ErrorCode::kInternal, "article " + std::to_string(summary.id) + " has no revision"));
    return latest;
  }
  latest.article = article_from_json(latest.revisions.back().revision.content);
  if (!latest.article) {
    latest.article = std::unexpected(
        Error(latest.article.error().code(), "revision " + std::to_string(latest.number()) +
                                                 " cannot be read: " + latest.article.error().message()));
  }
  return latest;
}

DocumentComparison DocumentComparer::compare(const LatestDocument& latest) const {
  DocumentComparison document;
  document.path = latest.path();
  document.expected = render(*latest.article, latest.revisions.back().seen_at);
  const auto on_disk = read_whole_file(archive_.root() / document.path);
  if (!on_disk) {
    document.state = DocumentComparison::State::kMissing;
  } else if (*on_disk != document.expected && *on_disk != render_cleaned(latest)) {
    document.state = DocumentComparison::State::kDiffers;
    for (std::size_t i = 0; i + 1 < latest.revisions.size(); ++i) {
      const store::StoredRevision& older = latest.revisions[i];
      auto article = article_from_json(older.revision.content);
      if (article && render(*article, older.seen_at) == *on_disk) {
        document.state = DocumentComparison::State::kOlderRevision;
        document.older_revision = older.number;
        break;
      }
    }
  }
  return document;
}

std::vector<DocumentComparison> DocumentComparer::compare_copies(
    const LatestDocument& latest, std::vector<std::pair<std::string, std::string>>& not_compared) {
  std::vector<DocumentComparison> copies;
  for (publish::ChineseConversion conversion : conversions(latest.summary.feed_name)) {
    DocumentComparison copy;
    copy.path = publish::converted_document_path(latest.path(), conversion);
    copy.copy_of = latest.path();
    auto converter = converters_.find(conversion);
    if (converter == converters_.end()) {
      converter = converters_.emplace(conversion, publish::ChineseConverter::open(conversion)).first;
    }
    if (!converter->second) {
      not_compared.emplace_back(copy.path, converter->second.error().message());
      continue;
    }
    auto converted = publish::convert_article(*latest.article, *converter->second);
    if (!converted) continue;  // fetch reports this one and writes no copy
    copy.expected = render(*converted, latest.revisions.back().seen_at);
    const auto on_disk = read_whole_file(archive_.root() / copy.path);
    if (!on_disk) {
      copy.state = DocumentComparison::State::kMissing;
    } else if (*on_disk != copy.expected) {
      copy.state = DocumentComparison::State::kDiffers;
    }
    copies.push_back(std::move(copy));
  }
  return copies;
}

std::vector<std::string> DocumentComparer::copy_paths(const std::string& feed_name,
                                                      const std::string& path) const {
  std::vector<std::string> paths;
  for (publish::ChineseConversion conversion : conversions(feed_name)) {
    paths.push_back(publish::converted_document_path(path, conversion));
  }
  return paths;
}

// A revision saved before bodies were cleaned, written by a fetch that
// found it pending, shows its body cleaned (clean_article): asked only when
// the document is not the plain rendering, since cleaning a clean body
// changes nothing.
std::string DocumentComparer::render_cleaned(const LatestDocument& latest) const {
  extract::Article cleaned = *latest.article;
  clean_article(cleaned, archive_.config().clean);
  return render(cleaned, latest.revisions.back().seen_at);
}

std::string DocumentComparer::render(const extract::Article& article, Timestamp archived_at) const {
  return publish::render_document(article, archived_at, archive_.config().publish);
}

const std::vector<publish::ChineseConversion>& DocumentComparer::conversions(
    const std::string& feed_name) const {
  static const std::vector<publish::ChineseConversion> kNone;
  const auto settings = archive_.config().feeds.find(feed_name);
  return settings == archive_.config().feeds.end() ? kNone : settings->second.convert;
}

}  // namespace newsvault::pipeline
