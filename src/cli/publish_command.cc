#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"

namespace newsvault::cli {
namespace {

struct PublishArguments {
  bool json = false;
};

int run_publish(const GlobalOptions& global, const PublishArguments& arguments) {
  auto archive = pipeline::Archive::open(global.dir);
  if (!archive) {
    std::cerr << "newsvault publish: " << archive.error().message() << "\n";
    return kExitFailure;
  }
  auto site = pipeline::write_site(**archive);
  if (!site) {
    std::cerr << "newsvault publish: site: " << site.error().message() << "\n";
    return kExitFailure;
  }
  const std::string site_dir = ((*archive)->root() / (*archive)->config().site.dir).string();
  if (arguments.json) {
    nlohmann::json out = {{"site", {{"dir", site_dir}, {"pages", site->pages}, {"pages_removed", site->pages_removed}}}};
    std::cout << out.dump(1) << "\n";
  } else if (!global.quiet) {
    std::cout << "site: " << site->pages << " pages in " << site_dir;
    if (site->pages_removed) std::cout << " (" << site->pages_removed << " stale pages removed)";
    std::cout << "; open " << site_dir << "/index.html\n";
  }
  return kExitOk;
}

}  // namespace

void add_publish_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto arguments = std::make_shared<PublishArguments>();
  CLI::App* command = app.add_subcommand("publish", "Render what the archive keeps: the static site.");
  command->add_flag("--json", arguments->json, "Print a machine-readable summary");
  command->callback([&action, &global, arguments] {
    action = [&global, arguments] { return run_publish(global, *arguments); };
  });
}

}  // namespace newsvault::cli
