// The static site: pages rendered from the store's values, written into
// the site's folder.
//
//   SiteSource ─► per article: revisions ─► article page
//                                       └─► changes section (when changed or delisted)
//             ─► home, feed indexes, day indexes, changes page, style.css
//             ─► write each (atomic, unchanged left alone) ─► remove stale pages
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <vector>

#include "core/html.h"
#include "publish/archive_paths.h"
#include "publish/markdown.h"
#include "publish/publish.h"
#include "publish/site_diff.h"
#include "publish/site_locale.h"
#include "publish/site_search.h"
#include "publish/site_style.h"

namespace newsvault::publish {
namespace {

constexpr std::size_t kLatestOnHome = 30;

std::string attribute(std::string_view value) { return html::escape_attribute(value); }
std::string text(std::string_view value) { return escape_html_text(value); }

// The address of site page `to` from site page `from` (both relative to
// the site's folder, '/'-separated, `to` perhaps with a #fragment): up to
// the site's folder, then down, each segment percent-encoded. Relative, so
// the site works from file:// and under any path of any host.
std::string href(std::string_view from, std::string_view to) {
  std::string out;
  for (char c : from) {
    if (c == '/') out += "../";
  }
  const std::size_t hash = to.find('#');
  const std::string_view path = to.substr(0, hash);
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (start > 0) out += '/';
    out += encode_uri_component(path.substr(start, end - start));
    start = end + 1;
  }
  if (hash != std::string_view::npos) out += to.substr(hash);
  return out;
}

std::string link(std::string_view from, std::string_view to, std::string_view label) {
  return "<a href=\"" + attribute(href(from, to)) + "\">" + text(label) + "</a>";
}

// A source's address as a link target, only when it is http(s): a feed
// could give "javascript:..." as an article's link.
std::optional<std::string> external_href(std::string_view url) {
  const std::size_t first = url.find_first_not_of(" \t\r\n\f");
  if (first == std::string_view::npos) return std::nullopt;
  url = url.substr(first, url.find_last_not_of(" \t\r\n\f") - first + 1);
  const std::string scheme = lower_ascii(url.substr(0, 8));
  if (!scheme.starts_with("https://") && !scheme.starts_with("http://")) return std::nullopt;
  return percent_encode_url(url);
}

std::string source_link(std::string_view url, std::string_view label) {
  const auto target = external_href(url);
  if (!target) return text(url);
  return "<a href=\"" + attribute(*target) + "\" rel=\"noreferrer nofollow\">" + text(label) + "</a>";
}

std::string day_element(const SiteLocale& locale, Timestamp time) {
  return "<time datetime=\"" + format_day(time) + "\">" + locale.day_text(format_day(time)) + "</time>";
}

Timestamp article_time(const store::ArticleSummary& article) {
  return article.published.value_or(article.first_seen);
}

std::string title_of(const store::ArticleSummary& article) {
  return article.title.empty() ? article.url : article.title;
}

std::string feed_index_page(std::string_view feed_name) {
  return "feeds/" + feed_folder(feed_name) + "/index.html";
}

std::string day_page(std::string_view day) { return "days/" + std::string(day) + ".html"; }

// The article's page: its document's path under feeds/, .md as .html. A
// stored path the publish stage did not make (one that climbs out or is
// absolute) is replaced by the one it would make.
std::string article_page(const store::ArticleSummary& article) {
  std::string path = article.document_path;
  const bool usable = !path.empty() && !path.starts_with('/') && path.ends_with(".md") &&
                      path.find("..") == std::string::npos && path.find('\\') == std::string::npos;
  if (!usable) path = document_path(article.feed_name, article.key, article_time(article));
  path.resize(path.size() - 3);
  return "feeds/" + path + ".html";
}

// A converted copy's page: its document's path under feeds/, as the
// original's is.
std::string converted_article_page(const store::ArticleSummary& article, ChineseConversion conversion) {
  const std::string original = article_page(article);  // "feeds/" + FEED/... + ".html"
  return "feeds/" + converted_document_path(std::string_view(original).substr(6), conversion);
}

// Changed at the source: newsvault's own changes (a teaser become full
// text, a better extractor) are revisions too, but not the source's.
bool is_changed(const store::ArticleSummary& article) { return article.source_changes > 0; }

// A whole page in `locale`'s words; `language` (BCP 47) is its <html
// lang>, which also picks the CJK font stack.
std::string page(const SiteLocale& locale, std::string_view path, std::string_view title, std::string_view main,
                 std::string_view language = "") {
  const SiteLabels& words = locale.labels();
  if (language.empty()) language = locale.language();
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + attribute(language) + "\"";
  out +=
      ">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n"
      // No script runs and no address learns who reads: the pages need
      // neither, and the bodies come from sources we do not control.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'; object-src "
      "'none'; base-uri 'none'; form-action 'none'\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>";
  out += text(title);
  out += "</title>\n<link rel=\"stylesheet\" href=\"" + attribute(href(path, "style.css")) + "\">\n";
  out += "</head>\n<body>\n<header class=\"site\"><nav>";
  out += link(path, "index.html", words.archive) + link(path, "days/index.html", words.days) +
         link(path, "changes.html", words.changes) + link(path, "search.html", words.search);
  out += "</nav></header>\n<main>\n";
  out += main;
  out += "</main>\n<footer class=\"site\">" + text(words.footer) + "</footer>\n</body>\n</html>\n";
  return out;
}

// What became of an article at its source, as a sentence or two; "" while listed.
std::string status_text(const SiteLocale& locale, const store::ArticleSummary& article) {
  const SiteLabels& words = locale.labels();
  std::string out;
  if (article.delisted_at) {
    out += text(words.delisted_since) + locale.time_element(*article.delisted_at) + std::string(words.sentence_end);
  }
  if (article.removed_at) {
    out += text(words.removed_found_gone) + locale.time_element(*article.removed_at) +
           (article.removed_reason.empty() ? std::string() : " (" + text(article.removed_reason) + ")") +
           std::string(words.sentence_end);
  }
  return out;
}

std::string tags(const SiteLocale& locale, const store::ArticleSummary& article) {
  const SiteLabels& words = locale.labels();
  std::string out;
  if (is_changed(article)) out += " <span class=\"tag\">" + text(words.tag_changed) + "</span>";
  if (article.removed_at) {
    out += " <span class=\"tag\">" + text(words.tag_removed) + "</span>";
  } else if (article.delisted_at) {
    out += " <span class=\"tag\">" + text(words.tag_delisted) + "</span>";
  }
  return out;
}

std::string article_list(const SiteLocale& locale, std::string_view from,
                         const std::vector<const store::ArticleSummary*>& articles, bool with_feed) {
  if (articles.empty()) return "<p>" + text(locale.labels().no_articles) + "</p>\n";
  std::string out = "<ul class=\"articles\">\n";
  for (const store::ArticleSummary* article : articles) {
    out += "<li>" + day_element(locale, article_time(*article)) + link(from, article_page(*article), title_of(*article));
    if (with_feed) out += " <span class=\"meta\">" + text(article->feed_name) + "</span>";
    out += tags(locale, *article) + "</li>\n";
  }
  return out + "</ul>\n";
}

// One form of an article's page: the original (no conversion) or a
// converted copy.
struct ArticleVariant {
  std::optional<ChineseConversion> conversion;
  std::string page;
};

std::string variant_label(const SiteLocale& locale, const std::optional<ChineseConversion>& conversion) {
  if (!conversion) return std::string(locale.labels().original);
  switch (*conversion) {
    case ChineseConversion::kS2T: return "繁體中文";
    case ChineseConversion::kT2S: return "简体中文";
    case ChineseConversion::kS2TW: return "繁體中文（台灣）";
    case ChineseConversion::kS2HK: return "繁體中文（香港）";
    case ChineseConversion::kS2TWP: return "繁體中文（台灣）";
    case ChineseConversion::kTW2SP: return "简体中文";
  }
  return {};
}

// The rendering options of site page `path`: local copies of images are
// reached relatively, up from the page to the site's folder, then up from
// the site's folder to the archive root, so the site works from file://
// (unless the options carry a base of their own).
PublishOptions shown_from(std::string_view path, const SiteOptions& options) {
  PublishOptions shown = options.publish;
  // A base of its own (the server's "/") is kept.
  if (!shown.local_images || !shown.local_image_base.empty()) return shown;
  std::string_view dir = options.dir;
  while (dir.ends_with('/')) dir.remove_suffix(1);
  shown.local_image_base = href(path, "");
  for (char c : dir) {
    if (c == '/') shown.local_image_base += "../";
  }
  shown.local_image_base += "../";  // the site's folder itself
  return shown;
}

// `language`: the article's own (SiteRevision::language), "" when unknown.
std::string render_article_page(const SiteLocale& locale, const store::ArticleSummary& summary,
                                const extract::Article& article, std::string_view language,
                                const ArticleVariant& shown, const std::vector<ArticleVariant>& variants,
                                const SiteOptions& options) {
  const SiteLabels& words = locale.labels();
  const std::string& path = shown.page;
  const std::string title = article.title.empty() ? article.url : article.title;
  std::string main = "<article>\n<h1>" + text(title) + "</h1>\n<p class=\"meta\">";
  main += link(path, feed_index_page(summary.feed_name), summary.feed_name) + " · ";
  main += article.published ? text(words.published) + locale.time_element(*article.published) + " · " : std::string();
  main += text(words.archived) + locale.time_element(summary.first_seen);
  if (summary.last_changed != summary.first_seen) main += text(words.updated) + locale.time_element(summary.last_changed);
  main += " · " + source_link(article.url, words.source) + "</p>\n";
  if (variants.size() > 1) {
    main += "<p class=\"meta\">";
    for (std::size_t i = 0; i < variants.size(); ++i) {
      if (i > 0) main += " · ";
      const std::string label = variant_label(locale, variants[i].conversion);
      main += variants[i].page == path ? "<strong>" + text(label) + "</strong>" : link(path, variants[i].page, label);
    }
    if (shown.conversion) {
      main += " <span class=\"tag\">OpenCC " + std::string(chinese_conversion_name(*shown.conversion)) + "</span>";
    }
    main += "</p>\n";
  }
  if (is_changed(summary) || summary.delisted_at || summary.removed_at) {
    main += "<p class=\"notice\">";
    if (is_changed(summary)) {
      main += text(words.changed_at_source_count) +
              locale.count(static_cast<std::size_t>(summary.source_changes) + 1, words.revision_one,
                           words.revision_many) +
              std::string(words.sentence_end);
    }
    main += status_text(locale, summary);
    main += link(path, "changes.html#article-" + std::to_string(summary.id), words.what_changed) + "</p>\n";
  }
  main += "<div class=\"body\">" + render_article_html(article, shown_from(path, options)) + "</div>\n</article>\n";
  // The page's language: a converted copy's, else the article's own as
  // its source said it, else (unknown) the site's.
  if (shown.conversion) language = chinese_conversion_language(*shown.conversion);
  return page(locale, path, title + " · " + summary.feed_name, main, language);
}

std::string revision_diff(const SiteLocale& locale, const SiteRevision& before, const SiteRevision& after) {
  const SiteLabels& words = locale.labels();
  std::string out;
  const extract::Article& old_article = before.article;
  const extract::Article& new_article = after.article;
  if (old_article.title != new_article.title) {
    out += "<p><strong>" + text(words.diff_title) + "</strong> " +
           render_line_diff(old_article.title, new_article.title) + "</p>";
  }
  if (old_article.url != new_article.url) {
    out += "<p><strong>" + text(words.diff_address) + "</strong> <del>" + text(old_article.url) + "</del> <ins>" +
           text(new_article.url) + "</ins></p>";
  }
  if (old_article.published != new_article.published) {
    auto shown = [&](const std::optional<Timestamp>& time) {
      return time ? locale.time_element(*time) : text(words.diff_none);
    };
    out += "<p><strong>" + text(words.diff_published) + "</strong> <del>" + shown(old_article.published) +
           "</del> <ins>" + shown(new_article.published) + "</ins></p>";
  }
  const std::string body = render_text_diff(article_paragraphs(old_article), article_paragraphs(new_article));
  if (!body.empty()) {
    out += body;
  } else if (out.empty()) {
    out += "<p class=\"unchanged\">" + text(words.diff_unchanged) + "</p>";
  }
  return "<div class=\"diff\">" + out + "</div>";
}

std::string render_changes_section(const SiteLocale& locale, const store::ArticleSummary& summary,
                                   const std::vector<SiteRevision>& revisions) {
  const SiteLabels& words = locale.labels();
  constexpr std::string_view kFrom = "changes.html";
  std::string out = "<section id=\"article-" + std::to_string(summary.id) + "\">\n<h2>" +
                    link(kFrom, article_page(summary), title_of(summary)) + "</h2>\n";
  out += "<p class=\"meta\">" + link(kFrom, feed_index_page(summary.feed_name), summary.feed_name) +
         " · " + source_link(summary.url, words.source) + "</p>\n";
  if (summary.delisted_at || summary.removed_at) {
    out += "<p class=\"notice\">" + status_text(locale, summary) + "</p>\n";
  }
  out += "<ol class=\"revisions\">\n";
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    const SiteRevision& revision = revisions[i];
    std::string why;
    if (i > 0) {
      why = text(revision.cause == store::Cause::kSource ? words.revision_changed_at_source
                                                         : words.revision_processing_change);
      if (!revision.note.empty() && revision.note != "changed") why += " (" + text(revision.note) + ")";
    }
    out += "<li><p class=\"meta\">" + text(words.revision) + std::to_string(revision.number) +
           text(words.list_separator) + text(i == 0 ? words.first_archived : words.seen) +
           locale.time_element(revision.seen_at) + why + "</p>";
    if (i > 0) out += revision_diff(locale, revisions[i - 1], revisions[i]);
    out += "</li>\n";
  }
  return out + "</ol>\n</section>\n";
}

