#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/cli.h"
#include "cli/commands.h"

namespace newsvault::cli {
namespace {

struct ParseArguments {
  std::string input;
  bool json = false;
  std::string content_type;
  std::string base_url;
  int default_offset_minutes = 0;
  std::size_t max_bytes = 512u * 1024 * 1024;
};

void print_summary(const feed::Feed& feed) {
  std::cout << "format:   " << (feed.format == feed::FeedFormat::kUnknown
                                    ? std::string_view("unknown")
                                    : feed::format_name(feed.format))
            << "\n";
  std::cout << "title:    " << terminal_text(feed.title) << "\n";
  std::cout << "link:     " << terminal_text(feed.link) << "\n";
  std::cout << "encoding: " << terminal_text(feed.encoding) << "\n";
  std::cout << "entries:  " << feed.entries.size() << "\n";
  for (const feed::Entry& entry : feed.entries) {
    const auto& when = entry.published ? entry.published : entry.updated;
    std::cout << "  " << (when ? format_iso8601_seconds(*when) : std::string(20, ' ')) << "  "
              << terminal_text(entry.title) << "\n";
  }
}

int run_parse(const ParseArguments& arguments) {
  if (arguments.input.starts_with("http://") || arguments.input.starts_with("https://")) {
    std::cerr << "newsvault parse: " << arguments.input
              << ": reading feeds from URLs is not available in this version; save the feed "
                 "to a file and parse the file\n";
    return kExitFailure;
  }
  auto bytes = read_input_file(arguments.input, arguments.max_bytes);
  if (!bytes) {
    std::cerr << "newsvault parse: " << bytes.error().message() << "\n";
    return kExitFailure;
  }
  feed::ParseOptions options;
  options.source_name = arguments.input;
  options.base_url = arguments.base_url;
  options.http_content_type = arguments.content_type;
  options.default_utc_offset = std::chrono::minutes(arguments.default_offset_minutes);
  auto parsed = feed::parse_feed(*bytes, options);
  if (!parsed) {
    std::cerr << "newsvault parse: " << parsed.error().message() << "\n";
    return kExitFailure;
  }
  for (const std::string& problem : parsed->problems) {
    std::cerr << "newsvault parse: warning: " << arguments.input << ": " << terminal_text(problem) << "\n";
  }
  if (arguments.json) {
    std::cout << feed_to_json(*parsed) << "\n";
  } else {
    print_summary(*parsed);
  }
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "newsvault parse: cannot write the output\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
      path == "-" ? stdin : std::fopen(path.c_str(), "rb"), path == "-" ? [](std::FILE*) { return 0; } : &std::fclose);
  if (!file) {
    return make_error(ErrorCode::kIo, path + ": " + std::strerror(errno));
  }
  std::string content;
  // A regular file is read in one go into a buffer of its size; a pipe in
  // growing steps. Either way no more than max_bytes + 1 is ever held.
  std::error_code size_error;
  const auto size = path == "-" ? 0 : std::filesystem::file_size(path, size_error);
  if (!size_error && size > max_bytes) {
    return make_error(ErrorCode::kTooLarge, path + ": larger than the limit of " +
                                                std::to_string(max_bytes) + " bytes (--max-bytes)");
  }
  content.resize(size_error ? 1 << 16 : static_cast<std::size_t>(size) + 1);
  std::size_t used = 0;
  while (true) {
    const std::size_t read = std::fread(content.data() + used, 1, content.size() - used, file.get());
    used += read;
    if (used > max_bytes) {
      return make_error(ErrorCode::kTooLarge, path + ": larger than the limit of " +
                                                  std::to_string(max_bytes) + " bytes (--max-bytes)");
    }
    if (read == 0) break;
    if (used == content.size()) content.resize(content.size() * 2);
  }
  content.resize(used);
  if (std::ferror(file.get())) return make_error(ErrorCode::kIo, path + ": " + std::strerror(errno));
  return content;
}

void add_parse_command(CLI::App& app, CommandAction& action) {
  auto arguments = std::make_shared<ParseArguments>();
  CLI::App* command = app.add_subcommand("parse", "Read a feed file and print what it holds.");
  command->add_option("FILE", arguments->input, "The feed file (RSS, Atom, RDF or JSON Feed; - for stdin)")
      ->required();
  command->add_flag("--json", arguments->json, "Print the feed as JSON (docs/feed-json.md)");
  command->add_option("--content-type", arguments->content_type,
                      "The HTTP Content-Type the feed came with (its charset is honoured)");
  command->add_option("--base-url", arguments->base_url, "The feed's own URL, for messages");
  command->add_option("--default-utc-offset", arguments->default_offset_minutes,
                      "Minutes east of UTC for dates that carry no zone (default 0)");
  command->add_option("--max-bytes", arguments->max_bytes, "Refuse files larger than this")
      ->capture_default_str();
  command->callback([&action, arguments] { action = [arguments] { return run_parse(*arguments); }; });
}

}  // namespace newsvault::cli
