// Private to the publish stage: the static site's search index, which
// site/search.html reads in the browser with no server (search.js).
//
//   each article written ─► a/K/ID.js (title, page, feed, day, text)
//                       └─► folded tokens (core/fold.h): words, CJK
//                           characters and bigrams ─► postings
//   finish ─► b/XX.js buckets of tokens (postings inline), t/HASH.js for a
//             token whose postings are long, meta.js, search.html
#ifndef NEWSVAULT_PUBLISH_SITE_SEARCH_H_
#define NEWSVAULT_PUBLISH_SITE_SEARCH_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "extract/extract.h"

namespace newsvault::publish {

// search/search.js: the search page's script.
std::string_view site_search_script();

// One article as the site's search shows it.
struct SiteSearchArticle {
  std::int64_t id = 0;
  std::string title;
  std::string page;  // the article's page, relative to the site's folder
  std::string feed;
  std::string day;   // YYYY-MM-DD
  std::string text;  // the lead image's caption and the body's text, a line per paragraph
};

// The text search covers in an article: the lead image's caption, then
// the body's text (as the archive's own search index has it).
std::string site_search_text(const extract::Article& article);

// Writes the index under SITE/search/. With `whole`, every article of the
// site is given to add() and files of the index no article needs are
// removed by finish(); otherwise only the articles that changed are, and
// finish() rewrites only the files their tokens fall in (the whole index
// is made again from the article files when the archive grew enough to
// need more buckets).
class SiteSearchWriter {
 public:
  SiteSearchWriter(std::filesystem::path root, std::string site_dir, bool whole);

  // Writes the article's file and notes its tokens. kIo naming the file.
  Result<void> add(const SiteSearchArticle& article);

  // Writes the buckets, meta.js, search.js, and returns search.html's
  // content for the caller to write. `articles`: how many the site has.
  // kIo naming the file that could not be read or written.
  Result<std::string> finish(std::size_t articles);

 private:
  struct Change {
    std::set<std::int64_t> add_all, remove_all, add_title, remove_title;
  };
  Result<void> write(const std::string& path, std::string_view content);
  Result<void> write_all_buckets(std::size_t buckets);
  Result<void> apply_changes(std::size_t buckets);
  Result<void> rebuild_from_article_files(std::size_t buckets);
  Result<std::size_t> remove_stale_files();
  void note(std::int64_t id, const std::string& title, const std::string& text);

  std::filesystem::path root_;
  std::string dir_;  // the site's folder, relative to root_
  bool whole_;
  // Whole: every token's postings, all fields and titles.
  std::map<std::string, std::vector<std::int64_t>> all_, title_;
  // Incremental: what changes, by token.
  std::map<std::string, Change> changes_;
  std::set<char32_t> han_;  // Simplified Han characters the index holds
  std::int64_t max_id_ = 0;
  std::set<std::string> written_;  // under search/
};

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_SITE_SEARCH_H_
