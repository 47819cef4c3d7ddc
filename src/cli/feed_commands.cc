// pause, resume, remove, rename, edit and status: an operator's view of the feeds.
#include <algorithm>
#include <charconv>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"

namespace newsvault::cli {
namespace {

int refuse(std::string_view command, const Error& error) {
  std::cerr << "newsvault " << command << ": " << terminal_text(error.message()) << "\n";
  return exit_status_of(error);
}

// After a rename or a purge: its commit and pushes, as publish reports them.
int finish_publish(std::string_view command, const pipeline::PublishSummary& summary, bool quiet,
                   nlohmann::json* out) {
  report_publish(command, summary, quiet, out);
  if (out != nullptr) std::cout << out->dump(1) << "\n";
  return summary.errors.empty() ? kExitOk : kExitPublishFailed;
}

struct RenameArguments {
  std::string old_name, new_name, now;
  bool json = false;
};

int run_rename(const GlobalOptions& global, const RenameArguments& arguments) {
  auto now = run_time(arguments.now);
  if (!now) {
    refuse("rename", now.error());
    return kExitUsage;
  }
  auto archive = pipeline::Archive::open(global.dir);
  if (!archive) return refuse("rename", archive.error());
  auto summary = pipeline::rename_feed(**archive, arguments.old_name, arguments.new_name, *now);
  if (!summary) return refuse("rename", summary.error());
  if (arguments.json) {
    nlohmann::json out = {{"renamed", arguments.old_name}, {"to", arguments.new_name}};
    return finish_publish("rename", *summary, true, &out);
  }
  if (!global.quiet) {
    std::cout << "renamed " << terminal_text(arguments.old_name) << " to "
              << terminal_text(arguments.new_name) << ": its folder, documents and settings moved\n";
  }
  return finish_publish("rename", *summary, global.quiet, nullptr);
}

int run_purge(const GlobalOptions& global, const std::string& name, const std::string& now_option,
              bool json) {
  auto now = run_time(now_option);
  if (!now) {
    refuse("remove", now.error());
    return kExitUsage;
  }
  auto archive = pipeline::Archive::open(global.dir);
  if (!archive) return refuse("remove", archive.error());
  auto summary = pipeline::purge_feed(**archive, name, *now);
  if (!summary) return refuse("remove", summary.error());
  if (json) {
    nlohmann::json out = {{"purged", name},
                          {"articles", summary->articles},
                          {"documents", summary->documents}};
    return finish_publish("remove", summary->publish, true, &out);
  }
  if (!global.quiet) {
    std::cout << "purged " << terminal_text(name) << ": " << summary->articles
              << " articles deleted from the store, " << summary->documents
              << " documents from the folder (earlier commits of the git history still hold them)\n";
  }
  return finish_publish("remove", summary->publish, global.quiet, nullptr);
}

struct EditArguments {
  std::string name, adapter, full_text, convert, min_interval, max_interval;
  bool json = false;
};

// "default" (or "") for an interval: the archive's bounds again.
Result<std::optional<std::optional<long long>>> interval_option(std::string_view option,
                                                                const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "default") return std::optional<std::optional<long long>>(std::optional<long long>());
  long long seconds = 0;
  const auto [end, parsed] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (parsed != std::errc() || end != text.data() + text.size() || seconds < 1 ||
      seconds > pipeline::kMaxIntervalSeconds) {
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(option) + " " + text + ": expected seconds from 1 to " +
                          std::to_string(pipeline::kMaxIntervalSeconds) + ", or default");
  }
  return std::optional<std::optional<long long>>(seconds);
}

