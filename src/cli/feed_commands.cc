// pause, resume, remove and status: an operator's view of the feeds.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"

namespace newsvault::cli {
namespace {

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
    }
    nlohmann::json out = {{"archive", std::filesystem::absolute(global.dir).lexically_normal().string()},
                          {"run_in_progress", status->run_in_progress},
                          {"articles", status->articles},
                          {"revisions", status->revisions},
                          {"removed", status->removed},
                          {"pending", status->pending},
                          {"store_bytes", status->store_bytes},
                          {"git_bytes", status->git_bytes},
                          {"feeds", feeds}};
    std::cout << out.dump(1) << "\n";
    return kExitOk;
  }
  std::cout << "archive " << terminal_text(global.dir) << ": " << status->feeds.size() << " feeds, "
            << status->articles << " articles, " << status->revisions << " revisions, "
            << status->removed << " removed at the source, " << status->pending << " pending\n"
            << "store " << status->store_bytes << " bytes, .git " << status->git_bytes << " bytes; "
            << (status->run_in_progress ? "a run holds the archive now" : "no run in progress")
            << "\n";
  for (const pipeline::FeedStatus& feed : status->feeds) {
    std::cout << "\n" << terminal_text(feed.feed.name) << " (" << pipeline::feed_state_name(feed.state)
              << ")\n  last poll: "
              << (feed.feed.last_fetched ? time_text(feed.feed.last_fetched) : "never") << "\n";
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
    command->callback([&action, &global, name, command_name, state] {
      action = [&global, name, command_name, state] {
        return change_state(global, command_name, *name, state);
      };
    });
  }

  auto json = std::make_shared<bool>(false);
  CLI::App* status = app.add_subcommand(
      "status", "Show the archive and each feed: last poll, errors, pending work, sizes.");
  status->add_flag("--json", *json, "Print it as JSON");
  status->callback([&action, &global, json] {
    action = [&global, json] { return show_status(global, *json); };
  });
}

}  // namespace newsvault::cli
