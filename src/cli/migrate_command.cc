// newsvault migrate --to LOCATION: the archive's store copied to another
// engine, checked, and made the archive's store (docs/internals/store.md).
//
//   archive's store ─copy_store─► target (page by page, each kept)
//     ─► counts and digests compared ─► newsvault.toml [store] url
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"
#include "publish/publish.h"
#include "store/store.h"

namespace newsvault::cli {
namespace {

struct MigrateArguments {
  std::string to;
  bool json = false;
};

int migrate_failed(const Error& error) {
  std::cerr << "newsvault migrate: " << error.message() << "\n";
  return kExitFailure;
}

// The store `to` names, and what [store] url becomes once the archive uses
// it: the URI for PostgreSQL; "" for the archive's own SQLite file; nullopt
// for an SQLite file elsewhere (a copy the archive does not switch to).
struct Target {
  std::string location;
  std::optional<std::string> store_url;
};

Result<Target> target_of(const std::string& to, const std::filesystem::path& own_file) {
  if (store::is_postgresql_location(to)) return Target{to, to};
  if (!to.starts_with("sqlite:") || to.size() == 7) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--to " + store::display_location(to) + ": expected postgresql://… or sqlite:PATH");
  }
  const std::filesystem::path path = std::filesystem::absolute(to.substr(7));
  std::error_code error;
  const bool own = std::filesystem::weakly_canonical(path, error) ==
                   std::filesystem::weakly_canonical(own_file, error);
  return Target{path.string(), own ? std::optional<std::string>("") : std::nullopt};
}

int run_migrate(const GlobalOptions& global, const MigrateArguments& arguments) {
  auto archive = pipeline::Archive::open(global.dir, pipeline::Access::kReadWrite);
  if (!archive) return migrate_failed(archive.error());
  const std::filesystem::path root = (*archive)->root();
  // The SQLite store's place in every archive (pipeline's kStoreFile).
  auto target = target_of(arguments.to, root / ".newsvault" / "store.db");
  if (!target) return migrate_failed(target.error());
  if (target->location == (*archive)->store_location()) {
    return migrate_failed(Error(ErrorCode::kInvalidArgument,
                                store::display_location(target->location) + " is this archive's store already"));
  }
  auto to = store::Store::open(target->location);
  if (!to) return migrate_failed(to.error());
  const auto progress = [&](const store::TableCopy& table) {
    if (!global.quiet && !arguments.json) std::cout << table.table << ": " << table.rows << " rows, checked\n";
  };
  auto copied = store::copy_store((*archive)->store(), **to, progress);
  if (!copied) return migrate_failed(copied.error());

  if (target->store_url) {
    auto text = read_input_file((root / pipeline::kConfigFileName).string(), 64u * 1024 * 1024);
    if (!text) return migrate_failed(text.error());
    auto settings = pipeline::set_store_url(*text, pipeline::kConfigFileName, *target->store_url);
    if (!settings) return migrate_failed(settings.error());
    if (auto written = publish::write_file_atomically(root, pipeline::kConfigFileName, *settings); !written) {
      return migrate_failed(written.error());
    }
  }
  if (arguments.json) {
    nlohmann::json out = {{"to", store::display_location(target->location)},
                          {"switched", target->store_url.has_value()},
                          {"tables", nlohmann::json::array()}};
    for (const store::TableCopy& table : *copied) {
      out["tables"].push_back({{"table", table.table}, {"rows", table.rows}, {"sha256", table.digest}});
    }
    std::cout << out.dump(2) << "\n";
  } else if (!global.quiet) {
    std::cout << (target->store_url ? "the archive's store is now " : "copied to ")
              << store::display_location(target->location) << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_migrate_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto arguments = std::make_shared<MigrateArguments>();
  CLI::App* migrate = app.add_subcommand(
      "migrate", "Copy the store to PostgreSQL (or back to SQLite), check the copy, and use it.");
  migrate->add_option("--to", arguments->to,
                      "postgresql://... (a libpq URI), or sqlite:PATH (the archive's own "
                      ".newsvault/store.db to move back; elsewhere: a copy)")
      ->required();
  migrate->add_flag("--json", arguments->json, "Print the tables copied as JSON");
  migrate->callback([&action, &global, arguments] {
    action = [&global, arguments] { return run_migrate(global, *arguments); };
  });
}

}  // namespace newsvault::cli
