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
    const nlohmann::json out = {{"sound", report->sound()},         {"articles", report->articles},
                                {"documents", report->documents},   {"outputs", report->outputs},
                                {"errors", errors},                 {"warnings", warnings},
                                {"problems", std::move(problems)}};
    // Text the archive holds may be any bytes: never let it stop the report.
    std::cout << out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    for (const pipeline::CheckProblem& problem : report->problems) {
      std::cout << severity_name(problem.severity) << ": " << (problem.path.empty() ? "." : problem.path)
                << ": " << problem.what << "\n";
    }
    if (!global.quiet) {
      std::cout << (report->sound() ? "sound" : "damaged") << ": " << report->articles << " articles, "
                << report->documents << " documents, " << report->outputs
                << " indexes and feeds out checked; " << errors << " errors, " << warnings
                << " warnings\n";
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
