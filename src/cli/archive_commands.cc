#include <iostream>
#include <memory>

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

int run_init(const std::string& dir, const GlobalOptions& global) {
  if (auto made = pipeline::Archive::init(dir); !made) return fail("init", made.error());
  if (!global.quiet) {
    std::cout << "created an archive in " << dir << " (settings: " << dir << "/"
              << pipeline::kConfigFileName << ")\n";
  }
  return kExitOk;
}

// With `full_text` (--full-text), the feed's [feeds.NAME] full_text is
// written into newsvault.toml too: checked before the feed is added, so a
// settings file that cannot take it adds nothing.
int run_add(const GlobalOptions& global, const std::string& url, std::string name,
            const std::string& adapter, const std::string& full_text) {
  auto archive = open_archive(global);
  if (!archive) return fail("add", archive.error());
  if (!adapter.empty()) {
    if (auto known = extract::builtin_adapter(adapter); !known) return fail("add", known.error());
  }
  if (name.empty()) name = pipeline::feed_name_from(url);
  // The name is a folder of the archive: it may not climb out of it.
  if (name.find_first_of("/\\") != std::string::npos || name.starts_with('.')) {
    return fail("add", Error(ErrorCode::kInvalidArgument,
                             "--name " + name + ": a feed's name names its folder; use no '/', '\\' or leading '.'"));
  }
  std::optional<std::string> settings;
  const auto config_file = (*archive)->root() / pipeline::kConfigFileName;
  if (!full_text.empty()) {
    if (!adapter.empty()) {
      return fail("add",
                  Error(ErrorCode::kInvalidArgument,
                        "--full-text: a feed with an adapter takes its articles from the adapter"));
    }
    auto text = read_input_file(config_file.string(), 64u * 1024 * 1024);
    if (!text) return fail("add", text.error());
    auto mode = pipeline::full_text_named(full_text);
    if (!mode) return fail("add", Error(ErrorCode::kInvalidArgument, "--full-text " + full_text));
    auto updated = pipeline::set_feed_full_text(*text, config_file.string(), name, *mode);
    if (!updated) return fail("add", updated.error());
    settings = std::move(*updated);
  }
  auto added = (*archive)->store().add_feed(name, url, adapter);
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
  if (!global.quiet) std::cout << "added " << added->name << ": " << added->url << "\n";
  return kExitOk;
}

int run_import_opml(const GlobalOptions& global, const std::string& file) {
  auto archive = open_archive(global);
  if (!archive) return fail("import-opml", archive.error());
  auto bytes = read_input_file(file, 64u * 1024 * 1024);
  if (!bytes) return fail("import-opml", bytes.error());
  auto outlines = pipeline::read_opml(*bytes, file);
  if (!outlines) return fail("import-opml", outlines.error());
  std::size_t added = 0;
  std::size_t skipped = 0;
  auto imported = (*archive)->store().transaction([&]() -> Result<void> {
    auto existing = (*archive)->store().feeds();
    if (!existing) return std::unexpected(existing.error());
    for (const pipeline::OpmlFeed& outline : *outlines) {
      const bool known_url = std::any_of(existing->begin(), existing->end(),
                                         [&](const auto& feed) { return feed.url == outline.url; });
      if (known_url) {
        ++skipped;
        continue;
      }
      std::string name = pipeline::feed_name_from(outline.name.empty() ? outline.url : outline.name);
      // Two outlines may share a title: number the later ones.
      for (int suffix = 2; (*archive)->store().feed_by_name(name).value_or(std::nullopt); ++suffix) {
        name = pipeline::feed_name_from(outline.name.empty() ? outline.url : outline.name) + "-" +
               std::to_string(suffix);
      }
      auto feed = (*archive)->store().add_feed(name, outline.url, outline.adapter);
      if (!feed) return std::unexpected(feed.error());
      ++added;
    }
    return {};
  });
  if (!imported) return fail("import-opml", imported.error());
  if (!global.quiet) {
    std::cout << "imported " << added << " feeds from " << file;
    if (skipped) std::cout << " (" << skipped << " already in the archive)";
    std::cout << "\n";
  }
  return kExitOk;
}

int run_export_opml(const GlobalOptions& global) {
  auto archive = open_archive(global, pipeline::Access::kRead);
  if (!archive) return fail("export-opml", archive.error());
  auto feeds = (*archive)->store().feeds();
  if (!feeds) return fail("export-opml", feeds.error());
  std::cout << pipeline::write_opml(*feeds);
  return kExitOk;
}

