// `newsvault run` (the daemon) and `newsvault worker`: their signals and logs.
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"

namespace newsvault::cli {
namespace {

struct WorkerArguments {
  bool once = false;
  std::string id;
  std::string log_format = "text";
};

struct RunArguments {
  std::string log_format = "text";
  std::string now;
  std::string until;
};

void print_event(const pipeline::DaemonEvent& event, bool json, schedule::Clock& clock) {
  const std::string time = format_iso8601_seconds(clock.now());
  if (json) {
    nlohmann::json line = {{"time", time}, {"event", event.name}};
    for (const auto& [key, value] : event.fields) line[key] = value;
    std::cerr << line.dump() << "\n" << std::flush;
    return;
  }
  std::string line = time + " " + event.name;
  for (const auto& [key, value] : event.fields) line += " " + key + "=" + terminal_text(value);
  std::cerr << line << "\n" << std::flush;
}

// Signals are taken by one thread (sigwait), never by a handler: the
// others run with them blocked. SIGHUP asks for a reload, SIGTERM and
// SIGINT for a stop; work in flight gets 5 seconds to finish, then its
// transfers are abandoned, so the archive is left consistent well within 10.
std::thread watch_signals(pipeline::DaemonControl& control, schedule::Clock& clock,
                          const std::atomic<bool>& finished) {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, signal);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return std::thread([&control, &clock, &finished, signals] {
    const timespec tick{0, 100'000'000};
    std::optional<std::chrono::steady_clock::time_point> stop_asked;
    while (!finished) {
      const int signal = sigtimedwait(&signals, nullptr, &tick);
      if (signal == SIGHUP) {
        control.reload = true;
        clock.interrupt();
      } else if (signal == SIGTERM || signal == SIGINT) {
        control.stop = true;
        clock.interrupt();
        if (!stop_asked) stop_asked = std::chrono::steady_clock::now();
      }
      if (stop_asked && std::chrono::steady_clock::now() - *stop_asked > std::chrono::seconds(5)) {
        *control.cancel = true;
      }
    }
  });
}

int run_daemon_command(const GlobalOptions& global, const RunArguments& arguments) {
  const bool json = arguments.log_format == "json";
  std::unique_ptr<schedule::Clock> clock;
  pipeline::DaemonOptions options;
  if (!arguments.now.empty()) {
    // A simulated run: the clock jumps from one poll to the next.
    auto start = parse_now_option(arguments.now);
    if (!start) {
      std::cerr << "newsvault run: " << start.error().message() << "\n";
      return kExitUsage;
    }
    clock = std::make_unique<schedule::TestClock>(*start);
  } else {
    clock = schedule::make_system_clock();
  }
  if (!arguments.until.empty()) {
    auto until = parse_now_option(arguments.until);
    if (!until) {
      std::cerr << "newsvault run: --until: " << until.error().message() << "\n";
      return kExitUsage;
    }
    options.until = *until;
  }
  options.log = [&](const pipeline::DaemonEvent& event) { print_event(event, json, *clock); };

  pipeline::DaemonControl control;
  std::atomic<bool> finished{false};
  std::thread watcher = watch_signals(control, *clock, finished);
  auto ran = pipeline::run_daemon(global.dir, *clock, control, options);
  finished = true;
  watcher.join();
  if (!ran) {
    std::cerr << "newsvault run: " << ran.error().message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int run_worker_command(const GlobalOptions& global, const WorkerArguments& arguments) {
  const bool json = arguments.log_format == "json";
  std::unique_ptr<schedule::Clock> clock = schedule::make_system_clock();
  pipeline::WorkerOptions options;
  options.once = arguments.once;
  options.owner = arguments.id;
  options.log = [&](const pipeline::DaemonEvent& event) {
    if (!global.quiet || event.name == "feed_error" || event.name == "store_unreachable") {
      print_event(event, json, *clock);
    }
  };
  pipeline::DaemonControl control;
  std::atomic<bool> finished{false};
  std::thread watcher = watch_signals(control, *clock, finished);
  auto ran = pipeline::run_worker(global.dir, *clock, control, options);
  finished = true;
  watcher.join();
  if (!ran) {
    std::cerr << "newsvault worker: " << ran.error().message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_worker_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto arguments = std::make_shared<WorkerArguments>();
  CLI::App* command = app.add_subcommand(
      "worker",
      "Lease due feeds from the archive's store, fetch and save them there (no documents: publish writes those); "
      "any number may run at once, on any machine whose settings name the store. SIGTERM or SIGINT stop it after "
      "its current batch.");
  command->add_flag("--once", arguments->once,
                    "Stop when no feed is due and no other worker's lease of a due feed is running");
  command->add_option("--id", arguments->id,
                      "Name this worker's leases in the store and its WARC files (default HOST:PID; give a "
                      "stable one so that a worker started again mends a WARC record its killed predecessor tore)");
  command->add_option("--log-format", arguments->log_format, "text or json: one event a line on stderr")
      ->check(CLI::IsMember({"text", "json"}));
  command->callback([&action, &global, arguments] {
    action = [&global, arguments] { return run_worker_command(global, *arguments); };
  });
}

void add_run_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto arguments = std::make_shared<RunArguments>();
  CLI::App* command = app.add_subcommand(
      "run",
      "Stay up and poll each feed on its own schedule, publishing what changed. Failed pages are retried "
      "on their own schedule, without polling their feed. When no server answers on two hosts, or on one "
      "host and not [schedule] network_probe either, the network is down: it logs 'offline' once and "
      "waits (30 s doubling) instead of failing feeds. SIGTERM or SIGINT: ends within 10 s, abandoning "
      "transfers and a push still running after 5 s (the next start pushes); SIGHUP rereads the settings.");
  command->add_option("--log-format", arguments->log_format, "text or json: one event a line on stderr")
      ->check(CLI::IsMember({"text", "json"}));
  command->add_option("--now", arguments->now,
                      "Simulate from this time: the clock jumps to each poll instead of waiting");
  command->add_option("--until", arguments->until, "Stop once the clock reaches this time");
  command->callback([&action, &global, arguments] {
    action = [&global, arguments] { return run_daemon_command(global, *arguments); };
  });
}

}  // namespace newsvault::cli