struct ChangeEntry {
  Timestamp when;  // the latest change or delisting: newest first
  std::int64_t id;
  std::string html;
};

std::string render_changes_page(const SiteLocale& locale, std::vector<ChangeEntry> entries) {
  const SiteLabels& words = locale.labels();
  std::ranges::sort(entries, [](const ChangeEntry& a, const ChangeEntry& b) {
    return std::tie(a.when, a.id) > std::tie(b.when, b.id);
  });
  // The introduction's markup (<del>, <ins>) is the labels' own.
  std::string main = "<h1>" + text(words.changes_heading) + "</h1>\n<p class=\"meta\">" +
                     std::string(words.changes_intro) + "</p>\n";
  if (entries.empty()) main += "<p>" + text(words.no_changes) + "</p>\n";
  for (const ChangeEntry& entry : entries) main += entry.html;
  return page(locale, "changes.html", words.changes, main);
}

struct FeedListing {
  const store::FeedRecord* feed;
  std::vector<const store::ArticleSummary*> articles;
};

std::string render_feed_page(const SiteLocale& locale, const FeedListing& listing) {
  const SiteLabels& words = locale.labels();
  const std::string path = feed_index_page(listing.feed->name);
  std::string main = "<h1>" + text(listing.feed->name) + "</h1>\n<p class=\"meta\">" +
                     locale.count(listing.articles.size(), words.article_one, words.article_many);
  if (!listing.feed->url.empty()) main += text(words.feed) + source_link(listing.feed->url, listing.feed->url);
  main += "</p>\n" + article_list(locale, path, listing.articles, false);
  return page(locale, path, listing.feed->name, main);
}

