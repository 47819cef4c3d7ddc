// Renaming a feed, editing its settings, and purging it.
//
//   rename_feed: store (name + planned moves) ─► newsvault.toml ─► run_publish
//                (moves by rename(2), rebuild, one commit)
//   edit_feed:   store (adapter) ─► newsvault.toml
//   purge_feed:  store (feed, its articles + planned removals) ─► state file ─►
//                newsvault.toml ─► search index ─► run_publish (removals, rebuild, one commit)
//
// Each writes the store first, in one transaction that also records the
// files to move or remove (store.h, relayout), so that a run killed at any
// point leaves work the next run finishes (document_moves.h), never a
// store and a folder that disagree.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "pipeline/document_moves.h"
#include "pipeline/feed_management.h"
#include "pipeline/run_guard.h"
#include "search/search.h"

namespace newsvault::pipeline {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_settings(const Archive& archive) {
  const fs::path file = archive.root() / kConfigFileName;
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, file.string() + ": cannot be read");
  return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Result<void> write_settings(const Archive& archive, const std::string& before, const std::string& after) {
  if (before == after) return {};
  return publish::write_file_atomically(archive.root(), kConfigFileName, after);
}

// The files publish writes in a feed's folder besides its documents (its
// indexes and feeds out), as they are on disk: written again by the next
// publish wherever the feed's articles are then.
std::vector<std::string> folder_outputs(const fs::path& root, const std::string& folder) {
  std::vector<std::string> outputs;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(root / folder, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name == "README.md" || name == "atom.xml" || name == "rss.xml" || name == "feed.json") {
      outputs.push_back(it->path().lexically_relative(root).generic_string());
    }
  }
  return outputs;
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string conversions_literal(const std::vector<publish::ChineseConversion>& conversions) {
  std::string literal = "[";
  for (const publish::ChineseConversion conversion : conversions) {
    literal += (literal.size() > 1 ? ", " : "") + quoted(publish::chinese_conversion_name(conversion));
  }
  return literal + "]";
}

std::string conversions_text(const std::vector<publish::ChineseConversion>& conversions) {
  return conversions.empty() ? "none" : conversions_literal(conversions);
}

// Publishes after a change of the feeds: every document and index from the
// store, the site, one commit with `message`.
Result<PublishSummary> republish(Archive& archive, Timestamp now, std::string message) {
  PublishRequest request;
  request.now = now;
  request.rebuild = true;
  request.write_site = archive.config().site_enabled;
  request.message = std::move(message);
  return run_publish(archive, request);
}

}  // namespace