Result<pipeline::FeedEdit> feed_edit_from(const EditArguments& arguments, bool adapter_given) {
  pipeline::FeedEdit edit;
  if (adapter_given) edit.adapter = arguments.adapter == "none" ? std::string() : arguments.adapter;
  if (!arguments.full_text.empty()) {
    edit.full_text = arguments.full_text == "default" ? std::optional<pipeline::FullText>()
                                                      : pipeline::full_text_named(arguments.full_text);
  }
  if (!arguments.convert.empty()) {
    std::vector<publish::ChineseConversion> conversions;
    if (arguments.convert != "none") {
      std::string_view rest = arguments.convert;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        const auto conversion = publish::chinese_conversion_named(item);
        if (!conversion) {
          return make_error(ErrorCode::kInvalidArgument,
                            "--convert: unknown conversion \"" + std::string(item) +
                                "\" (known: s2t, t2s, s2tw, s2hk, s2twp, tw2sp; none for no copies)");
        }
        if (std::ranges::find(conversions, *conversion) == conversions.end()) conversions.push_back(*conversion);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    }
    edit.convert = std::move(conversions);
  }
  auto minimum = interval_option("--min-interval", arguments.min_interval);
  if (!minimum) return std::unexpected(minimum.error());
  auto maximum = interval_option("--max-interval", arguments.max_interval);
  if (!maximum) return std::unexpected(maximum.error());
  edit.min_interval_seconds = *minimum;
  edit.max_interval_seconds = *maximum;
  return edit;
}

int run_edit(const GlobalOptions& global, const EditArguments& arguments, bool adapter_given) {
  auto edit = feed_edit_from(arguments, adapter_given);
  if (!edit) {
    refuse("edit", edit.error());
    return kExitUsage;
  }
  auto archive = pipeline::Archive::open(global.dir);
  if (!archive) return refuse("edit", archive.error());
  auto changes = pipeline::edit_feed(**archive, arguments.name, *edit);
  if (!changes) return refuse("edit", changes.error());
  if (arguments.json) {
    std::cout << nlohmann::json{{"feed", arguments.name}, {"changes", *changes}}.dump(1) << "\n";
    return kExitOk;
  }
  if (global.quiet) return kExitOk;
  if (changes->empty()) std::cout << terminal_text(arguments.name) << ": nothing changed\n";
  for (const std::string& change : *changes) {
    std::cout << terminal_text(arguments.name) << ": " << terminal_text(change) << "\n";
  }
  return kExitOk;
}

int change_state(const GlobalOptions& global, const std::string& command, const std::string& name,
                 pipeline::FeedState state) {
  auto archive = pipeline::Archive::open(global.dir);
  if (!archive) {
    std::cerr << "newsvault " << command << ": " << archive.error().message() << "\n";
    return kExitFailure;
  }
  auto before = pipeline::set_feed_state(**archive, name, state);
  if (!before) {
    std::cerr << "newsvault " << command << ": " << before.error().message() << "\n";
    return exit_status_of(before.error());
  }
  if (global.quiet) return kExitOk;
  const std::string shown = terminal_text(name);
  if (*before == state) {
    std::cout << shown << " is already " << pipeline::feed_state_name(state) << "\n";
  } else if (state == pipeline::FeedState::kPaused) {
    std::cout << "paused " << shown << ": fetch skips it until 'newsvault resume " << shown
              << "' (or 'newsvault fetch " << shown << "' polls it once)\n";
  } else if (state == pipeline::FeedState::kRemoved) {
    std::cout << "removed " << shown
              << ": it is no longer polled; its articles, revisions and documents stay in the "
                 "archive, its indexes and feeds out stay published, and the git history is kept "
                 "('newsvault resume "
              << shown << "' polls it again)\n";
  } else {
    std::cout << "resumed " << shown << " (it was " << pipeline::feed_state_name(*before)
              << "): the next fetch polls it\n";
  }
  return kExitOk;
}

std::string time_text(const std::optional<Timestamp>& time) {
  return time ? format_iso8601_seconds(*time) : "";
}

nlohmann::json optional_time(const std::optional<Timestamp>& time) {
  return time ? nlohmann::json(format_iso8601_seconds(*time)) : nlohmann::json(nullptr);
}

