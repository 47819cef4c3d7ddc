// `newsvault publish`: the outputs made from the store, then the commit and
// the pushes; and how any run reports them.
#include <iostream>

#include "cli/cli.h"
#include "cli/commands.h"

namespace newsvault::cli {
namespace {

struct PublishArguments {
  std::string now;
  bool rebuild = false;
  bool json = false;
  bool wait = false;
};

std::string site_folder(const pipeline::Archive& archive) {
  return (archive.root() / archive.config().site.dir).string();
}

void print_site(const pipeline::Archive& archive, const publish::SiteSummary& site) {
  std::cout << "site: " << site.pages << " pages in " << site_folder(archive);
  if (site.pages_removed) std::cout << " (" << site.pages_removed << " stale pages removed)";
  std::cout << "; open " << site_folder(archive) << "/index.html\n";
}

int run_publish(const GlobalOptions& global, const PublishArguments& arguments) {
  auto now = run_time(arguments.now);
  if (!now) {
    std::cerr << "newsvault publish: " << now.error().message() << "\n";
    return kExitUsage;
  }
  auto archive = pipeline::Archive::open(global.dir);
  if (!archive) {
    std::cerr << "newsvault publish: " << archive.error().message() << "\n";
    return kExitFailure;
  }
  warn_about_settings("publish", **archive);
  pipeline::PublishRequest request;
  request.now = *now;
  request.rebuild = arguments.rebuild;
  request.wait_for_publisher = arguments.wait;
  request.write_site = (*archive)->config().site_enabled;
  ProgressLine line(!global.quiet && !arguments.json);
  request.on_progress = [&line](const pipeline::PublishProgress& progress) {
    line.show(publish_progress_text("publish", progress, line.seconds()));
  };
  // Images workers queued are this folder's to keep (their feeds' rules
  // travel with them).
  auto client = fetch::make_http_client((*archive)->config().fetch);
  request.images_client = client.get();
  auto summary = pipeline::run_publish(**archive, request);
  line.clear();
  if (!summary) {
    std::cerr << "newsvault publish: " << summary.error().message() << "\n";
    return kExitFailure;
  }
  if (summary->another_publisher) {
    std::cerr << "newsvault publish: another publisher is writing from the store "
              << store::display_location((*archive)->store_location())
              << "; nothing written here (run again later, or with --wait to wait for it)\n";
    return kExitAnotherPublisher;
  }
  if (arguments.json) {
    nlohmann::json out = nlohmann::json::object();
    out["site"] = {{"dir", site_folder(**archive)},
                   {"pages", summary->site->pages},
                   {"pages_removed", summary->site->pages_removed}};
    report_publish("publish", *summary, true, &out);
    std::cout << out.dump(1) << "\n";
  } else {
    if (!global.quiet) {
      if (arguments.rebuild) std::cout << "rebuilt " << summary->documents_rendered << " documents\n";
      std::cout << "wrote " << summary->files_written.size() << " feed files\n";
      print_site(**archive, *summary->site);
    }
    report_publish("publish", *summary, global.quiet, nullptr);
  }
  return summary->errors.empty() ? kExitOk : kExitPublishFailed;
}

}  // namespace

void report_publish(std::string_view command, const pipeline::PublishSummary& summary, bool quiet,
                    nlohmann::json* out) {
  // A restored document is news even with -q: someone edited the archive.
  for (const std::string& line : summary.restored) std::cerr << "newsvault " << command << ": " << line << "\n";
  for (const std::string& error : summary.errors) std::cerr << "newsvault " << command << ": " << error << "\n";
  if (out != nullptr) {
    nlohmann::json pushes = nlohmann::json::array();
    for (const publish::PushResult& push : summary.pushes) {
      pushes.push_back(
          {{"remote", push.remote}, {"pushed", push.pushed}, {"error", push.error}, {"behind", push.behind}});
    }
    (*out)["pushes_deferred"] = summary.pushes_deferred;
    (*out)["commit"] = summary.commit ? nlohmann::json(*summary.commit) : nlohmann::json(nullptr);
    (*out)["pushes"] = pushes;
    (*out)["publish_errors"] = summary.errors;
    (*out)["restored"] = summary.restored;
    return;
  }
  if (quiet) return;
  for (const std::string& line : summary.pushes_deferred) {
    std::cerr << "newsvault " << command << ": push deferred: " << line << "\n";
  }
  if (summary.commit) std::cout << "committed " << summary.commit->substr(0, 12) << "\n";
  for (const publish::PushResult& push : summary.pushes) {
    if (push.pushed) std::cout << "pushed to " << push.remote << "\n";
  }
}

void add_publish_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto arguments = std::make_shared<PublishArguments>();
  CLI::App* command = app.add_subcommand(
      "publish", "Write the feeds out and the static site from the store, commit what changed, push to every remote.");
  command->add_flag("--rebuild", arguments->rebuild,
                    "Rewrite every document and index from the store first");
  command->add_option("--now", arguments->now,
                      "Commit as if it were this time (ISO 8601 or Unix milliseconds)");
  command->add_flag("--json", arguments->json, "Print a machine-readable summary");
  command->add_flag("--wait", arguments->wait,
                    "When another process is publishing from the same store, wait for it instead of stopping");
  command->callback([&action, &global, arguments] {
    action = [&global, arguments] { return run_publish(global, *arguments); };
  });
}

}  // namespace newsvault::cli