std::string render_home_page(const SiteLocale& locale, const std::vector<FeedListing>& listings,
                             const std::vector<const store::ArticleSummary*>& latest, std::size_t changed) {
  const SiteLabels& words = locale.labels();
  constexpr std::string_view kFrom = "index.html";
  std::string main = "<h1>" + text(words.archive) + "</h1>\n<h2>" + text(words.feeds) + "</h2>\n";
  if (listings.empty()) main += "<p>" + text(words.no_feeds) + "</p>\n";
  else main += "<ul class=\"feeds\">\n";
  for (const FeedListing& listing : listings) {
    main += "<li>" + link(kFrom, feed_index_page(listing.feed->name), listing.feed->name) +
            " <span class=\"meta\">" + locale.count(listing.articles.size(), words.article_one, words.article_many);
    if (!listing.articles.empty()) {
      main += text(words.latest_day) + day_element(locale, article_time(*listing.articles.front()));
    }
    main += "</span></li>\n";
  }
  if (!listings.empty()) main += "</ul>\n";
  main += "<p>" + link(kFrom, "days/index.html", words.articles_by_day) + " · " +
          link(kFrom, "changes.html", words.changed_or_removed) + " <span class=\"meta\">(" +
          std::to_string(changed) + ")</span></p>\n";
  main += "<h2>" + text(words.latest) + "</h2>\n" + article_list(locale, kFrom, latest, true);
  return page(locale, kFrom, words.archive, main);
}

