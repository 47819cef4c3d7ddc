// newsvault verify: every file the daily manifests list hashed again, and
// every manifest's signature checked (record.h, verify_manifests).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "record/record.h"

namespace newsvault::cli {
namespace {

struct VerifyArguments {
  std::string allowed_signers;
  bool no_warc = false;
  bool json = false;
};

int run_verify(const GlobalOptions& global, const VerifyArguments& arguments) {
  auto report = record::verify_manifests(global.dir, arguments.allowed_signers, !arguments.no_warc);
  if (!report) {
    std::cerr << "newsvault verify: " << report.error().message() << "\n";
    return kExitFailure;
  }
  if (arguments.json) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& problem : report->problems) problems.push_back({{"path", problem.path}, {"problem", problem.what}});
    std::cout << nlohmann::json{{"manifests", report->manifests},
                                {"files", report->files},
                                {"signatures", report->signatures},
                                {"problems", problems}}
                     .dump(1)
              << "\n";
  } else {
    for (const auto& problem : report->problems) {
      std::cerr << "newsvault verify: " << problem.path << ": " << problem.what << "\n";
    }
    if (!global.quiet) {
      std::cout << "verified " << report->files << " files in " << report->manifests << " manifests, "
                << report->signatures << " signatures good";
      if (!report->problems.empty()) std::cout << "; " << report->problems.size() << " problems";
      std::cout << "\n";
    }
  }
  return report->problems.empty() ? kExitOk : kExitArchiveDamaged;
}

}  // namespace

void add_verify_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto arguments = std::make_shared<VerifyArguments>();
  CLI::App* command = app.add_subcommand(
      "verify", "Check every file the signed daily manifests list, and their signatures.");
  command->add_option("--allowed-signers", arguments->allowed_signers,
                      "The allowed_signers file to trust (default: manifests/allowed_signers)");
  command->add_flag("--no-warc", arguments->no_warc, "Skip the WARC files (a copy of the history has none)");
  command->add_flag("--json", arguments->json, "Print a machine-readable report");
  command->callback([&action, &global, arguments] {
    action = [&global, arguments] { return run_verify(global, *arguments); };
  });
}

}  // namespace newsvault::cli