Result<PublishSummary> rename_feed(Archive& archive, std::string_view old_name,
                                   std::string_view new_name, Timestamp now) {
  {
    auto guard = RunGuard::acquire(archive.root());
    if (!guard) return std::unexpected(guard.error());
    auto feed = feed_named(archive, old_name);
    if (!feed) return std::unexpected(feed.error());
    const std::string wanted(new_name);
    if (wanted == feed->name) {
      return make_error(ErrorCode::kInvalidArgument, "the feed is named " + wanted + " already");
    }
    if (auto problem = feed_name_problem(wanted, archive.config().site.dir)) {
      return make_error(ErrorCode::kInvalidArgument, *problem);
    }
    auto taken = archive.store().feed_by_name(wanted);
    if (!taken) return std::unexpected(taken.error());
    if (*taken) return make_error(ErrorCode::kInvalidArgument, "a feed named " + wanted + " already exists");
    const std::string old_folder = publish::feed_folder(feed->name);
    const std::string new_folder = publish::feed_folder(wanted);
    std::error_code error;
    if (new_folder != old_folder && fs::exists(fs::symlink_status(archive.root() / new_folder, error))) {
      return make_error(ErrorCode::kInvalidArgument,
                        "feed name \"" + wanted + "\": its folder " + new_folder +
                            " is in the archive already (move it away first)");
    }
    auto settings = read_settings(archive);
    if (!settings) return std::unexpected(settings.error());
    auto renamed_settings = rename_feed_settings(
        *settings, (archive.root() / kConfigFileName).string(), feed->name, wanted);
    if (!renamed_settings) return std::unexpected(renamed_settings.error());

    auto layout = archive.store().layout();
    if (!layout) return std::unexpected(layout.error());
    auto articles = archive.store().articles(feed->id);
    if (!articles) return std::unexpected(articles.error());
    std::vector<store::ArticlePath> paths;
    std::vector<store::DocumentMove> moves;
    if (new_folder != old_folder) {
      for (const store::ArticleSummary& article : *articles) {
        const std::string& path = article.document_path;
        if (!path.starts_with(old_folder + "/")) continue;  // another feed's folder holds it
        const std::string moved = new_folder + path.substr(old_folder.size());
        paths.push_back({article.id, moved});
        moves.push_back({path, moved});
        for (const publish::ChineseConversion conversion : kAllConversions) {
          moves.push_back({publish::converted_document_path(path, conversion),
                           publish::converted_document_path(moved, conversion)});
        }
      }
      for (std::string& output : folder_outputs(archive.root(), old_folder)) moves.push_back({output, ""});
    }
    auto stored = archive.store().transaction([&]() -> Result<void> {
      if (auto updated = archive.store().update_feed(feed->id, wanted, feed->adapter); !updated) {
        return updated;
      }
      return archive.store().relayout(*layout, paths, moves);
    });
    if (!stored) return std::unexpected(stored.error());
    if (auto written = write_settings(archive, *settings, *renamed_settings); !written) {
      return std::unexpected(Error(ErrorCode::kIo, "renamed " + feed->name + " to " + wanted +
                                                       ", but newsvault.toml keeps [feeds." +
                                                       feed->name + "]: " + written.error().message()));
    }
    (*guard)->succeeded();
  }
  return republish(archive, now,
                   "Rename feed " + std::string(old_name) + " to " + std::string(new_name));
}

Result<std::vector<std::string>> edit_feed(Archive& archive, std::string_view name, const FeedEdit& edit) {
  auto guard = RunGuard::acquire(archive.root());
  if (!guard) return std::unexpected(guard.error());
  auto feed = feed_named(archive, name);
  if (!feed) return std::unexpected(feed.error());
  const FeedSettings current = archive.config().feeds.contains(feed->name)
                                   ? archive.config().feeds.at(feed->name)
                                   : FeedSettings{};
  std::vector<std::string> changes;
  const std::string adapter = edit.adapter.value_or(feed->adapter);
  if (!adapter.empty() && adapter != feed->adapter) {
    if (auto known = extract::builtin_adapter(adapter); !known) return std::unexpected(known.error());
  }
  const auto full_text = edit.full_text.value_or(current.full_text);
  if (!adapter.empty() && full_text) {
    return make_error(ErrorCode::kInvalidArgument,
                      "full_text: " + feed->name + " takes its articles from its adapter (" + adapter +
                          "); full_text is for feeds without one");
  }
  auto settings = read_settings(archive);
  if (!settings) return std::unexpected(settings.error());
  const std::string file = (archive.root() / kConfigFileName).string();
  std::string text = *settings;
  const auto set = [&](std::string_view key, std::optional<std::string> literal) -> Result<void> {
    auto changed = set_feed_setting(text, file, feed->name, key, literal);
    if (!changed) return std::unexpected(changed.error());
    text = std::move(*changed);
    return {};
  };
  if (edit.full_text && full_text != current.full_text) {
    const auto shown = [](const std::optional<FullText>& mode) {
      return mode ? std::string(full_text_name(*mode)) : std::string("the archive's");
    };
    if (auto r = set("full_text", full_text ? std::optional(quoted(full_text_name(*full_text)))
                                            : std::nullopt);
        !r) {
      return std::unexpected(r.error());
    }
    changes.push_back("full_text: " + shown(current.full_text) + " -> " + shown(full_text));
  }
  if (edit.convert && *edit.convert != current.convert) {
    if (auto r = set("convert", edit.convert->empty() ? std::nullopt
                                                      : std::optional(conversions_literal(*edit.convert)));
        !r) {
      return std::unexpected(r.error());
    }
    changes.push_back("convert: " + conversions_text(current.convert) + " -> " +
                      conversions_text(*edit.convert));
  }
  for (const auto& [key, wanted, before] :
       {std::tuple{"min_interval_seconds", edit.min_interval_seconds, current.min_interval_seconds},
        std::tuple{"max_interval_seconds", edit.max_interval_seconds, current.max_interval_seconds}}) {
    if (!wanted || *wanted == before) continue;
    const auto shown = [](const std::optional<long long>& seconds) {
      return seconds ? std::to_string(*seconds) : std::string("the archive's");
    };
    if (auto r = set(key, *wanted ? std::optional(std::to_string(**wanted)) : std::nullopt); !r) {
      return std::unexpected(r.error());
    }
    changes.push_back(std::string(key) + ": " + shown(before) + " -> " + shown(*wanted));
  }
  if (adapter != feed->adapter) {
    changes.push_back("adapter: " + (feed->adapter.empty() ? std::string("none") : feed->adapter) +
                      " -> " + (adapter.empty() ? std::string("none") : adapter));
    if (auto updated = archive.store().update_feed(feed->id, feed->name, adapter); !updated) {
      return std::unexpected(updated.error());
    }
  }
  if (auto written = write_settings(archive, *settings, text); !written) {
    return std::unexpected(written.error());
  }
  (*guard)->succeeded();
  return changes;
}