std::string render_days_page(const SiteLocale& locale,
                             const std::map<std::string, std::vector<const store::ArticleSummary*>, std::greater<>>&
                                 days) {
  const SiteLabels& words = locale.labels();
  constexpr std::string_view kFrom = "days/index.html";
  std::string main = "<h1>" + text(words.articles_by_day) + "</h1>\n<p class=\"meta\">" + text(words.days_note) +
                     "</p>\n";
  if (days.empty()) main += "<p>" + text(words.no_articles) + "</p>\n";
  else main += "<ul class=\"days\">\n";
  for (const auto& [day, articles] : days) {
    main += "<li>" + link(kFrom, day_page(day), locale.day_text(day)) + " <span class=\"meta\">" +
            locale.count(articles.size(), words.article_one, words.article_many) + "</span></li>\n";
  }
  if (!days.empty()) main += "</ul>\n";
  return page(locale, kFrom, words.articles_by_day, main);
}

std::string render_day_page(const SiteLocale& locale, const std::string& day,
                            const std::vector<const store::ArticleSummary*>& articles) {
  const std::string path = day_page(day);
  const std::string shown = locale.day_text(day);
  return page(locale, path, shown, "<h1>" + text(shown) + "</h1>\n" + article_list(locale, path, articles, true));
}

