// The static site's search index: files the browser loads as <script>
// elements (fetch() of file:// is refused), each calling
// newsvaultSearch.load(NAME, JSON). search.js reads them.
//
//   search/meta.js          {version, buckets, max}: how to find the rest
//   search/characters.js    {han}: the Han characters held, for the next update
//   search/b/XXX.js         a bucket: {token: [postings, title postings]},
//                           or {token: 0} when the token has a file of its own
//   search/t/XXXXXXXX.js    tokens with long postings, by FNV-1a hash
//   search/a/K/ID.js        an article: title, page, feed, day, text
//
// Postings are article ids, ascending, as text: "d" and the gaps in
// base64url digits of 5 bits (the 6th says another digit follows), or "m"
// and a bitmap of 6 ids a digit, whichever is shorter; so no token costs
// more than max_id / 6 bytes, however common.
#include "publish/site_search.h"

#include <algorithm>
#include <bit>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "core/fold.h"
#include "core/html.h"
#include "publish/archive_paths.h"
#include "publish/publish.h"

namespace newsvault::publish {
namespace {

constexpr int kVersion = 1;
// Postings longer than this (in bytes) go to a file of their own, so that
// a bucket stays small whatever it holds.
constexpr std::size_t kOwnFileBytes = 1024;
constexpr std::string_view kDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using Ids = std::vector<std::int64_t>;
using Json = nlohmann::json;

int digit_value(char c) {
  const std::size_t at = kDigits.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

std::string encode(const Ids& ids) {
  if (ids.empty()) return "";
  std::string gaps = "d";
  std::int64_t previous = 0;
  for (std::int64_t id : ids) {
    auto gap = static_cast<std::uint64_t>(id - previous);
    previous = id;
    do {
      unsigned digit = gap & 31;
      gap >>= 5;
      if (gap != 0) digit |= 32;
      gaps += kDigits[digit];
    } while (gap != 0);
  }
  const auto max = static_cast<std::size_t>(ids.back());
  if (max / 6 + 2 >= gaps.size()) return gaps;
  std::string bitmap(max / 6 + 1, '\0');
  for (std::int64_t id : ids) bitmap[static_cast<std::size_t>(id) / 6] |= static_cast<char>(1 << (id % 6));
  for (char& c : bitmap) c = kDigits[static_cast<unsigned char>(c)];
  return "m" + bitmap;
}

Ids decode(std::string_view text) {
  Ids ids;
  if (text.starts_with('m')) {
    for (std::size_t i = 1; i < text.size(); ++i) {
      const int bits = std::max(digit_value(text[i]), 0);
      for (int bit = 0; bit < 6; ++bit) {
        if ((bits & (1 << bit)) != 0) ids.push_back(static_cast<std::int64_t>((i - 1) * 6 + bit));
      }
    }
  } else if (text.starts_with('d')) {
    std::int64_t previous = 0;
    std::uint64_t gap = 0;
    int shift = 0;
    for (std::size_t i = 1; i < text.size(); ++i) {
      const int digit = std::max(digit_value(text[i]), 0);
      gap |= static_cast<std::uint64_t>(digit & 31) << shift;
      shift += 5;
      if ((digit & 32) == 0) {
        previous += static_cast<std::int64_t>(gap);
        ids.push_back(previous);
        gap = 0;
        shift = 0;
      }
    }
  }
  return ids;
}

// FNV-1a over the token's UTF-8: search.js computes the same.
std::uint32_t token_hash(std::string_view token) { return fnv1a(token); }

std::string hex(std::uint32_t value, int width) {
  std::string out(static_cast<std::size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = "0123456789abcdef"[value & 15];
  return out;
}

// Buckets grow with the archive, a power of two, so that one stays a few
// tens of kilobytes.
std::size_t bucket_count(std::size_t articles) {
  return std::clamp<std::size_t>(std::bit_ceil(articles / 24 + 1), 16, 4096);
}

std::string bucket_file(std::string_view token, std::size_t buckets) {
  return "search/b/" + hex(token_hash(token) % buckets, 3) + ".js";
}
std::string own_file(std::string_view token) { return "search/t/" + hex(token_hash(token), 8) + ".js"; }
std::string article_file(std::int64_t id) {
  return "search/a/" + std::to_string(id / 1000) + "/" + std::to_string(id) + ".js";
}

std::string script(std::string_view name, const Json& value) {
  return "newsvaultSearch.load(\"" + std::string(name) + "\"," +
         value.dump(-1, ' ', false, Json::error_handler_t::replace) + ");\n";
}

// The JSON a file of the index holds; nullopt when there is no such file.
Result<std::optional<Json>> read_script(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::optional<Json>();
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in) return make_error(ErrorCode::kIo, "cannot read " + path.string());
  const std::string text = content.str();
  const std::size_t start = text.find(",");
  const std::size_t end = text.rfind(");");
  if (start == std::string::npos || end == std::string::npos || end < start) {
    return make_error(ErrorCode::kInvalidArgument, path.string() + ": not a file of the site's search index");
  }
  Json value = Json::parse(std::string_view(text).substr(start + 1, end - start - 1), nullptr, false);
  if (value.is_discarded()) {
    return make_error(ErrorCode::kInvalidArgument, path.string() + ": not a file of the site's search index");
  }
  return std::optional<Json>(std::move(value));
}

struct Tokens {
  std::set<std::string> all, title;
};

Tokens tokens_of(const std::string& title, const std::string& text) {
  Tokens tokens;
  visit_search_tokens(title, TokenizeFor::kDocument, [&](const SearchToken& token) {
    tokens.title.insert(token.text);
    return true;
  });
  tokens.all = tokens.title;
  visit_search_tokens(text, TokenizeFor::kDocument, [&](const SearchToken& token) {
    tokens.all.insert(token.text);
    return true;
  });
  return tokens;
}

// The token's one character, when it is one Han character.
std::optional<char32_t> single_han(std::string_view token) {
  const Utf8Char read = decode_utf8(token);
  if (read.length == 0 || read.length != token.size() || !is_han(read.code_point)) return std::nullopt;
  return read.code_point;
}

std::string utf8_of(const std::set<char32_t>& characters) {
  std::string out;
  for (char32_t c : characters) append_utf8(c, out);
  return out;
}

// The t2s pairs a query needs: those whose Simplified character the index
// holds, as one string of Traditional, Simplified, Traditional...
std::string t2s_pairs(const std::set<char32_t>& han) {
  std::string out;
  for (const T2sPair& pair : t2s_characters()) {
    if (!han.contains(pair.simplified)) continue;
    append_utf8(pair.traditional, out);
    append_utf8(pair.simplified, out);
  }
  return out;
}

// `buckets` is meta.js's: on the page, the search asks for the buckets
// at once rather than after reading meta.js, one load in a row fewer.
std::string render_search_page(const std::string& pairs, std::size_t buckets) {
  const std::string attribute_pairs = html::escape_attribute(pairs);
  return "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"color-scheme\" content=\"light dark\">\n"
         // The search runs a script of the site's own and loads only the
         // site's own files; the results are built as DOM text, never markup.
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; "
         "style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'\">\n"
         "<meta name=\"referrer\" content=\"no-referrer\">\n<title>Search</title>\n"
         "<link rel=\"stylesheet\" href=\"style.css\">\n"
         "<script src=\"search/search.js\" defer></script>\n"
         "</head>\n<body>\n<header class=\"site\"><nav><a href=\"index.html\">Archive</a>"
         "<a href=\"days/index.html\">Days</a><a href=\"changes.html\">Changes</a>"
         "<a href=\"search.html\">Search</a></nav></header>\n<main>\n<h1>Search</h1>\n"
         "<form id=\"search\" action=\"search.html\" method=\"get\" data-buckets=\"" +
         std::to_string(buckets) + "\" data-t2s=\"" + attribute_pairs +
         "\"><input type=\"search\" name=\"q\" id=\"q\" aria-label=\"Search the archive\"> "
         "<button type=\"submit\">Search</button></form>\n"
         "<p class=\"meta\" id=\"status\">Every word must match. Chinese matches as written or in the "
         "other script (台湾 finds 臺灣); other words match whole.</p>\n"
         "<ol class=\"results\" id=\"results\"></ol>\n"
         "<p><button type=\"button\" id=\"more\" hidden>More results</button></p>\n"
         "</main>\n<footer class=\"site\">Archived with newsvault. The search runs in your browser, "
         "on this site's own files.</footer>\n</body>\n</html>\n";
}

}  // namespace

std::string site_search_text(const extract::Article& article) {
  std::string text = html::text_lines(article.body_html);
  if (article.lead_image && !article.lead_image->caption.empty()) text = article.lead_image->caption + "\n" + text;
  return text;
}

SiteSearchWriter::SiteSearchWriter(std::filesystem::path root, std::string site_dir, bool whole)
    : root_(std::move(root)), dir_(std::move(site_dir)), whole_(whole) {}

Result<void> SiteSearchWriter::write(const std::string& path, std::string_view content) {
  written_.insert(path);
  return write_file_atomically(root_, dir_ + "/" + path, content, Durability::kBatched);
}

void SiteSearchWriter::note(std::int64_t id, const std::string& title, const std::string& text) {
  const Tokens tokens = tokens_of(title, text);
  max_id_ = std::max(max_id_, id);
  for (const std::string& token : tokens.all) {
    if (auto han = single_han(token)) han_.insert(*han);
    if (whole_) all_[token].push_back(id);
    else changes_[token].add_all.insert(id);
  }
  for (const std::string& token : tokens.title) {
    if (whole_) title_[token].push_back(id);
    else changes_[token].add_title.insert(id);
  }
}

Result<void> SiteSearchWriter::add(const SiteSearchArticle& article) {
  const std::string path = article_file(article.id);
  if (!whole_) {
    // What the article's old text put in the index comes out first.
    auto old = read_script(root_ / dir_ / path);
    if (!old) return std::unexpected(old.error());
    if (*old) {
      const Tokens tokens = tokens_of((**old).value("t", ""), (**old).value("x", ""));
      for (const std::string& token : tokens.all) changes_[token].remove_all.insert(article.id);
      for (const std::string& token : tokens.title) changes_[token].remove_title.insert(article.id);
    }
  }
  note(article.id, article.title, article.text);
  const Json value = {{"t", article.title}, {"p", article.page}, {"f", article.feed},
                      {"d", article.day},   {"x", article.text}};
  return write(path, script(path.substr(7, path.size() - 10), value));
}

Result<void> SiteSearchWriter::write_all_buckets(std::size_t buckets) {
  std::map<std::string, Json> files;  // path ─► its JSON object
  for (auto& [token, ids] : all_) {
    std::ranges::sort(ids);
    Ids& titles = title_[token];
    std::ranges::sort(titles);
    Json entry = Json::array({encode(ids), encode(titles)});
    const std::string bucket = bucket_file(token, buckets);
    if (entry[0].get_ref<const std::string&>().size() > kOwnFileBytes) {
      files[own_file(token)][token] = std::move(entry);
      files[bucket][token] = 0;
    } else {
      files[bucket][token] = std::move(entry);
    }
  }
  for (const auto& [path, value] : files) {
    const std::string name = path.substr(7, path.size() - 10);  // "search/" NAME ".js"
    if (auto done = write(path, script(name, value)); !done) return done;
  }
  return {};
}

Result<void> SiteSearchWriter::apply_changes(std::size_t buckets) {
  std::map<std::string, Json> files;  // read once, written once
  auto file = [&](const std::string& path) -> Result<Json*> {
    auto found = files.find(path);
    if (found != files.end()) return &found->second;
    auto read = read_script(root_ / dir_ / path);
    if (!read) return std::unexpected(read.error());
    Json value = *read && (**read).is_object() ? std::move(**read) : Json::object();
    return &files.emplace(path, std::move(value)).first->second;
  };
  for (const auto& [token, change] : changes_) {
    const std::string bucket_path = bucket_file(token, buckets);
    auto bucket = file(bucket_path);
    if (!bucket) return std::unexpected(bucket.error());
    Json* entry_home = *bucket;
    if ((**bucket).contains(token) && (**bucket)[token].is_number()) {
      auto own = file(own_file(token));
      if (!own) return std::unexpected(own.error());
      entry_home = *own;
    }
    Ids all, titles;
    if (entry_home->contains(token) && (*entry_home)[token].is_array() && (*entry_home)[token].size() == 2) {
      all = decode((*entry_home)[token][0].get<std::string>());
      titles = decode((*entry_home)[token][1].get<std::string>());
    }
    auto update = [](Ids& ids, const std::set<std::int64_t>& removed, const std::set<std::int64_t>& added) {
      std::erase_if(ids, [&](std::int64_t id) { return removed.contains(id) && !added.contains(id); });
      ids.insert(ids.end(), added.begin(), added.end());
      std::ranges::sort(ids);
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    };
    update(all, change.remove_all, change.add_all);
    update(titles, change.remove_title, change.add_title);
    (**bucket).erase(token);
    if (entry_home != *bucket) entry_home->erase(token);
    if (all.empty()) continue;
    Json entry = Json::array({encode(all), encode(titles)});
    if (entry[0].get_ref<const std::string&>().size() > kOwnFileBytes) {
      auto own = file(own_file(token));
      if (!own) return std::unexpected(own.error());
      (**own)[token] = std::move(entry);
      (**bucket)[token] = 0;
    } else {
      (**bucket)[token] = std::move(entry);
    }
  }
  for (const auto& [path, value] : files) {
    const std::string name = path.substr(7, path.size() - 10);
    if (auto done = write(path, script(name, value)); !done) return done;
  }
  return {};
}

Result<void> SiteSearchWriter::rebuild_from_article_files(std::size_t buckets) {
  whole_ = true;
  changes_.clear();
  const std::filesystem::path folder = root_ / dir_ / "search/a";
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file() || it->path().extension() != ".js") continue;
    auto read = read_script(it->path());
    if (!read) return std::unexpected(read.error());
    const std::string stem = it->path().stem().string();
    if (!*read || stem.empty() || !std::ranges::all_of(stem, [](char c) { return c >= '0' && c <= '9'; })) continue;
    note(std::stoll(stem), (**read).value("t", ""), (**read).value("x", ""));
    written_.insert(it->path().lexically_relative(root_ / dir_).generic_string());
  }
  if (error) return make_error(ErrorCode::kIo, "cannot list " + folder.string() + ": " + error.message());
  return write_all_buckets(buckets);
}

