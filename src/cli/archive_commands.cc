#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"

namespace newsvault::cli {
namespace {

int fail(std::string_view command, const Error& error) {
  std::cerr << "newsvault " << command << ": " << error.message() << "\n";
  return kExitFailure;
}

Result<std::unique_ptr<pipeline::Archive>> open_archive(
    const GlobalOptions& global, pipeline::Access access = pipeline::Access::kReadWrite) {
  return pipeline::Archive::open(global.dir, access);
}

std::string date_of(const std::optional<Timestamp>& time) {
  return time ? format_iso8601_seconds(*time).substr(0, 10) : std::string(10, ' ');
}

int run_init(const std::string& dir, const std::string& store_url, const GlobalOptions& global) {
  if (auto made = pipeline::Archive::init(dir, store_url); !made) return fail("init", made.error());
  if (!global.quiet) {
    std::cout << "created an archive in " << dir << " (settings: " << dir << "/"
              << pipeline::kConfigFileName;
    if (!store_url.empty()) std::cout << "; store: " << store::display_location(store_url);
    std::cout << ")\n";
  }
  return kExitOk;
}

// The feed `url` (as feed_url_from_argument gives it) stands for: itself,
// or the one feed of the web page it is, said on stdout. Refused, naming
// the URL, when the archive has it, when it cannot be read, and when it is
// a page linking to no feed or to several (listed for the user to choose).
Result<std::string> feed_to_add(pipeline::Archive& archive, const std::string& url,
                                const GlobalOptions& global) {
  const std::filesystem::path here = std::filesystem::current_path();
  auto feeds = archive.store().feeds();
  if (!feeds) return std::unexpected(feeds.error());
  const auto refuse_known = [&](const std::string& candidate) -> Result<void> {
    if (auto known = pipeline::feed_with_url(*feeds, candidate, here)) {
      return make_error(ErrorCode::kInvalidArgument,
                        candidate + ": already in the archive as feed " + known->name);
    }
    return {};
  };
  if (auto known = refuse_known(url); !known) return std::unexpected(known.error());
  auto client = fetch::make_http_client(archive.config().fetch);
  auto found = pipeline::discover_feeds(*client, url, archive.config().parse);
  if (!found) return std::unexpected(found.error());
  if (found->is_feed) return url;
  if (found->links.empty()) {
    return make_error(ErrorCode::kNotFound,
                      url + ": a web page that links to no feed (no <link rel=\"alternate\"> of "
                            "an RSS, Atom or JSON Feed type); add the feed's own URL");
  }
  if (found->links.size() > 1) {
    std::string list;
    for (const extract::FeedLink& link : found->links) {
      list += "\n  " + link.url + (link.title.empty() ? "" : "  \"" + link.title + "\"");
    }
    return make_error(ErrorCode::kInvalidArgument,
                      url + ": a web page that links to " + std::to_string(found->links.size()) +
                          " feeds; add the one you want by its URL:" + list);
  }
  auto feed_url = pipeline::feed_url_from_argument(found->links.front().url, here);
  if (!feed_url) return std::unexpected(feed_url.error());
  if (auto known = refuse_known(*feed_url); !known) return std::unexpected(known.error());
  if (!global.quiet) std::cout << "found feed " << *feed_url << " in " << url << "\n";
  return std::move(*feed_url);
}

// With `full_text` (--full-text), the feed's [feeds.NAME] full_text is
// written into newsvault.toml too: checked before the feed is added, so a
// settings file that cannot take it adds nothing. The URL is checked
// (feed_url_from_argument) and read (feed_to_add) before anything is
// written.
int run_add(const GlobalOptions& global, const std::string& argument, std::string name,
            const std::string& adapter, const std::string& full_text) {
  auto archive = open_archive(global);
  if (!archive) return fail("add", archive.error());
  if (!adapter.empty()) {
    if (auto known = extract::builtin_adapter(adapter); !known) return fail("add", known.error());
  }
  // The name is a folder of the archive: it may neither climb out of it
  // nor take a name the archive's own files have.
  if (!name.empty()) {
    if (auto problem = pipeline::feed_name_problem(name, (*archive)->config().site.dir)) {
      return fail("add", Error(ErrorCode::kInvalidArgument, "--name: " + *problem));
    }
  }
  if (!full_text.empty() && !adapter.empty()) {
    return fail("add",
                Error(ErrorCode::kInvalidArgument,
                      "--full-text: a feed with an adapter takes its articles from the adapter"));
  }
  auto given = pipeline::feed_url_from_argument(argument, std::filesystem::current_path());
  if (!given) {
    fail("add", given.error());
    return kExitUsage;
  }
  auto url = feed_to_add(**archive, *given, global);
  if (!url) return fail("add", url.error());
  // Named after what was typed, unless that was a page and not the feed.
  if (name.empty()) {
    name = pipeline::feed_name_from(*url == *given ? argument : *url);
    if (auto problem = pipeline::feed_name_problem(name, (*archive)->config().site.dir)) {
      return fail("add", Error(ErrorCode::kInvalidArgument, *problem + " (named after the URL: give --name)"));
    }
  }
  std::optional<std::string> settings;
  const auto config_file = (*archive)->root() / pipeline::kConfigFileName;
  if (!full_text.empty()) {
    auto text = read_input_file(config_file.string(), 64u * 1024 * 1024);
    if (!text) return fail("add", text.error());
    auto mode = pipeline::full_text_named(full_text);
    if (!mode) return fail("add", Error(ErrorCode::kInvalidArgument, "--full-text " + full_text));
    auto updated = pipeline::set_feed_full_text(*text, config_file.string(), name, *mode);
    if (!updated) return fail("add", updated.error());
    settings = std::move(*updated);
  }
  auto added = (*archive)->store().add_feed(name, *url, adapter);
  if (!added) return fail("add", added.error());
  if (settings) {
    auto written =
        publish::write_file_atomically((*archive)->root(), pipeline::kConfigFileName, *settings);
    if (!written) {
      return fail("add", Error(ErrorCode::kIo, "added " + added->name +
                                                   ", but its full_text was not saved: " +
                                                   written.error().message()));
    }
  }
  if (!global.quiet) std::cout << "added " << added->name << ": " << redact_url(added->url) << "\n";
  warn_about_settings("add", **archive);
  return kExitOk;
}

// An OPML file is often someone else's list: it is data, not commands. Its
// outlines may add web feeds; a local file or file:// URL (which fetch
// would read, and publish would publish) only with --allow-local. Each
// outline left out is named on stderr with why.
int run_import_opml(const GlobalOptions& global, const std::string& file, bool allow_local) {
  auto archive = open_archive(global);
  if (!archive) return fail("import-opml", archive.error());
  auto bytes = read_input_file(file, 64u * 1024 * 1024);
  if (!bytes) return fail("import-opml", bytes.error());
  auto outlines = pipeline::read_opml(*bytes, file);
  if (!outlines) return fail("import-opml", outlines.error());
  std::size_t added = 0;
  std::size_t known = 0;
  std::vector<std::string> skipped;
  std::set<std::string> added_urls;
  const auto is_web_url = [](std::string_view url) {
    const auto starts_with = [&](std::string_view prefix) {
      return url.size() >= prefix.size() &&
             std::equal(prefix.begin(), prefix.end(), url.begin(),
                        [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    };
    return starts_with("http://") || starts_with("https://");
  };
  // The settings the outlines carry go into newsvault.toml once the feeds
  // are in the store; an outline whose settings cannot be taken is skipped.
  const auto config_file = (*archive)->root() / pipeline::kConfigFileName;
  auto settings_before = read_input_file(config_file.string(), 64u * 1024 * 1024);
  if (!settings_before) return fail("import-opml", settings_before.error());
  std::string settings = *settings_before;
  auto imported = (*archive)->store().transaction([&]() -> Result<void> {
    auto existing = (*archive)->store().feeds();
    if (!existing) return std::unexpected(existing.error());
    for (const pipeline::OpmlFeed& outline : *outlines) {
      std::string url = outline.url;
      const std::string named = (outline.name.empty() ? "" : outline.name + " ") + "(" + url + ")";
      if (!is_web_url(url)) {
        if (!allow_local) {
          skipped.push_back(named + ": not an http or https URL (--allow-local takes file:// URLs "
                                    "and local paths)");
          continue;
        }
        std::error_code ignored;
        auto local = pipeline::feed_url_from_argument(url, std::filesystem::current_path(ignored));
        if (!local) {
          skipped.push_back(named + ": " + local.error().message());
          continue;
        }
        url = std::move(*local);
      }
      // Known before, or earlier in this file (a path and its file:// URL).
      const bool known_url = std::any_of(existing->begin(), existing->end(),
                                         [&](const auto& feed) { return feed.url == url; });
      if (known_url || !added_urls.insert(url).second) {
        ++known;
        continue;
      }
      if (!outline.adapter.empty()) {
        if (auto adapter = extract::builtin_adapter(outline.adapter); !adapter) {
          skipped.push_back(named + ": newsvault:adapter=\"" + outline.adapter + "\": " +
                            adapter.error().message());
          added_urls.erase(url);
          continue;
        }
      }
      // The name an export gave it, when it is free and fit; else one made
      // from its title (two outlines may share one: later ones numbered).
      const auto free_name = [&](const std::string& name) {
        return !(*archive)->store().feed_by_name(name).value_or(std::nullopt) &&
               !pipeline::feed_name_problem(name, (*archive)->config().site.dir);
      };
      std::string name = outline.feed_name;
      if (name.empty() || !free_name(name)) {
        const std::string base = pipeline::feed_name_from(outline.name.empty() ? url : outline.name);
        name = base;
        for (int suffix = 2; (*archive)->store().feed_by_name(name).value_or(std::nullopt); ++suffix) {
          name = base + "-" + std::to_string(suffix);
        }
      }
      if (auto problem = pipeline::feed_name_problem(name, (*archive)->config().site.dir)) {
        skipped.push_back(named + ": " + *problem);
        added_urls.erase(url);
        continue;
      }
      auto with_settings = pipeline::settings_from_opml(settings, config_file.string(), name, outline);
      if (!with_settings) {
        skipped.push_back(named + ": " + with_settings.error().message());
        added_urls.erase(url);
        continue;
      }
      auto feed = (*archive)->store().add_feed(name, url, outline.adapter);
      if (!feed) return std::unexpected(feed.error());
      settings = std::move(*with_settings);
      ++added;
    }
    return {};
  });
  if (!imported) return fail("import-opml", imported.error());
  if (settings != *settings_before) {
    if (auto written = publish::write_file_atomically((*archive)->root(), pipeline::kConfigFileName, settings);
        !written) {
      return fail("import-opml", Error(ErrorCode::kIo, "added " + std::to_string(added) +
                                                           " feeds, but their settings were not saved: " +
                                                           written.error().message()));
    }
  }
  // On stderr, -q or not: what a stranger's list tried is worth seeing.
  for (const std::string& line : skipped) std::cerr << "import-opml: skipped " << line << "\n";
  if (!global.quiet) {
    std::cout << "imported " << added << " feeds from " << file;
    if (known) std::cout << " (" << known << " already in the archive)";
    if (!skipped.empty()) std::cout << " (" << skipped.size() << " skipped)";
    std::cout << "\n";
  }
  return kExitOk;
}

int run_export_opml(const GlobalOptions& global) {
  auto archive = open_archive(global, pipeline::Access::kRead);
  if (!archive) return fail("export-opml", archive.error());
  auto feeds = (*archive)->store().feeds();
  if (!feeds) return fail("export-opml", feeds.error());
  std::cout << pipeline::write_opml(*feeds, (*archive)->config());
  return kExitOk;
}

nlohmann::json time_json(const std::optional<Timestamp>& time) {
  return time ? nlohmann::json(format_iso8601_millis(*time)) : nlohmann::json(nullptr);
}

// Text that may hold bytes that are not UTF-8: replaced, never a failure.
std::string json_text(const nlohmann::json& json) {
  return json.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What became of an article at its source, for people: "" while listed.
std::string status_text(const store::ArticleSummary& article) {
  if (article.removed_at) {
    return "removed at the source " + format_iso8601_seconds(*article.removed_at) +
           (article.removed_reason.empty() ? "" : " (" + article.removed_reason + ")");
  }
  if (article.delisted_at) return "no longer listed since " + format_iso8601_seconds(*article.delisted_at);
  return "";
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

nlohmann::json article_json(const store::ArticleSummary& article) {
  return {{"id", article.id},
          {"title", article.title},
          {"url", article.url},
          {"feed", article.feed_name},
          {"feeds", article.feed_names},
          {"key", article.key},
          {"published", time_json(article.published)},
          {"first_seen", time_json(article.first_seen)},
          {"last_changed", time_json(article.last_changed)},
          {"revisions", article.revisions},
          {"source_changes", article.source_changes},
          {"document", article.document_path},
          {"status", store::status_name(store::status_of(article))},
          {"delisted_at", time_json(article.delisted_at)},
          {"removed_at", time_json(article.removed_at)},
          {"removed_reason", article.removed_reason.empty() ? nlohmann::json(nullptr)
                                                            : nlohmann::json(article.removed_reason)}};
}

int list_feeds(pipeline::Archive& archive, bool json) {
  store::Store& store = archive.store();
  auto states = pipeline::feed_states(archive);
  if (!states) return fail("list", states.error());
  auto feeds = store.feeds();
  if (!feeds) return fail("list", feeds.error());
  auto pending = store.pending_work(std::nullopt);
  if (!pending) return fail("list", pending.error());
  std::map<std::int64_t, std::vector<const store::PendingWork*>> waiting;
  for (const store::PendingWork& work : *pending) {
    if (work.kind != "recheck") waiting[work.feed_id].push_back(&work);
  }
  nlohmann::json out = {{"feeds", nlohmann::json::array()}};
  for (const store::FeedRecord& feed : *feeds) {
    const auto& items = waiting[feed.id];
    if (json) {
      nlohmann::json pending_items = nlohmann::json::array();
      for (const store::PendingWork* work : items) {
        pending_items.push_back({{"kind", work->kind},
                                 {"key", work->key},
                                 {"url", redact_url(work->url)},
                                 {"attempts", work->attempts},
                                 {"next_attempt", time_json(work->next_attempt)},
                                 {"error", redact_urls(work->last_error)}});
      }
      out["feeds"].push_back({{"name", feed.name},
                              {"url", redact_url(feed.url)},
                              {"adapter", feed.adapter},
                              {"last_fetched", time_json(feed.last_fetched)},
                              {"state", feed.last_error.empty() ? "ok" : "error"},
                              {"polling", pipeline::feed_state_name(states->at(feed.id))},
                              {"error", redact_urls(feed.last_error)},
                              {"pending", std::move(pending_items)}});
      continue;
    }
    std::cout << terminal_text(feed.name) << "\t" << terminal_text(redact_url(feed.url)) << "\t"
              << (feed.adapter.empty() ? "-" : terminal_text(feed.adapter)) << "\t"
              << (feed.last_error.empty() ? "ok" : "error: " + terminal_text(redact_urls(feed.last_error)));
    if (!items.empty()) {
      std::cout << "\t" << items.size() << " pending (" << terminal_text(redact_urls(items.front()->last_error)) << ")";
    }
    std::cout << "\n";
  }
  if (json) std::cout << json_text(out) << "\n";
  return kExitOk;
}

int run_list(const GlobalOptions& global, const std::string& feed_name, bool feeds_only, bool json) {
  auto archive = open_archive(global, pipeline::Access::kRead);
  if (!archive) return fail("list", archive.error());
  warn_about_settings("list", **archive);
  store::Store& store = (*archive)->store();
  if (feeds_only) return list_feeds(**archive, json);
  std::optional<std::int64_t> feed_id;
  if (!feed_name.empty()) {
    auto feed = store.feed_by_name(feed_name);
    if (!feed) return fail("list", feed.error());
    if (!*feed) return fail("list", Error(ErrorCode::kNotFound, "no feed named " + feed_name));
    feed_id = (*feed)->id;
  }
  auto articles = store.articles(feed_id);
  if (!articles) return fail("list", articles.error());
  if (json) {
    nlohmann::json out = {{"articles", nlohmann::json::array()}};
    for (const store::ArticleSummary& article : *articles) out["articles"].push_back(article_json(article));
    std::cout << json_text(out) << "\n";
    return kExitOk;
  }
  for (const store::ArticleSummary& article : *articles) {
    std::cout << article.id << "\t" << date_of(article.published) << "\t"
              << terminal_text(joined(article.feed_names, ",")) << "\t" << terminal_text(article.title);
    if (article.revisions > 1) std::cout << "\t(" << article.revisions << " revisions)";
    if (const std::string status = status_text(article); !status.empty()) {
      std::cout << "\t[" << terminal_text(status) << "]";
    }
    std::cout << "\n";
  }
  return kExitOk;
}

nlohmann::json revision_json(const store::StoredRevision& stored) {
  const store::Provenance& from = stored.revision.provenance;
  auto text_or_null = [](const std::string& value) {
    return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
  };
  return {{"number", stored.number},
          {"seen_at", time_json(stored.seen_at)},
          {"cause", store::cause_name(from.cause)},
          {"note", text_or_null(from.note)},
          {"title", stored.revision.title},
          {"url", stored.revision.url},
          {"content_hash", stored.content_hash},
          {"origin", text_or_null(from.origin)},
          {"fetched", {{"url", text_or_null(from.url)},
                       {"http_status", from.http_status == 0 ? nlohmann::json(nullptr)
                                                             : nlohmann::json(from.http_status)},
                       {"etag", text_or_null(from.etag)},
                       {"last_modified", text_or_null(from.last_modified)}}},
          {"payload_hash", text_or_null(from.payload_hash)},
          {"entry_hash", text_or_null(from.entry_hash)},
          {"warc_record", text_or_null(from.record)},
          {"document", stored.revision.document_path}};
}

int run_show(const GlobalOptions& global, std::int64_t id, bool json) {
  auto archive = open_archive(global, pipeline::Access::kRead);
  if (!archive) return fail("show", archive.error());
  store::Store& store = (*archive)->store();
  auto article = store.article(id);
  if (!article) return fail("show", article.error());
  if (!*article) return fail("show", Error(ErrorCode::kNotFound, "no article " + std::to_string(id)));
  const store::ArticleSummary& summary = **article;
  auto revisions = store.revisions(id);
  if (!revisions) return fail("show", revisions.error());
  if (json) {
    nlohmann::json out = article_json(summary);
    out["revisions"] = nlohmann::json::array();
    for (const store::StoredRevision& revision : *revisions) out["revisions"].push_back(revision_json(revision));
    std::cout << json_text(out) << "\n";
    return kExitOk;
  }
  std::cout << "title:     " << terminal_text(summary.title) << "\n"
            << "url:       " << terminal_text(summary.url) << "\n"
            << "feed:      " << terminal_text(joined(summary.feed_names, ", ")) << "\n"
            << "key:       " << terminal_text(summary.key) << "\n"
            << "published: " << (summary.published ? format_iso8601_millis(*summary.published) : "-")
            << "\n"
            << "first seen " << format_iso8601_seconds(summary.first_seen) << ", last changed "
            << format_iso8601_seconds(summary.last_changed) << "\n"
            << "status:    " << store::status_name(store::status_of(summary));
  if (const std::string status = status_text(summary); !status.empty()) {
    std::cout << ", " << terminal_text(status);
  }
  std::cout << "\n"
            << "document:  " << terminal_text(summary.document_path) << "\n";
  std::cout << "revisions:\n";
  for (const store::StoredRevision& revision : *revisions) {
    const store::Provenance& from = revision.revision.provenance;
    std::cout << "  " << revision.number << "  " << format_iso8601_seconds(revision.seen_at) << "  "
              << revision.content_hash.substr(0, 12) << "  " << store::cause_name(from.cause);
    if (!from.note.empty()) std::cout << ": " << terminal_text(from.note);
    if (!from.url.empty()) {
      std::cout << " (" << (from.origin.empty() ? "fetched" : terminal_text(from.origin)) << " "
                << terminal_text(from.url);
      if (from.http_status != 0) std::cout << ", HTTP " << from.http_status;
      std::cout << ")";
    }
    std::cout << "  " << terminal_text(revision.revision.title) << "\n";
  }
  return kExitOk;
}

}  // namespace

void warn_about_settings(std::string_view command, pipeline::Archive& archive) {
  auto feeds = archive.store().feeds();
  if (!feeds) return;  // the command reports a store it cannot read
  const std::string file = (archive.root() / pipeline::kConfigFileName).string();
  for (const std::string& warning : pipeline::feed_settings_warnings(archive.config(), *feeds)) {
    std::cerr << "newsvault " << command << ": warning: " << file << ": " << warning << "\n";
  }
}

void add_archive_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto init_dir = std::make_shared<std::string>();
  CLI::App* init = app.add_subcommand("init", "Create an archive: settings and store.");
  auto init_store = std::make_shared<std::string>();
  init->add_option("DIR", *init_dir, "The archive's folder (default: --dir)");
  init->add_option("--store", *init_store,
                   "A PostgreSQL connection URI (postgresql://...) to keep the store in, written to "
                   "newsvault.toml as [store] url; the password from PGPASSWORD or ~/.pgpass "
                   "(default: the SQLite file .newsvault/store.db)");
  init->callback([&action, &global, init_dir, init_store] {
    action = [&global, init_dir, init_store] {
      return run_init(init_dir->empty() ? global.dir : *init_dir, *init_store, global);
    };
  });

  struct AddArguments {
    std::string url, name, adapter, full_text;
  };
  auto add_arguments = std::make_shared<AddArguments>();
  CLI::App* add = app.add_subcommand("add", "Add a feed to the archive.");
  add->add_option("URL", add_arguments->url, "The feed's URL, a file:// URL or a local path")->required();
  add->add_option("--name", add_arguments->name, "A short name; names the feed's folder");
  add->add_option("--adapter", add_arguments->adapter, "A site adapter for full articles (dw)");
  add->add_option(
         "--full-text", add_arguments->full_text,
         "Where articles come from, saved as [feeds.NAME] full_text in newsvault.toml: "
         "auto (the web page of a teaser entry; the default), always (every entry's page), "
         "never (the feed's own content)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  add->callback([&action, &global, add_arguments] {
    action = [&global, add_arguments] {
      return run_add(global, add_arguments->url, add_arguments->name, add_arguments->adapter,
                     add_arguments->full_text);
    };
  });

  struct ImportArguments {
    std::string file;
    bool allow_local = false;
  };
  auto import_arguments = std::make_shared<ImportArguments>();
  CLI::App* import = app.add_subcommand("import-opml", "Add the feeds of an OPML file.");
  import->add_option("FILE", import_arguments->file, "The OPML file (- for stdin)")->required();
  import->add_flag("--allow-local", import_arguments->allow_local,
                   "Also add outlines that are local paths or file:// URLs");
  import->callback([&action, &global, import_arguments] {
    action = [&global, import_arguments] {
      return run_import_opml(global, import_arguments->file, import_arguments->allow_local);
    };
  });

  CLI::App* export_opml = app.add_subcommand("export-opml", "Print the archive's feeds as OPML.");
  export_opml->callback([&action, &global] { action = [&global] { return run_export_opml(global); }; });

  struct ListArguments {
    std::string feed;
    bool feeds = false;
    bool json = false;
  };
  auto list_arguments = std::make_shared<ListArguments>();
  CLI::App* list = app.add_subcommand("list", "List the archived articles, newest first.");
  list->add_option("--feed", list_arguments->feed, "Only this feed's articles");
  list->add_flag("--feeds", list_arguments->feeds, "List the feeds instead, with their state");
  list->add_flag("--json", list_arguments->json, "Print JSON (docs/archive-json.md)");
  list->callback([&action, &global, list_arguments] {
    action = [&global, list_arguments] {
      return run_list(global, list_arguments->feed, list_arguments->feeds, list_arguments->json);
    };
  });

  struct ShowArguments {
    std::int64_t id = 0;
    bool json = false;
  };
  auto show_arguments = std::make_shared<ShowArguments>();
  CLI::App* show = app.add_subcommand("show", "Show one article and its revisions.");
  show->add_option("ID", show_arguments->id, "The article's number, as 'list' prints it")->required();
  show->add_flag("--json", show_arguments->json, "Print JSON (docs/archive-json.md)");
  show->callback([&action, &global, show_arguments] {
    action = [&global, show_arguments] {
      return run_show(global, show_arguments->id, show_arguments->json);
    };
  });
}

}  // namespace newsvault::cli