SiteSearchArticle search_article(const store::ArticleSummary& summary, const extract::Article& latest) {
  return {summary.id, latest.title, article_page(summary), summary.feed_name, format_day(article_time(summary)),
          site_search_text(latest)};
}

// [publish.site] dir must be a folder of the site's own: removing stale
// pages must never reach the documents, the store or the git history.
Result<void> check_site_dir(const std::string& dir, const std::vector<store::FeedRecord>& feeds) {
  auto refuse = [&](std::string_view why) {
    return make_error(ErrorCode::kInvalidArgument, "publish.site.dir \"" + dir + "\": " + std::string(why));
  };
  const std::filesystem::path path(dir);
  if (dir.empty() || path.is_absolute()) return refuse("must be a folder inside the archive, e.g. \"site\"");
  for (const auto& part : path) {
    const std::string name = part.string();
    // An empty part is what a trailing '/' leaves: "site/" is "site".
    if (name.starts_with('.')) return refuse("no \".\", \"..\" or hidden folders");
  }
  const std::string first = path.begin()->string();
  if (first == "README.md") return refuse("names the archive's index");
  for (const store::FeedRecord& feed : feeds) {
    if (feed_folder(feed.name) == first) return refuse("is the folder of feed " + feed.name);
  }
  return {};
}

class SiteWriter {
 public:
  SiteWriter(std::filesystem::path root, std::string dir)
      : root_(std::move(root)), dir_(std::move(dir)) {}

  Result<void> write(const std::string& path, std::string_view content) {
    written_.insert(path);
    return write_file(path, content);
  }

  // The file alone, not recorded (keep records it): safe on several threads.
  Result<void> write_file(const std::string& path, std::string_view content) const {
    return write_file_atomically(root_, dir_ + "/" + path, content, Durability::kBatched);
  }

  // A page left as it is (an incremental update): counted, not written.
  void keep(const std::string& path) { written_.insert(path); }

  std::size_t pages() const { return written_.size() - 1; }  // style.css is not a page

  // The .html files no page was written to, and the folders they leave empty.
  Result<std::size_t> remove_stale_pages() {
    const std::filesystem::path site = root_ / dir_;
    std::error_code error;
    std::vector<std::filesystem::path> stale;
    std::vector<std::filesystem::path> folders;
    for (auto it = std::filesystem::recursive_directory_iterator(site, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
      if (it->is_directory()) {
        folders.push_back(it->path());
        continue;
      }
      const std::string relative = it->path().lexically_relative(site).generic_string();
      if (it->path().extension() == ".html" && !written_.contains(relative)) stale.push_back(it->path());
    }
    if (error) return make_error(ErrorCode::kIo, "cannot list " + site.string() + ": " + error.message());
    for (const auto& file : stale) {
      if (!std::filesystem::remove(file, error) && error) {
        return make_error(ErrorCode::kIo, "cannot remove " + file.string() + ": " + error.message());
      }
    }
    // Deepest first, so a folder emptied by its children goes too.
    std::ranges::sort(folders, [](const auto& a, const auto& b) { return a.native().size() > b.native().size(); });
    for (const auto& folder : folders) {
      if (std::filesystem::is_empty(folder, error)) std::filesystem::remove(folder, error);
    }
    return stale.size();
  }

 private:
  std::filesystem::path root_;
  std::string dir_;
  std::set<std::string> written_;
};

}  // namespace

