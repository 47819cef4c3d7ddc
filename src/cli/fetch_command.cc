#include <charconv>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"

namespace newsvault::cli {
namespace {

struct FetchArguments {
  std::string now;
  bool json = false;
  pipeline::FetchOptions options;
};

int run_fetch(const GlobalOptions& global, const FetchArguments& arguments) {
  auto now_or_error = run_time(arguments.now);
  if (!now_or_error) {
    std::cerr << "newsvault fetch: " << now_or_error.error().message() << "\n";
    return kExitUsage;
  }
  const Timestamp now = *now_or_error;
  auto archive = pipeline::Archive::open(global.dir);
  if (!archive) {
    std::cerr << "newsvault fetch: " << archive.error().message() << "\n";
    return kExitFailure;
  }
  warn_about_settings("fetch", **archive);
  auto client = fetch::make_http_client((*archive)->config().fetch);
  ProgressLine line(!global.quiet && !arguments.json);
  auto summary = pipeline::run_fetch(**archive, *client, now, arguments.options, [&line](const auto& progress) {
    line.show(fetch_progress_text(progress, line.seconds()));
  });
  line.clear();
  if (!summary) {
    std::cerr << "newsvault fetch: " << summary.error().message() << "\n";
    return exit_status_of(summary.error());
  }
  const pipeline::FetchProgress& counts = summary->counts;
  if (arguments.json) {
    nlohmann::json out = {{"feeds", counts.feeds_total},
                          {"feeds_failed", summary->feeds_failed},
                          {"articles_new", counts.articles_new},
                          {"articles_updated", counts.articles_updated},
                          {"articles_unchanged", counts.articles_unchanged},
                          {"documents_written", summary->documents_written},
                          {"articles_delisted", summary->articles_delisted},
                          {"articles_removed", summary->articles_removed},
                          {"pending", summary->pending},
                          {"errors", summary->errors}};
    report_publish("fetch", summary->publish, true, &out);
    std::cout << out.dump(1) << "\n";
  } else {
    for (const std::string& error : summary->errors) std::cerr << "newsvault fetch: " << error << "\n";
    if (!global.quiet) {
      std::cout << "fetched " << counts.feeds_total << " feeds";
      if (summary->feeds_failed) std::cout << " (" << summary->feeds_failed << " with errors)";
      std::cout << ": " << counts.articles_new << " new, " << counts.articles_updated
                << " updated, " << counts.articles_unchanged << " unchanged articles";
      if (summary->articles_delisted) std::cout << ", " << summary->articles_delisted << " no longer listed";
      if (summary->articles_removed) std::cout << ", " << summary->articles_removed << " removed at the source";
      if (summary->pending) std::cout << "; " << summary->pending << " pending, tried again by later runs";
      std::cout << "\n";
    }
    report_publish("fetch", summary->publish, global.quiet, nullptr);
  }
  if (summary->feeds_failed != 0) return kExitSomeFeedsFailed;
  return summary->publish.errors.empty() ? kExitOk : kExitPublishFailed;
}

}  // namespace

Result<Timestamp> run_time(const std::string& now_option) {
  if (now_option.empty()) {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
  return parse_now_option(now_option);
}

Result<Timestamp> parse_now_option(const std::string& text) {
  std::int64_t milliseconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), milliseconds);
  if (error == std::errc() && end == text.data() + text.size()) {
    return Timestamp(std::chrono::milliseconds(milliseconds));
  }
  if (auto time = parse_date(text)) return *time;
  return make_error(ErrorCode::kInvalidArgument,
                    "--now " + text + ": expected an ISO 8601 time or Unix milliseconds");
}

void add_fetch_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto arguments = std::make_shared<FetchArguments>();
  CLI::App* command =
      app.add_subcommand("fetch",
                         "Poll every feed once (or the feeds named) and archive what is new or changed.");
  command->add_option("NAME", arguments->options.feeds,
                      "Poll only these feeds (paused ones too); none: every feed not paused or removed");
  command->add_flag("--force", arguments->options.force,
                    "Ask without the saved validators, so that every server answers in full");
  command->add_option("--now", arguments->now,
                      "Run as if it were this time (ISO 8601 or Unix milliseconds)");
  command->add_flag("--json", arguments->json, "Print a machine-readable summary");
  command->callback([&action, &global, arguments] {
    action = [&global, arguments] { return run_fetch(global, *arguments); };
  });
}

}  // namespace newsvault::cli