int show_status(const GlobalOptions& global, bool json) {
  auto archive = pipeline::Archive::open(global.dir, pipeline::Access::kRead);
  if (!archive) {
    std::cerr << "newsvault status: " << archive.error().message() << "\n";
    return kExitFailure;
  }
  auto status = pipeline::archive_status(**archive);
  if (!status) {
    std::cerr << "newsvault status: " << status.error().message() << "\n";
    return kExitFailure;
  }
  if (json) {
    nlohmann::json feeds = nlohmann::json::array();
    for (const pipeline::FeedStatus& feed : status->feeds) {
      feeds.push_back({{"name", feed.feed.name},
                       {"url", feed.feed.url},
                       {"adapter", feed.feed.adapter},
                       {"state", pipeline::feed_state_name(feed.state)},
                       {"last_poll", optional_time(feed.feed.last_fetched)},
                       {"last_error", feed.feed.last_error},
                       {"articles", feed.articles},
                       {"revisions", feed.revisions},
                       {"removed", feed.removed},
                       {"delisted", feed.delisted},
                       {"pending", feed.pending},
                       {"next_retry", optional_time(feed.next_retry)}});
      if (feed.schedule) {
        feeds.back()["next_poll"] = optional_time(feed.schedule->next_poll);
        feeds.back()["interval_seconds"] = feed.schedule->interval.count();
        feeds.back()["interval_reason"] = feed.schedule->reason;
        feeds.back()["failures_in_a_row"] = feed.schedule->failures;
      } else {
        feeds.back()["next_poll"] = nullptr;
      }
    }
    nlohmann::json out = {{"archive", std::filesystem::absolute(global.dir).lexically_normal().string()},
                          {"run_in_progress", status->run_in_progress},
                          {"daemon_running", status->daemon_running},
                          {"articles", status->articles},
                          {"revisions", status->revisions},
                          {"removed", status->removed},
                          {"pending", status->pending},
                          {"store_bytes", status->store_bytes},
                          {"git_bytes", status->git_bytes},
                          {"media_files", status->media.files},
                          {"media_bytes", status->media.bytes},
                          {"feeds", feeds}};
    std::cout << out.dump(1) << "\n";
    return kExitOk;
  }
  std::cout << "archive " << terminal_text(global.dir) << ": " << status->feeds.size() << " feeds, "
            << status->articles << " articles, " << status->revisions << " revisions, "
            << status->removed << " removed at the source, " << status->pending << " pending\n"
            << "store " << status->store_bytes << " bytes, .git " << status->git_bytes << " bytes, media "
            << status->media.files << " images, " << status->media.bytes << " bytes; "
            << (status->run_in_progress ? "a run holds the archive now" : "no run in progress") << "; "
            << (status->daemon_running ? "a daemon (newsvault run) holds it" : "no daemon") << "\n";
  for (const pipeline::FeedStatus& feed : status->feeds) {
    std::cout << "\n" << terminal_text(feed.feed.name) << " (" << pipeline::feed_state_name(feed.state)
              << ")\n  last poll: "
              << (feed.feed.last_fetched ? time_text(feed.feed.last_fetched) : "never") << "\n";
    if (feed.schedule) {
      std::cout << "  next poll: " << time_text(feed.schedule->next_poll) << " (every "
                << schedule::describe_duration(feed.schedule->interval) << ": "
                << terminal_text(feed.schedule->reason) << ")\n";
    }
    if (!feed.feed.last_error.empty()) {
      std::cout << "  last error: " << terminal_text(feed.feed.last_error) << "\n";
    }
    std::cout << "  " << feed.articles << " articles, " << feed.revisions << " revisions, "
              << feed.removed << " removed, " << feed.delisted << " no longer listed\n";
    if (feed.pending != 0) {
      std::cout << "  " << feed.pending << " pending, next retry " << time_text(feed.next_retry)
                << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

int exit_status_of(const Error& error) {
  return error.code() == ErrorCode::kNotFound && error.message().starts_with("no feed named ")
             ? kExitNoSuchFeed
             : kExitFailure;
}

void add_feed_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  struct StateCommand {
    const char* name;
    const char* help;
    pipeline::FeedState state;
  };
  struct RemoveArguments {
    bool purge = false;
    bool json = false;
    std::string now;
  };
  auto remove_arguments = std::make_shared<RemoveArguments>();
  for (const StateCommand& each :
       {StateCommand{"pause", "Stop polling a feed until it is resumed; everything is kept.",
                     pipeline::FeedState::kPaused},
        StateCommand{"resume", "Poll a paused or removed feed again.", pipeline::FeedState::kActive},
        StateCommand{"remove",
                     "Stop polling a feed for good; its articles, documents and history stay.",
                     pipeline::FeedState::kRemoved}}) {
    auto name = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand(each.name, each.help);
    command->add_option("NAME", *name, "The feed's name (as 'newsvault list --feeds' shows it)")
        ->required();
    const std::string command_name = each.name;
    const pipeline::FeedState state = each.state;
    if (state == pipeline::FeedState::kRemoved) {
      command->add_flag("--purge", remove_arguments->purge,
                        "Also delete its articles (those no other feed lists), their revisions and "
                        "documents, in a commit; earlier commits still hold them");
      command->add_option("--now", remove_arguments->now,
                          "With --purge: commit as if it were this time (ISO 8601 or Unix milliseconds)");
      command->add_flag("--json", remove_arguments->json, "With --purge: print what it deleted as JSON");
    }
    command->callback([&action, &global, name, command_name, state, remove_arguments] {
      action = [&global, name, command_name, state, remove_arguments] {
        if (state == pipeline::FeedState::kRemoved && remove_arguments->purge) {
          return run_purge(global, *name, remove_arguments->now, remove_arguments->json);
        }
        return change_state(global, command_name, *name, state);
      };
    });
  }

  auto rename_arguments = std::make_shared<RenameArguments>();
  CLI::App* rename = app.add_subcommand(
      "rename", "Rename a feed: moves its folder and documents (git keeps their history) and its settings.");
  rename->add_option("OLD", rename_arguments->old_name, "The feed's name now")->required();
  rename->add_option("NEW", rename_arguments->new_name, "Its new name (as add --name takes it)")->required();
  rename->add_option("--now", rename_arguments->now, "Commit as if it were this time (ISO 8601 or Unix milliseconds)");
  rename->add_flag("--json", rename_arguments->json, "Print a machine-readable summary");
  rename->callback([&action, &global, rename_arguments] {
    action = [&global, rename_arguments] { return run_rename(global, *rename_arguments); };
  });

  auto edit_arguments = std::make_shared<EditArguments>();
  CLI::App* edit = app.add_subcommand(
      "edit", "Change a feed's settings: adapter (in the store), the rest in newsvault.toml [feeds.NAME].");
  edit->add_option("NAME", edit_arguments->name, "The feed's name")->required();
  CLI::Option* adapter =
      edit->add_option("--adapter", edit_arguments->adapter, "A site adapter (dw), or none");
  edit->add_option("--full-text", edit_arguments->full_text,
                   "auto, always, never, or default (the archive's [fetch] full_text)")
      ->check(CLI::IsMember({"auto", "always", "never", "default"}));
  edit->add_option("--convert", edit_arguments->convert,
                   "Chinese copies, comma-separated (s2t,t2s,s2tw,s2hk,s2twp,tw2sp), or none");
  edit->add_option("--min-interval", edit_arguments->min_interval,
                   "Poll it at most this often, in seconds, or default");
  edit->add_option("--max-interval", edit_arguments->max_interval,
                   "Poll it at least this often, in seconds, or default");
  edit->add_flag("--json", edit_arguments->json, "Print the changes as JSON");
  edit->callback([&action, &global, edit_arguments, adapter] {
    const bool adapter_given = adapter->count() > 0;
    action = [&global, edit_arguments, adapter_given] {
      return run_edit(global, *edit_arguments, adapter_given);
    };
  });

  auto json = std::make_shared<bool>(false);
  CLI::App* status = app.add_subcommand(
      "status", "Show the archive and each feed: last poll, errors, pending work, sizes.");
  status->add_flag("--json", *json, "Print it as JSON");
  status->callback([&action, &global, json] {
    action = [&global, json] { return show_status(global, *json); };
  });
}

}  // namespace newsvault::cli
