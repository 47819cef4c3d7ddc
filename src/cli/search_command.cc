// newsvault search: the articles matching a query, from the search index
// (docs/internals/search.md).
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"
#include "search/search.h"

namespace newsvault::cli {
namespace {

struct SearchArguments {
  std::vector<std::string> words;
  bool json = false;
  bool rebuild = false;
  std::size_t limit = 20;
  std::string feed;
  std::string since;
};

int search_failed(const Error& error) {
  std::cerr << "newsvault search: " << error.message() << "\n";
  return kExitFailure;
}

int run_rebuild(const GlobalOptions& global) {
  auto archive = pipeline::Archive::open(global.dir, pipeline::Access::kReadWrite);
  if (!archive) return search_failed(archive.error());
  auto indexed = search::rebuild((*archive)->store());
  if (!indexed) return search_failed(indexed.error());
  if (!global.quiet) std::cout << "search index built: " << *indexed << " articles\n";
  return kExitOk;
}

nlohmann::json hit_json(const search::Hit& hit) {
  return {{"id", hit.id},
          {"url", hit.url},
          {"title", hit.title},
          {"feed", hit.feed},
          {"published", hit.published ? nlohmann::json(format_iso8601_millis(*hit.published))
                                      : nlohmann::json(nullptr)},
          {"snippet", hit.snippet}};
}

int run_search(const GlobalOptions& global, const SearchArguments& arguments) {
  if (arguments.rebuild) return run_rebuild(global);
  search::Query query;
  for (const std::string& word : arguments.words) query.text += (query.text.empty() ? "" : " ") + word;
  query.limit = arguments.limit;
  if (!arguments.feed.empty()) query.feed = arguments.feed;
  if (!arguments.since.empty()) {
    query.since = parse_date(arguments.since);
    if (!query.since) {
      std::cerr << "newsvault search: --since " << arguments.since
                << ": not a date (2024-05-01, or any ISO 8601 time)\n";
      return kExitUsage;
    }
  }
  // Reading needs no write access: a read-only copy of an archive searches.
  auto archive = pipeline::Archive::open(global.dir, pipeline::Access::kRead);
  if (!archive) return search_failed(archive.error());
  auto hits = search::search((*archive)->store(), query);
  if (!hits) return search_failed(hits.error());
  if (arguments.json) {
    nlohmann::json out = {{"query", query.text}, {"results", nlohmann::json::array()}};
    for (const search::Hit& hit : *hits) out["results"].push_back(hit_json(hit));
    std::cout << out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  for (const search::Hit& hit : *hits) {
    const std::string date = hit.published ? format_iso8601_seconds(*hit.published).substr(0, 10) : "";
    std::cout << hit.id << "\t" << date << "\t" << terminal_text(hit.feed) << "\t"
              << terminal_text(hit.title) << "\n\t" << terminal_text(hit.snippet) << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_search_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto arguments = std::make_shared<SearchArguments>();
  CLI::App* search = app.add_subcommand("search", "Find articles by words in their title or text.");
  search->add_option("QUERY", arguments->words,
                     "Terms that must all match: Chinese as substrings in either script, "
                     "other words whole");
  search->add_flag("--json", arguments->json, "Print JSON: {\"results\": [...]}");
  search->add_option("--limit", arguments->limit, "At most this many results (default 20)");
  search->add_option("--feed", arguments->feed, "Only articles this feed lists");
  search->add_option("--since", arguments->since, "Only articles published since this date");
  search->add_flag("--rebuild", arguments->rebuild,
                   "Build the search index again from every article's latest revision");
  search->callback([&action, &global, arguments] {
    action = [&global, arguments] {
      if (!arguments->rebuild && arguments->words.empty()) {
        std::cerr << "newsvault search: give a QUERY, or --rebuild\n";
        return kExitUsage;
      }
      return run_search(global, *arguments);
    };
  });
}

}  // namespace newsvault::cli
