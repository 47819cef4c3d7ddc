#include "cli/cli.h"

#include <iostream>

#include "cli/commands.h"

namespace newsvault::cli {
namespace {

bool is_command(const CLI::App& app, const std::string& word) {
  for (const CLI::App* command : app.get_subcommands({})) {
    if (command->get_name() == word) return true;
  }
  return false;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"newsvault: archives news feeds and their full articles as durable documents."};
  app.name("newsvault");
  app.set_version_flag("-V,--version", std::string("newsvault ") + NEWSVAULT_VERSION);
  app.require_subcommand(1);
  // One status a line: the man page's EXIT STATUS is made from this text.
  app.footer(
      "Run 'newsvault COMMAND --help' for a command's options.\n\n"
      "Exit status:\n"
      "  0  success\n"
      "  1  the command failed (unreadable input, no archive, a broken config, a run holding the archive); the message says which and where\n"
      "  2  the command line is wrong\n"
      "  3  (fetch) some feeds or articles failed: each is printed and stored on its feed, everything else was archived and published\n"
      "  4  (fetch, publish, rename, remove --purge) the archive is written but a commit, a push or a page of the site failed; the next run redoes it\n"
      "  5  (check) the archive has errors\n"
      "  6  (pause, resume, remove, rename, edit, fetch NAME) no feed has the name given; nothing was changed or fetched\n"
      "  7  (publish) another process is publishing from the same store; nothing was written (--wait waits for it)");

  app.fallthrough();  // global options may follow the command's name too
  GlobalOptions global;
  app.add_option("--dir", global.dir, "The archive's folder")->capture_default_str();
  app.add_flag("-q,--quiet", global.quiet, "Print only errors");

  CommandAction action;
  add_parse_command(app, action);
  add_extract_command(app, action);
  add_archive_commands(app, global, action);
  add_fetch_command(app, global, action);
  add_publish_command(app, global, action);
  add_check_command(app, global, action);
  add_feed_commands(app, global, action);
  add_search_command(app, global, action);
  add_serve_commands(app, global, action);
  add_verify_command(app, global, action);
  add_run_command(app, global, action);
  add_worker_command(app, global, action);
  add_migrate_command(app, global, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    // CLI11 reads an unknown command as a missing one; say which word it was.
    if (argc > 1 && argv[1][0] != '-' && !is_command(app, argv[1])) {
      std::cerr << "newsvault: unknown command '" << argv[1] << "'\n";
    } else {
      std::cerr << "newsvault: " << error.what() << "\n";
    }
    std::cerr << "Run 'newsvault --help' for usage.\n";
    return kExitUsage;
  }
  if (!action) return kExitUsage;
  return action();
}

}  // namespace newsvault::cli
