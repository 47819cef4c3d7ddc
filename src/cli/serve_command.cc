// newsvault serve and newsvault user: the archive over HTTP for its
// readers, and the users it lets in (docs/internals/serve.md).
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/cli.h"
#include "cli/commands.h"
#include "pipeline/pipeline.h"
#include "serve/serve.h"

namespace newsvault::cli {
namespace {

struct ServeArguments {
  std::string listen = "127.0.0.1:8080";
  std::size_t threads = 320;
};

struct UserArguments {
  std::string name;
  bool password_stdin = false;
  bool key = false;
};

Timestamp now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// "ADDR:PORT", "[IPv6]:PORT" or ":PORT" (127.0.0.1).
Result<std::pair<std::string, int>> parse_listen(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  auto refuse = [&] {
    return make_error(ErrorCode::kInvalidArgument,
                      "--listen " + text + ": expected ADDRESS:PORT (127.0.0.1:8080, [::1]:8080, 0.0.0.0:80)");
  };
  if (colon == std::string::npos) return refuse();
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  int port = -1;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) return refuse();
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  return std::pair{host, port};
}

int serve_failed(const Error& error) {
  std::cerr << "newsvault serve: " << error.message() << "\n";
  return kExitFailure;
}

int run_serve(const GlobalOptions& global, const ServeArguments& arguments) {
  auto listen = parse_listen(arguments.listen);
  if (!listen) {
    std::cerr << "newsvault serve: " << listen.error().message() << "\n";
    return kExitUsage;
  }
  // Readers' read and starred state is written: the store must be writable.
  auto opened = pipeline::Archive::open(global.dir, pipeline::Access::kReadWrite);
  if (!opened) return serve_failed(opened.error());
  std::shared_ptr<pipeline::Archive> archive = std::move(*opened);

  serve::Options options;
  options.host = listen->first;
  options.port = listen->second;
  options.threads = arguments.threads;
  options.private_pages = archive->config().serve_private;
  options.site = archive->config().site;
  options.site.publish = archive->config().publish;
  // The images kept are shown from the archive, by the static site's own
  // relative paths (their ".." past the site's folder stop at the server's
  // root, RFC 3986 §5.2.4): /media/…. Read again with each snapshot, only
  // the files of images new since looked at.
  options.local_images = [root = archive->root()](store::Store& store, const std::map<std::string, std::string>* known) {
    return pipeline::local_images(store, root, nullptr, known);
  };
  options.media_root = archive->root();
  for (const auto& [feed, settings] : archive->config().feeds) {
    if (!settings.convert.empty()) options.site.conversions[feed] = settings.convert;
  }
  options.open_store = [archive] { return archive->open_store(); };
  options.decode_article = [](std::string_view content) { return pipeline::read_article_content(content); };
  auto log_mutex = std::make_shared<std::mutex>();
  options.log = [log_mutex](std::string_view line) {
    std::lock_guard lock(*log_mutex);
    std::cerr << line << '\n';
  };

  // SIGTERM and SIGINT go to one thread, which stops the server; every
  // thread started from here on has them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = serve::Server::start(std::move(options));
  if (!server) return serve_failed(server.error());
  std::cerr << "newsvault serve: listening on http://"
            << (listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first) << ":"
            << (*server)->port() << "/" << std::endl;
  serve::Server* running = server->get();
  std::atomic<bool> ended = false;
  std::thread stopper([running, signals, &ended] {
    int signal = 0;
    sigwait(&signals, &signal);
    // A signal that came before run() began listening finds nothing to
    // stop yet: asked again until run() has returned.
    while (!ended) {
      running->stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  auto served = running->run();
  ended = true;
  // Ended by a failure rather than a signal: the stopper still waits.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (!served) return serve_failed(served.error());
  std::cerr << "newsvault serve: stopped" << std::endl;
  return kExitOk;
}

int user_failed(const Error& error) {
  std::cerr << "newsvault user: " << error.message() << "\n";
  return error.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

int run_user_add(const GlobalOptions& global, const UserArguments& arguments) {
  if (!arguments.password_stdin) {
    std::cerr << "newsvault user add: give the password on stdin with --password-stdin "
                 "(a password in the command line is seen by every user of the machine)\n";
    return kExitUsage;
  }
  std::string password;
  std::getline(std::cin, password);
  if (password.ends_with('\r')) password.pop_back();
  auto archive = pipeline::Archive::open(global.dir, pipeline::Access::kReadWrite);
  if (!archive) return user_failed(archive.error());
  auto added = serve::add_user((*archive)->store(), arguments.name, password, now());
  if (!added) return user_failed(added.error());
  if (!global.quiet) std::cerr << "added user " << added->name << "\n";
  if (arguments.key) {
    auto key = serve::create_api_key((*archive)->store(), arguments.name, now());
    if (!key) return user_failed(key.error());
    std::cout << *key << "\n";
  }
  return kExitOk;
}

int run_user_list(const GlobalOptions& global) {
  auto archive = pipeline::Archive::open(global.dir, pipeline::Access::kRead);
  if (!archive) return user_failed(archive.error());
  auto all = serve::users((*archive)->store());
  if (!all) return user_failed(all.error());
  for (const serve::User& user : *all) {
    std::cout << terminal_text(user.name) << "\t" << format_iso8601_seconds(user.created) << "\n";
  }
  return kExitOk;
}

int run_user_remove(const GlobalOptions& global, const UserArguments& arguments) {
  auto archive = pipeline::Archive::open(global.dir, pipeline::Access::kReadWrite);
  if (!archive) return user_failed(archive.error());
  if (auto removed = serve::remove_user((*archive)->store(), arguments.name); !removed) return user_failed(removed.error());
  if (!global.quiet) std::cerr << "removed user " << arguments.name << "\n";
  return kExitOk;
}

int run_user_key(const GlobalOptions& global, const UserArguments& arguments) {
  auto archive = pipeline::Archive::open(global.dir, pipeline::Access::kReadWrite);
  if (!archive) return user_failed(archive.error());
  auto key = serve::create_api_key((*archive)->store(), arguments.name, now());
  if (!key) return user_failed(key.error());
  std::cout << *key << "\n";
  return kExitOk;
}

}  // namespace

void add_serve_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto serve_arguments = std::make_shared<ServeArguments>();
  CLI::App* serve = app.add_subcommand(
      "serve", "Serve the reader pages, search, and the Google Reader and Miniflux APIs.");
  serve->add_option("--listen", serve_arguments->listen, "ADDRESS:PORT to listen on (default 127.0.0.1:8080)");
  serve->add_option("--threads", serve_arguments->threads,
                    "Request threads, one per open connection (default 320)");
  serve->callback([&action, &global, serve_arguments] {
    action = [&global, serve_arguments] { return run_serve(global, *serve_arguments); };
  });

  auto user_arguments = std::make_shared<UserArguments>();
  CLI::App* user = app.add_subcommand("user", "Manage who may use newsvault serve.");
  user->require_subcommand(1);
  CLI::App* add = user->add_subcommand("add", "Add a user; the password is read from stdin.");
  add->add_option("NAME", user_arguments->name, "The user's name")->required();
  add->add_flag("--password-stdin", user_arguments->password_stdin, "Read the password from the first line of stdin");
  add->add_flag("--key", user_arguments->key, "Also make an API key (X-Auth-Token) and print it");
  add->callback([&action, &global, user_arguments] {
    action = [&global, user_arguments] { return run_user_add(global, *user_arguments); };
  });
  CLI::App* list = user->add_subcommand("list", "List the users.");
  list->callback([&action, &global] { action = [&global] { return run_user_list(global); }; });
  CLI::App* remove = user->add_subcommand("remove", "Remove a user, their keys and read state.");
  remove->add_option("NAME", user_arguments->name, "The user's name")->required();
  remove->callback([&action, &global, user_arguments] {
    action = [&global, user_arguments] { return run_user_remove(global, *user_arguments); };
  });
  CLI::App* key = user->add_subcommand("key", "Make a new API key for a user and print it.");
  key->add_option("NAME", user_arguments->name, "The user's name")->required();
  key->callback([&action, &global, user_arguments] {
    action = [&global, user_arguments] { return run_user_key(global, *user_arguments); };
  });
}

}  // namespace newsvault::cli