Result<SiteSummary> write_site(const std::filesystem::path& root, const SiteSource& source,
                               const SiteOptions& options) {
  if (auto checked = check_site_dir(options.dir, source.feeds); !checked) return std::unexpected(checked.error());
  std::string dir = std::filesystem::path(options.dir).lexically_normal().generic_string();
  while (dir.ends_with('/')) dir.pop_back();
  SiteWriter writer(root, dir);
  const SiteLocale locale(options.language, options.time_zone);
  SiteSearchWriter search(root, dir, source.changed == nullptr);
  // Each conversion's dictionaries are loaded once, at first use.
  std::map<ChineseConversion, ChineseConverter> converters;
  auto article_variants = [&](const store::ArticleSummary& article) {
    std::vector<ArticleVariant> variants = {{std::nullopt, article_page(article)}};
    if (const auto wanted = options.conversions.find(article.feed_name); wanted != options.conversions.end()) {
      for (ChineseConversion conversion : wanted->second) {
        variants.push_back({conversion, converted_article_page(article, conversion)});
      }
    }
    return variants;
  };
  auto keep_article_pages = [&](const store::ArticleSummary& article) {
    for (const ArticleVariant& variant : article_variants(article)) writer.keep(variant.page);
  };
  // The converted pages of an article (its original's page is written by
  // write_article_pages): one thread, the converters are shared.
  auto write_converted_pages = [&](SiteWriter& out, const store::ArticleSummary& article,
                                   const extract::Article& latest) -> Result<void> {
    const std::vector<ArticleVariant> variants = article_variants(article);
    for (const ArticleVariant& variant : variants) {
      if (!variant.conversion) continue;
      auto converter = converters.find(*variant.conversion);
      if (converter == converters.end()) {
        auto opened = ChineseConverter::open(*variant.conversion);
        if (!opened) return std::unexpected(opened.error());
        converter = converters.emplace(*variant.conversion, std::move(*opened)).first;
      }
      auto converted = convert_article(latest, converter->second);
      if (!converted) return std::unexpected(converted.error());
      if (auto written =
              out.write(variant.page, render_article_page(locale, article, *converted, "", variant, variants, options));
          !written) {
        return written;
      }
    }
    return {};
  };
  // The due articles' pages, a batch at a time: the originals rendered and
  // written on every core, then the converted ones.
  struct DueArticle {
    const store::ArticleSummary* summary;
    extract::Article latest;
    std::string language;
  };
  std::vector<DueArticle> due_articles;
  auto write_article_pages = [&]() -> Result<void> {
    std::vector<Result<void>> written(due_articles.size());
    parallel_for(due_articles.size(), [&](std::size_t i) {
      const DueArticle& due = due_articles[i];
      const std::vector<ArticleVariant> variants = article_variants(*due.summary);
      written[i] = writer.write_file(variants.front().page,
                                     render_article_page(locale, *due.summary, due.latest, due.language,
                                                         variants.front(), variants, options));
    });
    for (std::size_t i = 0; i < due_articles.size(); ++i) {
      if (!written[i]) return written[i];
      writer.keep(article_page(*due_articles[i].summary));
      if (auto converted = write_converted_pages(writer, *due_articles[i].summary, due_articles[i].latest);
          !converted) {
        return converted;
      }
    }
    due_articles.clear();
    return {};
  };
  constexpr std::size_t kArticlesPerBatch = 128;

  std::vector<FeedListing> listings;
  for (const store::FeedRecord& feed : source.feeds) listings.push_back({&feed, {}});
  std::ranges::sort(listings, [](const FeedListing& a, const FeedListing& b) { return a.feed->name < b.feed->name; });
  std::map<std::string, std::vector<const store::ArticleSummary*>, std::greater<>> days;
  std::vector<const store::ArticleSummary*> latest;
  std::vector<ChangeEntry> changes;
  // With source.changed: the feeds and days whose index pages list a changed article.
  std::set<std::int64_t> changed_feeds;
  std::set<std::string> changed_days;

  std::map<std::int64_t, FeedListing*> listing_of;  // by feed id
  for (FeedListing& listing : listings) listing_of.emplace(listing.feed->id, &listing);
  for (const store::ArticleSummary& article : source.articles) {
    for (std::size_t i = 0; i < article.feed_ids.size(); ++i) {
      const std::int64_t feed_id = article.feed_ids[i];
      const auto listing = listing_of.find(feed_id);
      if (listing == listing_of.end()) continue;
      // An id listed twice lists the article once.
      if (std::find(article.feed_ids.begin(), article.feed_ids.begin() + i, feed_id) != article.feed_ids.begin() + i) {
        continue;
      }
      listing->second->articles.push_back(&article);
    }
    days[format_day(article_time(article))].push_back(&article);
    if (latest.size() < kLatestOnHome) latest.push_back(&article);

    const bool in_changes = is_changed(article) || article.delisted_at || article.removed_at;
    const bool due = source.changed == nullptr || source.changed->contains(article.id);
    if (due) {
      for (std::int64_t feed_id : article.feed_ids) changed_feeds.insert(feed_id);
      changed_days.insert(format_day(article_time(article)));
    }
    if (!due && !in_changes) {
      keep_article_pages(article);
      continue;
    }
    auto revisions = source.revisions(article);
    if (!revisions) return std::unexpected(revisions.error());
    if (revisions->empty()) continue;  // nothing to show; the store always has one
    if (in_changes) {
      Timestamp when = is_changed(article) ? article.last_changed : article.first_seen;
      if (article.delisted_at) when = std::max(when, *article.delisted_at);
      if (article.removed_at) when = std::max(when, *article.removed_at);
      changes.push_back({when, article.id, render_changes_section(locale, article, *revisions)});
    }
    if (!due) {
      keep_article_pages(article);
      continue;
    }
    if (auto indexed = search.add(search_article(article, revisions->back().article)); !indexed) {
      return std::unexpected(indexed.error());
    }
    due_articles.push_back({&article, std::move(revisions->back().article), std::move(revisions->back().language)});
    if (due_articles.size() == kArticlesPerBatch) {
      if (auto written = write_article_pages(); !written) return std::unexpected(written.error());
    }
  }
  if (auto written = write_article_pages(); !written) return std::unexpected(written.error());

  const std::size_t changed = changes.size();
  std::vector<std::pair<std::string, std::string>> pages;
  pages.emplace_back("style.css", std::string(site_stylesheet()));
  pages.emplace_back("index.html", render_home_page(locale, listings, latest, changed));
  pages.emplace_back("changes.html", render_changes_page(locale, std::move(changes)));
  pages.emplace_back("days/index.html", render_days_page(locale, days));
  const bool whole = source.changed == nullptr;
  for (const auto& [day, articles] : days) {
    if (whole || changed_days.contains(day)) {
      pages.emplace_back(day_page(day), render_day_page(locale, day, articles));
    } else {
      writer.keep(day_page(day));
    }
  }
  for (const FeedListing& listing : listings) {
    if (whole || changed_feeds.contains(listing.feed->id)) {
      pages.emplace_back(feed_index_page(listing.feed->name), render_feed_page(locale, listing));
    } else {
      writer.keep(feed_index_page(listing.feed->name));
    }
  }
  auto search_page = search.finish(source.articles.size());
  if (!search_page) return std::unexpected(search_page.error());
  // The search page is made whole by site_search: only its language is set here.
  if (search_page->starts_with("<!DOCTYPE html>\n<html>")) {
    search_page->replace(15, 7, "\n<html lang=\"" + attribute(locale.language()) + "\">");
  }
  pages.emplace_back("search.html", std::move(*search_page));
  for (const auto& [path, content] : pages) {
    if (auto written = writer.write(path, content); !written) return std::unexpected(written.error());
  }
  if (auto synced = sync_archive(root); !synced) return std::unexpected(synced.error());

  SiteSummary summary;
  summary.pages = writer.pages();
  // An update knows every page too (those it left as they were are kept),
  // so the pages of articles and feeds that left the store go either way.
  auto removed = writer.remove_stale_pages();
  if (!removed) return std::unexpected(removed.error());
  summary.pages_removed = *removed;
  return summary;
}

}  // namespace newsvault::publish