Result<std::size_t> SiteSearchWriter::remove_stale_files() {
  const std::filesystem::path site = root_ / dir_;
  std::error_code error;
  std::vector<std::filesystem::path> stale;
  for (auto it = std::filesystem::recursive_directory_iterator(site / "search", error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file() || it->path().extension() != ".js") continue;
    if (!written_.contains(it->path().lexically_relative(site).generic_string())) stale.push_back(it->path());
  }
  if (error) return make_error(ErrorCode::kIo, "cannot list " + (site / "search").string() + ": " + error.message());
  for (const auto& path : stale) {
    if (!std::filesystem::remove(path, error) && error) {
      return make_error(ErrorCode::kIo, "cannot remove " + path.string() + ": " + error.message());
    }
  }
  return stale.size();
}

Result<std::string> SiteSearchWriter::finish(std::size_t articles) {
  const std::size_t buckets = bucket_count(articles);
  auto meta = read_script(root_ / dir_ / "search/meta.js");
  if (!meta) return std::unexpected(meta.error());
  const bool current = *meta && (**meta).value("version", 0) == kVersion &&
                       (**meta).value("buckets", std::size_t{0}) == buckets;
  auto characters = read_script(root_ / dir_ / "search/characters.js");
  if (!characters) return std::unexpected(characters.error());
  if (!whole_ && *meta && *characters) {
    // The characters of articles this run did not touch are still there.
    std::string known = (**characters).value("han", "");
    for (std::size_t i = 0; i < known.size();) {
      const Utf8Char read = decode_utf8(std::string_view(known).substr(i));
      if (read.length == 0) break;
      han_.insert(read.code_point);
      i += read.length;
    }
    max_id_ = std::max(max_id_, (**meta).value("max", std::int64_t{0}));
  }
  Result<void> done;
  if (whole_) {
    done = write_all_buckets(buckets);
  } else if (!current) {
    done = rebuild_from_article_files(buckets);
  } else {
    done = apply_changes(buckets);
  }
  if (!done) return std::unexpected(done.error());
  const Json value = {{"version", kVersion}, {"buckets", buckets}, {"max", max_id_}};
  if (auto written = write("search/meta.js", script("meta", value)); !written) return std::unexpected(written.error());
  // For the next update only: the page has the t2s pairs these need.
  if (auto written = write("search/characters.js", script("characters", Json{{"han", utf8_of(han_)}})); !written) {
    return std::unexpected(written.error());
  }
  if (auto written = write("search/search.js", site_search_script()); !written) return std::unexpected(written.error());
  if (whole_) {
    if (auto removed = remove_stale_files(); !removed) return std::unexpected(removed.error());
  }
  return render_search_page(t2s_pairs(han_), buckets);
}

}  // namespace newsvault::publish