Result<PurgeSummary> purge_feed(Archive& archive, std::string_view name, Timestamp now) {
  PurgeSummary summary;
  std::string purged_name;
  {
    auto guard = RunGuard::acquire(archive.root());
    if (!guard) return std::unexpected(guard.error());
    auto feed = feed_named(archive, name);
    if (!feed) return std::unexpected(feed.error());
    purged_name = feed->name;
    // Checked before anything changes: a settings file that cannot lose
    // the table refuses the purge.
    auto settings = read_settings(archive);
    if (!settings) return std::unexpected(settings.error());
    auto without = remove_feed_settings(*settings, (archive.root() / kConfigFileName).string(), feed->name);
    if (!without) return std::unexpected(without.error());
    auto layout = archive.store().layout();
    if (!layout) return std::unexpected(layout.error());
    auto stored = archive.store().transaction([&]() -> Result<void> {
      auto documents = archive.store().purge_feed(feed->id);
      if (!documents) return std::unexpected(documents.error());
      summary.articles = documents->size();
      std::vector<store::DocumentMove> removals;
      for (const std::string& document : *documents) {
        removals.push_back({document, ""});
        for (const publish::ChineseConversion conversion : kAllConversions) {
          removals.push_back({publish::converted_document_path(document, conversion), ""});
        }
      }
      for (std::string& output : folder_outputs(archive.root(), publish::feed_folder(feed->name))) {
        removals.push_back({output, ""});
      }
      // Two conversions may make one copy (s2tw, s2twp): each file once.
      std::set<std::string> files;
      for (const store::DocumentMove& removal : removals) files.insert(removal.from);
      std::error_code error;
      for (const std::string& file : files) {
        const bool output = fs::path(file).filename() == "README.md" || fs::path(file).extension() == ".xml" ||
                            fs::path(file).extension() == ".json";
        if (!output && fs::exists(fs::symlink_status(archive.root() / file, error))) ++summary.documents;
      }
      return archive.store().relayout(*layout, {}, removals);
    });
    if (!stored) return std::unexpected(stored.error());
    // The feed is gone from the store, its state with it: its settings
    // name nothing.
    if (auto written = write_settings(archive, *settings, *without); !written) {
      return std::unexpected(written.error());
    }
    if (auto built = search::index_built(archive.store()); built && *built) {
      if (auto rebuilt = search::rebuild(archive.store()); !rebuilt) return std::unexpected(rebuilt.error());
    }
    (*guard)->succeeded();
  }
  auto published = republish(archive, now, "Purge feed " + purged_name);
  if (!published) return std::unexpected(published.error());
  summary.publish = std::move(*published);
  return summary;
}

}  // namespace newsvault::pipeline
