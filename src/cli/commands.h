// Private to the cli: one function per sub-command, registered on the app.
#ifndef NEWSVAULT_CLI_COMMANDS_H_
#define NEWSVAULT_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "feed/feed.h"
#include "pipeline/pipeline.h"

namespace newsvault::cli {

// A sub-command's work, run after the whole command line has parsed;
// returns the exit status.
using CommandAction = std::function<int()>;

// Options every command shares, set before or after the command's name.
struct GlobalOptions {
  std::string dir = ".";  // the archive
  bool quiet = false;
};

// Adds `parse FILE [--json]` to the app; sets `action` when it is chosen.
void add_parse_command(CLI::App& app, CommandAction& action);
// Adds `extract FILE_OR_URL [--url PAGE_URL] [--json]`.
void add_extract_command(CLI::App& app, CommandAction& action);
// Adds init, add, import-opml, export-opml, list and show.
void add_archive_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// Adds fetch.
void add_fetch_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// Adds publish (the static site).
void add_publish_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);

// Adds pause, resume, remove and status.
void add_feed_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action);

// The exit status for a failure to use the archive or a feed in it:
// kExitNoSuchFeed for an unknown feed, kExitFailure otherwise.
int exit_status_of(const Error& error);

// Adds search (and search --rebuild).
void add_search_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);

// Adds serve and user (add, list, remove, key).
void add_serve_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// Adds verify (the signed daily manifests).
void add_verify_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// Adds run (the daemon).
void add_run_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// Adds worker (leases feeds from the store).
void add_worker_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);

// Adds migrate (the store to another engine).
void add_migrate_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);

// Adds check.
void add_check_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);

// "2023-06-19T01:47:05Z" (any ISO 8601 form) or Unix milliseconds.
Result<Timestamp> parse_now_option(const std::string& text);

// The feed in the shape of shared spec feed-json.md, pretty-printed.
std::string feed_to_json(const feed::Feed& feed);

// Now, or the time --now gives (kExitUsage's message when it is not one).
Result<Timestamp> run_time(const std::string& now_option);

// Prints what publishing did (unless quiet), and the documents it restored
// and its failures (always, on stderr); adds it to `out` for --json.
void report_publish(std::string_view command, const pipeline::PublishSummary& summary, bool quiet,
                    nlohmann::json* out);

// Prints on stderr, as warnings of `command`, the [feeds.NAME] tables of
// the archive's settings that name no feed (pipeline::feed_settings_warnings),
// -q or not: a misspelt name silently drops its settings otherwise.
void warn_about_settings(std::string_view command, pipeline::Archive& archive);

// `text` as it may go to a terminal: what the terminal would act on rather
// than show (C0 and C1 controls, DEL, line separators, bidi overrides and
// isolates, noncharacters) written as an escape, `\x1b` or `\u202e`, and
// bytes that are not UTF-8 as `\xe9`. Every text an archive or a feed
// gave is printed through it: a title cannot move the cursor, ring the
// bell, start a new row or reverse the line.
std::string terminal_text(std::string_view text);

// A line on stderr rewritten in place while a person watches a long
// command; shown only when `wanted` (not --quiet, not --json) and stderr is
// a terminal, so logs and pipes never get it. Cleared when destroyed.
class ProgressLine {
 public:
  explicit ProgressLine(bool wanted);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  bool live() const { return live_; }
  double seconds() const;  // since it was made
  void show(std::string_view text);
  void clear();

 private:
  bool live_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point started_;
};

// "fetch: feeds 3/10  articles 12 new, 2 updated  1 failed  2.5 feeds/s".
std::string fetch_progress_text(const pipeline::FetchProgress& progress, double seconds);
// "publish: documents 120/3000  410.0 documents/s", "publish: site".
std::string publish_progress_text(std::string_view command, const pipeline::PublishProgress& progress,
                                  double seconds);

// Reads a whole file, refusing more than `max_bytes`.
Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes);

}  // namespace newsvault::cli

#endif  // NEWSVAULT_CLI_COMMANDS_H_
