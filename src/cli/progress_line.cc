// The progress line long commands show on a terminal.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"

namespace newsvault::cli {
namespace {

// "\r" back to the line's start, then the text, then ESC [ K (ECMA-48
// §8.3.41, erase in line) clears what a longer line before left.
constexpr const char* kClearToEnd = "\x1b[K";

std::string rate_text(double count, double seconds, std::string_view unit) {
  if (seconds < 0.5) return "";
  char rate[48];
  std::snprintf(rate, sizeof rate, "  %.1f %s/s", count / seconds, std::string(unit).c_str());
  return rate;
}

}  // namespace

ProgressLine::ProgressLine(bool wanted)
    : live_(wanted && ::isatty(STDERR_FILENO) == 1), started_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { clear(); }

double ProgressLine::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void ProgressLine::show(std::string_view text) {
  if (!live_) return;
  std::cerr << '\r' << text << kClearToEnd << std::flush;
  shown_ = true;
}

void ProgressLine::clear() {
  if (!live_ || !shown_) return;
  std::cerr << '\r' << kClearToEnd << std::flush;
  shown_ = false;
}

std::string fetch_progress_text(const pipeline::FetchProgress& progress, double seconds) {
  return "fetch: feeds " + std::to_string(progress.feeds_done) + "/" + std::to_string(progress.feeds_total) +
         "  articles " + std::to_string(progress.articles_new) + " new, " +
         std::to_string(progress.articles_updated) + " updated  " + std::to_string(progress.errors) +
         " failed" + rate_text(static_cast<double>(progress.feeds_done), seconds, "feeds");
}

std::string publish_progress_text(std::string_view command, const pipeline::PublishProgress& progress,
                                  double seconds) {
  std::string text = std::string(command) + ": " + std::string(progress.step);
  if (progress.total != 0) {
    text += " " + std::to_string(progress.done) + "/" + std::to_string(progress.total) +
            rate_text(static_cast<double>(progress.done), seconds, "documents");
  }
  return text;
}

}  // namespace newsvault::cli