int run_list(const GlobalOptions& global, const std::string& feed_name, bool feeds_only) {
  auto archive = open_archive(global, pipeline::Access::kRead);
  if (!archive) return fail("list", archive.error());
  store::Store& store = (*archive)->store();
  if (feeds_only) {
    auto feeds = store.feeds();
    if (!feeds) return fail("list", feeds.error());
    for (const store::FeedRecord& feed : *feeds) {
      std::cout << feed.name << "\t" << feed.url << "\t"
                << (feed.adapter.empty() ? "-" : feed.adapter) << "\t"
                << (feed.last_error.empty() ? "ok" : "error: " + feed.last_error) << "\n";
    }
    return kExitOk;
  }
  std::optional<std::int64_t> feed_id;
  if (!feed_name.empty()) {
    auto feed = store.feed_by_name(feed_name);
    if (!feed) return fail("list", feed.error());
    if (!*feed) return fail("list", Error(ErrorCode::kNotFound, "no feed named " + feed_name));
    feed_id = (*feed)->id;
  }
  auto articles = store.articles(feed_id);
  if (!articles) return fail("list", articles.error());
  for (const store::ArticleSummary& article : *articles) {
    std::cout << article.id << "\t" << date_of(article.published) << "\t" << article.feed_name
              << "\t" << article.title;
    if (article.revisions > 1) std::cout << "\t(" << article.revisions << " revisions)";
    std::cout << "\n";
  }
  return kExitOk;
}

int run_show(const GlobalOptions& global, std::int64_t id) {
  auto archive = open_archive(global, pipeline::Access::kRead);
  if (!archive) return fail("show", archive.error());
  store::Store& store = (*archive)->store();
  auto article = store.article(id);
  if (!article) return fail("show", article.error());
  if (!*article) return fail("show", Error(ErrorCode::kNotFound, "no article " + std::to_string(id)));
  const store::ArticleSummary& summary = **article;
  std::cout << "title:     " << summary.title << "\n"
            << "url:       " << summary.url << "\n"
            << "feed:      " << summary.feed_name << "\n"
            << "key:       " << summary.key << "\n"
            << "published: " << (summary.published ? format_iso8601_millis(*summary.published) : "-")
            << "\n"
            << "first seen " << format_iso8601_seconds(summary.first_seen) << ", last changed "
            << format_iso8601_seconds(summary.last_changed) << "\n"
            << "document:  " << summary.document_path << "\n";
  auto revisions = store.revisions(id);
  if (!revisions) return fail("show", revisions.error());
  std::cout << "revisions:\n";
  for (const store::StoredRevision& revision : *revisions) {
    std::cout << "  " << revision.number << "  " << format_iso8601_seconds(revision.seen_at) << "  "
              << revision.content_hash.substr(0, 12) << "  " << revision.revision.title << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_archive_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto init_dir = std::make_shared<std::string>();
  CLI::App* init = app.add_subcommand("init", "Create an archive: settings and store.");
  init->add_option("DIR", *init_dir, "The archive's folder (default: --dir)");
  init->callback([&action, &global, init_dir] {
    action = [&global, init_dir] { return run_init(init_dir->empty() ? global.dir : *init_dir, global); };
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

  auto opml_file = std::make_shared<std::string>();
  CLI::App* import = app.add_subcommand("import-opml", "Add the feeds of an OPML file.");
  import->add_option("FILE", *opml_file, "The OPML file (- for stdin)")->required();
  import->callback([&action, &global, opml_file] {
    action = [&global, opml_file] { return run_import_opml(global, *opml_file); };
  });

  CLI::App* export_opml = app.add_subcommand("export-opml", "Print the archive's feeds as OPML.");
  export_opml->callback([&action, &global] { action = [&global] { return run_export_opml(global); }; });

  struct ListArguments {
    std::string feed;
    bool feeds = false;
  };
  auto list_arguments = std::make_shared<ListArguments>();
  CLI::App* list = app.add_subcommand("list", "List the archived articles, newest first.");
  list->add_option("--feed", list_arguments->feed, "Only this feed's articles");
  list->add_flag("--feeds", list_arguments->feeds, "List the feeds instead, with their state");
  list->callback([&action, &global, list_arguments] {
    action = [&global, list_arguments] {
      return run_list(global, list_arguments->feed, list_arguments->feeds);
    };
  });

  auto show_id = std::make_shared<std::int64_t>(0);
  CLI::App* show = app.add_subcommand("show", "Show one article and its revisions.");
  show->add_option("ID", *show_id, "The article's number, as 'list' prints it")->required();
  show->callback([&action, &global, show_id] {
    action = [&global, show_id] { return run_show(global, *show_id); };
  });
}

}  // namespace newsvault::cli