namespace newsvault::publish {
namespace {

// The feed listings, days and latest articles the index pages show, as
// write_site gathers them.
struct SiteIndex {
  std::vector<FeedListing> listings;
  std::map<std::string, std::vector<const store::ArticleSummary*>, std::greater<>> days;
  std::vector<const store::ArticleSummary*> latest;
};

SiteIndex index_site(const SiteSource& source) {
  SiteIndex index;
  for (const store::FeedRecord& feed : source.feeds) index.listings.push_back({&feed, {}});
  std::ranges::sort(index.listings,
                    [](const FeedListing& a, const FeedListing& b) { return a.feed->name < b.feed->name; });
  for (const store::ArticleSummary& article : source.articles) {
    for (FeedListing& listing : index.listings) {
      if (std::ranges::find(article.feed_ids, listing.feed->id) != article.feed_ids.end()) {
        listing.articles.push_back(&article);
      }
    }
    index.days[format_day(article_time(article))].push_back(&article);
    if (index.latest.size() < kLatestOnHome) index.latest.push_back(&article);
  }
  return index;
}

bool in_changes(const store::ArticleSummary& article) {
  return is_changed(article) || article.delisted_at || article.removed_at;
}

Result<std::string> changes_page(const SiteLocale& locale, const SiteSource& source) {
  std::vector<ChangeEntry> changes;
  for (const store::ArticleSummary& article : source.articles) {
    if (!in_changes(article)) continue;
    auto revisions = source.revisions(article);
    if (!revisions) return std::unexpected(revisions.error());
    if (revisions->empty()) continue;
    Timestamp when = is_changed(article) ? article.last_changed : article.first_seen;
    if (article.delisted_at) when = std::max(when, *article.delisted_at);
    if (article.removed_at) when = std::max(when, *article.removed_at);
    changes.push_back({when, article.id, render_changes_section(locale, article, *revisions)});
  }
  return render_changes_page(locale, std::move(changes));
}

std::size_t changed_count(const SiteSource& source) {
  return static_cast<std::size_t>(std::ranges::count_if(source.articles, in_changes));
}

// The article page at `path`, or nullopt when no article (or converted
// copy) has that page.
Result<std::optional<std::string>> article_page_at(const SiteSource& source, const SiteOptions& options,
                                                   std::string_view path) {
  const SiteLocale locale(options.language, options.time_zone);
  for (const store::ArticleSummary& article : source.articles) {
    std::vector<ArticleVariant> variants = {{std::nullopt, article_page(article)}};
    if (const auto wanted = options.conversions.find(article.feed_name); wanted != options.conversions.end()) {
      for (ChineseConversion conversion : wanted->second) {
        variants.push_back({conversion, converted_article_page(article, conversion)});
      }
    }
    const auto shown = std::ranges::find(variants, path, &ArticleVariant::page);
    if (shown == variants.end()) continue;
    auto revisions = source.revisions(article);
    if (!revisions) return std::unexpected(revisions.error());
    if (revisions->empty()) return std::nullopt;
    const extract::Article& latest = revisions->back().article;
    if (!shown->conversion) {
      return render_article_page(locale, article, latest, revisions->back().language, *shown, variants, options);
    }
    auto converter = ChineseConverter::open(*shown->conversion);
    if (!converter) return std::unexpected(converter.error());
    auto converted = convert_article(latest, *converter);
    if (!converted) return std::unexpected(converted.error());
    return render_article_page(locale, article, *converted, "", *shown, variants, options);
  }
  return std::nullopt;
}

}  // namespace

Result<std::optional<std::string>> render_site_page(const SiteSource& source, const SiteOptions& options,
                                                    std::string_view path) {
  if (path == "style.css") return std::string(site_stylesheet());
  const SiteLocale locale(options.language, options.time_zone);
  if (path == "changes.html") return changes_page(locale, source);
  if (path.starts_with("feeds/") && !path.ends_with("/index.html")) return article_page_at(source, options, path);
  const SiteIndex index = index_site(source);
  if (path == "index.html") return render_home_page(locale, index.listings, index.latest, changed_count(source));
  if (path == "days/index.html") return render_days_page(locale, index.days);
  for (const auto& [day, articles] : index.days) {
    if (path == day_page(day)) return render_day_page(locale, day, articles);
  }
  for (const FeedListing& listing : index.listings) {
    if (path == feed_index_page(listing.feed->name)) return render_feed_page(locale, listing);
  }
  return std::nullopt;
}

std::string render_site_frame(std::string_view path, std::string_view title, std::string_view main,
                              bool own_forms, std::string_view language) {
  std::string out = page(SiteLocale(language, "UTC"), path, title, main);
  if (own_forms) {
    constexpr std::string_view kNoForms = "form-action 'none'";
    if (const std::size_t at = out.find(kNoForms); at != std::string::npos) {
      out.replace(at, kNoForms.size(), "form-action 'self'");
    }
  }
  return out;
}

std::string site_href(std::string_view from, std::string_view to) { return href(from, to); }

std::string site_article_page(const store::ArticleSummary& article) { return article_page(article); }

}  // namespace newsvault::publish
