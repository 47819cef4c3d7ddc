#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"

namespace newsvault::cli {
namespace {

using Severity = pipeline::CheckProblem::Severity;

std::string_view severity_name(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

nlohmann::json optional_text(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

nlohmann::json remote_json(const pipeline::RemoteStatus& remote) {
  return {{"name", remote.name},
          {"last_attempt", optional_text(remote.last_attempt)},
          {"last_success", optional_text(remote.last_success)},
          {"last_error", remote.last_error},
          {"failures", remote.failures},
          {"next_attempt", optional_text(remote.next_attempt)},
          {"behind", remote.behind}};
}

// "remote mirror: 2 commits behind; last pushed 2023-06-19T01:47:05Z; last
// attempt failed (1 time, next after …): push to mirror (…): timed out …"
std::string remote_line(const pipeline::RemoteStatus& remote) {
  std::string line = "remote " + remote.name + ": ";
  line += remote.behind == 0 ? "up to date" : std::to_string(remote.behind) + (remote.behind == 1 ? " commit" : " commits") + " behind";
  line += "; last pushed " + remote.last_success.value_or("never");
  if (!remote.last_error.empty()) {
    line += "; last attempt failed (" + std::to_string(remote.failures) + (remote.failures == 1 ? " time" : " times");
    if (remote.next_attempt) line += ", next after " + *remote.next_attempt;
    line += "): " + remote.last_error;
  }
  return line;
}

int run_check(const GlobalOptions& global, bool json) {
  auto report = pipeline::check_archive(global.dir);
  if (!report) {
    std::cerr << "newsvault check: " << report.error().message() << "\n";
    return kExitFailure;
  }
  std::size_t errors = 0;
  for (const pipeline::CheckProblem& problem : report->problems) errors += problem.severity == Severity::kError;
  const std::size_t warnings = report->problems.size() - errors;
  if (json) {
    nlohmann::json problems = nlohmann::json::array();
    for (const pipeline::CheckProblem& problem : report->problems) {
      problems.push_back(
          {{"severity", severity_name(problem.severity)}, {"path", problem.path}, {"what", problem.what}});
    }
    nlohmann::json remotes = nlohmann::json::array();
    for (const pipeline::RemoteStatus& remote : report->remotes) remotes.push_back(remote_json(remote));
    const nlohmann::json out = {{"sound", report->sound()},         {"articles", report->articles},
                                {"documents", report->documents},   {"outputs", report->outputs},
                                {"images", report->images},         {"media_files", report->media.files},
                                {"media_bytes", report->media.bytes},
                                {"errors", errors},                 {"warnings", warnings},
                                {"problems", std::move(problems)},  {"remotes", std::move(remotes)}};
    // Text the archive holds may be any bytes: never let it stop the report.
    std::cout << out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    for (const pipeline::CheckProblem& problem : report->problems) {
      std::cout << severity_name(problem.severity) << ": " << (problem.path.empty() ? "." : problem.path)
                << ": " << problem.what << "\n";
    }
    for (const pipeline::RemoteStatus& remote : report->remotes) std::cout << remote_line(remote) << "\n";
    if (!global.quiet) {
      std::cout << (report->sound() ? "sound" : "damaged") << ": " << report->articles << " articles, "
                << report->documents << " documents, " << report->outputs
                << " indexes and feeds out checked; " << errors << " errors, " << warnings
                << " warnings\n"
                << "media: " << report->images << " kept images checked against their hash; "
                << report->media.files << " files, " << report->media.bytes << " bytes\n";
    }
  }
  return report->sound() ? kExitOk : kExitArchiveDamaged;
}

}  // namespace

void add_check_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto json = std::make_shared<bool>(false);
  CLI::App* command = app.add_subcommand(
      "check", "Verify the archive: store, documents, indexes, feeds out, temporary files, history.");
  command->add_flag("--json", *json, "Print a machine-readable report");
  command->callback([&action, &global, json] {
    action = [&global, json] { return run_check(global, *json); };
  });
}

}  // namespace newsvault::cli
