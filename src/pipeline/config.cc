#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <toml.hpp>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {
namespace {

// A setting that is wrong, told as "FILE:LINE: section.key: what".
Error setting_error(const toml::value& value, const std::string& key, const std::string& what) {
  const toml::source_location location = value.location();
  return Error(ErrorCode::kInvalidArgument, location.file_name() + ":" +
                                                std::to_string(location.line()) + ": " + key +
                                                ": " + what);
}

// Reads one table's settings by name, refusing names it does not know, so
// that a typo is an error and not a silently ignored setting.
class TableReader {
 public:
  TableReader(const toml::value& table, std::string section)
      : table_(table), section_(std::move(section)) {}

  Result<void> integer(const char* key, long long minimum, long long maximum,
                       const std::function<void(long long)>& apply) {
    known_.insert(key);
    if (!table_.contains(key)) return {};
    const toml::value& value = table_.at(key);
    if (!value.is_integer()) return std::unexpected(setting_error(value, name(key), "expected an integer"));
    const long long number = value.as_integer();
    if (number < minimum || number > maximum) {
      return std::unexpected(setting_error(value, name(key),
                                           "must be between " + std::to_string(minimum) +
                                               " and " + std::to_string(maximum)));
    }
    apply(number);
    return {};
  }

  Result<void> text(const char* key, std::string& target) {
    known_.insert(key);
    if (!table_.contains(key)) return {};
    const toml::value& value = table_.at(key);
    if (!value.is_string()) return std::unexpected(setting_error(value, name(key), "expected a string"));
    target = value.as_string().str;
    return {};
  }

  // An array of strings, each lower-cased (host names).
  Result<void> lower_case_list(const char* key, std::vector<std::string>& target) {
    std::vector<std::string> items;
    auto read = text_list(key, [&](const std::string& text) {
      items.push_back(lower_ascii(text));
      return std::string();
    });
    if (read && known_present(key)) target = std::move(items);
    return read;
  }

  Result<void> boolean(const char* key, bool& target) {
    known_.insert(key);
    if (!table_.contains(key)) return {};
    const toml::value& value = table_.at(key);
    if (!value.is_boolean()) return std::unexpected(setting_error(value, name(key), "expected true or false"));
    target = value.as_boolean();
    return {};
  }

  // A key read by its own reader (a sub-table, an array of tables): known
  // here, returned when present.
  const toml::value* nested(const char* key) {
    known_.insert(key);
    return table_.contains(key) ? &table_.at(key) : nullptr;
  }

  // A sub-table, read by `read` (which names its own keys).
  Result<void> table(const char* key, const std::function<Result<void>(const toml::value&)>& read) {
    known_.insert(key);
    if (!table_.contains(key)) return {};
    const toml::value& value = table_.at(key);
    if (!value.is_table()) return std::unexpected(setting_error(value, name(key), "expected a table"));
    return read(value);
  }

  // An array of strings, each checked by `apply` (which says what is wrong
  // with one, or "" when it is right).
  Result<void> text_list(const char* key, const std::function<std::string(const std::string&)>& apply) {
    known_.insert(key);
    if (!table_.contains(key)) return {};
    const toml::value& value = table_.at(key);
    if (!value.is_array()) return std::unexpected(setting_error(value, name(key), "expected an array of strings"));
    for (const toml::value& item : value.as_array()) {
      if (!item.is_string()) return std::unexpected(setting_error(item, name(key), "expected an array of strings"));
      if (std::string wrong = apply(item.as_string().str); !wrong.empty()) {
        return std::unexpected(setting_error(item, name(key), wrong));
      }
    }
    return {};
  }

  // "auto", "always" or "never" (pipeline.h, FullText).
  Result<void> full_text(const char* key, std::optional<FullText>& target) {
    std::string mode_name;
    if (auto r = text(key, mode_name); !r) return r;
    if (!table_.contains(key)) return {};
    const auto mode = full_text_named(mode_name);
    if (!mode) {
      return std::unexpected(setting_error(table_.at(key), name(key),
                                           "expected \"auto\", \"always\" or \"never\", not \"" + mode_name + "\""));
    }
    target = *mode;
    return {};
  }

  bool known_present(const char* key) const { return table_.contains(key); }

  Result<void> no_unknown_keys() const {
    for (const auto& [key, value] : table_.as_table()) {
      if (!known_.contains(key)) return std::unexpected(setting_error(value, name(key), "unknown setting"));
    }
    return {};
  }

 private:
  std::string name(const std::string& key) const { return section_ + "." + key; }
  const toml::value& table_;
  std::string section_;
  std::set<std::string> known_;
};

// A secret in the settings file is one anybody reading the file (or a
// copy of it, or a message quoting it) has, so a URL that holds one is
// refused, quoted with the secret hidden: userinfo in an http(s) URL
// ("https://TOKEN@host/", "https://user%3Atoken@host/"), a password in any
// URL ("ssh://git:pass@host/"), a query parameter named like a credential
// ("?access_token=..."). An ssh user name ("ssh://git@host/") is no secret.
Result<void> refuse_credentials(const toml::value& value, const std::string& key, const std::string& url,
                                const std::string& instead) {
  std::string checked = url;
  if (url_scheme(url) == "ssh") {
    const std::size_t begin = url.find("://") + 3;
    const std::size_t at = url.find('@', begin);
    if (at < url.find_first_of("/?#", begin) && url.substr(begin, at - begin).find(':') == std::string::npos) {
      checked.erase(begin, at + 1 - begin);
    }
  }
  if (!url_holds_credentials(checked)) return {};
  return std::unexpected(setting_error(value, key, redact_url(url) + " holds credentials; " + instead));
}

Result<void> read_fetch(const toml::value& table, Config& config) {
  fetch::ClientOptions& options = config.fetch;
  TableReader reader(table, "fetch");
  std::optional<FullText> full_text;
  if (auto r = reader.full_text("full_text", full_text); !r) return r;
  config.full_text = full_text.value_or(config.full_text);
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  if (auto r = reader.text("user_agent", options.user_agent); !r) return r;
  if (auto r = reader.text("proxy", options.proxy); !r) return r;
  if (!options.proxy.empty()) {
    if (auto r = refuse_credentials(table.at("proxy"), "fetch.proxy", options.proxy,
                                    "leave proxy empty and give the proxy with its credentials in the "
                                    "environment (https_proxy, http_proxy, all_proxy), which libcurl reads");
        !r) {
      return r;
    }
  }
  if (auto r = reader.integer("max_connections", 1, 1000, [&](long long n) { options.max_connections = n; }); !r) return r;
  if (auto r = reader.integer("max_per_host", 1, 100, [&](long long n) { options.max_per_host = n; }); !r) return r;
  if (auto r = reader.integer("timeout_seconds", 1, 3600, [&](long long n) { options.timeout = seconds(n); }); !r) return r;
  if (auto r = reader.integer("connect_timeout_seconds", 1, 600, [&](long long n) { options.connect_timeout = seconds(n); }); !r) return r;
  if (auto r = reader.integer("max_attempts", 1, 20, [&](long long n) { options.max_attempts = static_cast<int>(n); }); !r) return r;
  if (auto r = reader.integer("retry_base_delay_ms", 0, 600000, [&](long long n) { options.retry_base_delay = milliseconds(n); }); !r) return r;
  if (auto r = reader.integer("max_retry_delay_seconds", 0, 86400, [&](long long n) { options.max_retry_delay = seconds(n); }); !r) return r;
  if (auto r = reader.integer("max_response_bytes", 1024, 1LL << 40, [&](long long n) { options.max_response_bytes = static_cast<std::size_t>(n); }); !r) return r;
  if (auto r = reader.integer("low_speed_bytes_per_second", 0, 1LL << 30, [&](long long n) { options.low_speed_bytes_per_second = static_cast<std::size_t>(n); }); !r) return r;
  if (auto r = reader.integer("low_speed_seconds", 1, 3600, [&](long long n) { options.low_speed_time = seconds(n); }); !r) return r;
  if (auto r = reader.integer("run_timeout_seconds", 0, 7 * 86400, [&](long long n) { options.run_timeout = seconds(n); }); !r) return r;
  if (auto r = reader.integer("max_redirects", 0, 50, [&](long long n) { options.max_redirects = static_cast<int>(n); }); !r) return r;
  if (auto r = reader.integer("max_header_bytes", 1024, 1LL << 30, [&](long long n) { options.max_header_bytes = static_cast<std::size_t>(n); }); !r) return r;
  if (auto r = reader.boolean("allow_private_addresses", options.allow_private_addresses); !r) return r;
  return reader.no_unknown_keys();
}

// [[publish.git.remote]]: name and url required; credentials only by the
// name of the environment variable that holds them.
Result<void> read_git_remotes(const toml::value& array, std::vector<publish::GitRemote>& remotes) {
  const std::string section = "publish.git.remote";
  if (!array.is_array()) return std::unexpected(setting_error(array, section, "expected [[publish.git.remote]] tables"));
  for (const toml::value& table : array.as_array()) {
    if (!table.is_table()) return std::unexpected(setting_error(table, section, "expected a table"));
    TableReader reader(table, section);
    publish::GitRemote remote;
    if (auto r = reader.text("name", remote.name); !r) return r;
    if (auto r = reader.text("url", remote.url); !r) return r;
    if (auto r = reader.text("username_env", remote.username_env); !r) return r;
    if (auto r = reader.text("password_env", remote.password_env); !r) return r;
    if (auto r = reader.integer("push_timeout_seconds", 1, 86400,
                                [&](long long n) { remote.push_timeout = std::chrono::seconds(n); });
        !r) {
      return r;
    }
    if (auto r = reader.no_unknown_keys(); !r) return r;
    if (remote.name.empty() || remote.url.empty()) {
      return std::unexpected(setting_error(table, section, "needs a name and a url"));
    }
    if (auto r = refuse_credentials(table.at("url"), section + ".url", remote.url,
                                    "name environment variables in username_env and password_env instead");
        !r) {
      return r;
    }
    for (const publish::GitRemote& other : remotes) {
      if (other.name == remote.name) {
        return std::unexpected(setting_error(table.at("name"), section + ".name",
                                             "two remotes named " + remote.name));
      }
    }
    remotes.push_back(std::move(remote));
  }
  return {};
}

Result<void> read_git(const toml::value& table, publish::GitOptions& options) {
  if (!table.is_table()) return std::unexpected(setting_error(table, "publish.git", "expected a table"));
  TableReader reader(table, "publish.git");
  if (auto r = reader.boolean("enabled", options.enabled); !r) return r;
  if (auto r = reader.text("author_name", options.author_name); !r) return r;
  if (auto r = reader.text("author_email", options.author_email); !r) return r;
  if (auto r = reader.text("branch", options.branch); !r) return r;
  // git check-ref-format's rules, the ones a name can break here.
  const std::string& branch = options.branch;
  if (branch.empty() || branch.starts_with('-') || branch.starts_with('/') || branch.ends_with('/') ||
      branch.ends_with(".lock") || branch.ends_with('.') || branch.find("..") != std::string::npos ||
      branch.find("//") != std::string::npos || branch.find("@{") != std::string::npos ||
      branch.find_first_of(" ~^:?*[\\\x7f") != std::string::npos ||
      std::any_of(branch.begin(), branch.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return std::unexpected(setting_error(table.contains("branch") ? table.at("branch") : table, "publish.git.branch",
                                         "\"" + branch + "\" is not a name git takes for a branch"));
  }
  if (auto r = reader.integer("push_timeout_seconds", 1, 86400,
                              [&](long long n) { options.push_timeout = std::chrono::seconds(n); });
      !r) {
    return r;
  }
  if (const toml::value* remotes = reader.nested("remote")) {
    if (auto r = read_git_remotes(*remotes, options.remotes); !r) return r;
  }
  if (options.author_name.empty() || options.author_email.empty()) {
    return std::unexpected(setting_error(table, "publish.git", "author_name and author_email may not be empty"));
  }
  return reader.no_unknown_keys();
}

Result<void> read_publish(const toml::value& table, Config& config) {
  TableReader reader(table, "publish");
  if (auto r = reader.text("image_proxy", config.publish.image_proxy); !r) return r;
  if (auto r = reader.text("base_url", config.feeds_out.base_url); !r) return r;
  if (auto r = reader.integer("feed_items", 0, 100000, [&](long long n) { config.feeds_out.max_items = static_cast<std::size_t>(n); }); !r) return r;
  if (auto r = reader.text("language", config.site.language); !r) return r;
  if (std::ranges::find(publish::site_languages(), config.site.language) == publish::site_languages().end()) {
    std::string allowed;
    for (std::string_view language : publish::site_languages()) {
      allowed += (allowed.empty() ? "\"" : ", \"") + std::string(language) + "\"";
    }
    return std::unexpected(setting_error(table.at("language"), "publish.language",
                                         "\"" + config.site.language + "\" is not a language of the site; one of " +
                                             allowed));
  }
  if (auto r = reader.text("time_zone", config.site.time_zone); !r) return r;
  if (auto zone = publish::check_site_time_zone(config.site.time_zone); !zone) {
    return std::unexpected(setting_error(table.at("time_zone"), "publish.time_zone", zone.error().message()));
  }
  if (const toml::value* git = reader.nested("git")) {
    if (auto r = read_git(*git, config.git); !r) return r;
  }
  if (auto r = reader.table("site", [&](const toml::value& site) -> Result<void> {
        TableReader site_reader(site, "publish.site");
        if (auto read = site_reader.text("dir", config.site.dir); !read) return read;
        if (auto read = site_reader.boolean("enabled", config.site_enabled); !read) return read;
        return site_reader.no_unknown_keys();
      });
      !r) {
    return r;
  }
  if (auto r = reader.table("sign", [&](const toml::value& sign) -> Result<void> {
        TableReader sign_reader(sign, "publish.sign");
        std::string key;
        if (auto read = sign_reader.text("ssh_key", key); !read) return read;
        config.sign.ssh_key = key;
        if (auto read = sign_reader.integer("timeout_seconds", 1, 3600, [&](long long n) { config.sign.timeout = std::chrono::seconds(n); }); !read) return read;
        return sign_reader.no_unknown_keys();
      });
      !r) {
    return r;
  }
  return reader.no_unknown_keys();
}

Result<void> read_warc_settings(const toml::value& table, Config& config) {
  TableReader reader(table, "warc");
  if (auto r = reader.boolean("enabled", config.warc_enabled); !r) return r;
  if (auto r = reader.integer("max_file_bytes", 1024 * 1024, 1LL << 40, [&](long long n) { config.warc_max_file_bytes = static_cast<std::uintmax_t>(n); }); !r) return r;
  return reader.no_unknown_keys();
}

Result<void> read_images(const toml::value& table, Config& config) {
  TableReader reader(table, "images");
  if (auto r = reader.boolean("enabled", config.images_enabled); !r) return r;
  if (auto r = reader.integer("max_bytes", 1024, 1LL << 30, [&](long long n) { config.image_limits.max_bytes = static_cast<std::size_t>(n); }); !r) return r;
  if (auto r = reader.integer("max_pixels", 1, 1LL << 40, [&](long long n) { config.image_limits.max_pixels = static_cast<std::uint64_t>(n); }); !r) return r;
  if (auto r = reader.integer("budget_seconds", 1, 24 * 60 * 60, [&](long long n) { config.images_budget = std::chrono::seconds(n); }); !r) return r;
  return reader.no_unknown_keys();
}

Result<void> read_serve(const toml::value& table, Config& config) {
  TableReader reader(table, "serve");
  if (auto r = reader.boolean("private", config.serve_private); !r) return r;
  return reader.no_unknown_keys();
}

// [store] url: a PostgreSQL connection URI; absent, the SQLite file in
// .newsvault/. A password written here is readable by whoever reads the
// file: the environment (PGPASSWORD) or libpq's passfile keep it out.
Result<void> read_store(const toml::value& table, Config& config) {
  TableReader reader(table, "store");
  if (auto r = reader.text("url", config.store_url); !r) return r;
  if (!config.store_url.empty() && !config.store_url.starts_with("postgresql://") &&
      !config.store_url.starts_with("postgres://")) {
    return std::unexpected(setting_error(table.at("url"), "store.url",
                                         "expected a postgresql:// URI (the SQLite store needs no setting)"));
  }
  return reader.no_unknown_keys();
}

// [workers]: lease_seconds (how long a lease lasts unrenewed: long enough
// for a batch, short enough that a killed worker's feeds are soon taken
// again) and batch (feeds leased at once).
Result<void> read_workers(const toml::value& table, Config& config) {
  TableReader reader(table, "workers");
  if (auto r = reader.integer("lease_seconds", 1, 86'400, [&](long long n) { config.lease_duration = std::chrono::seconds(n); }); !r) return r;
  if (auto r = reader.integer("batch", 1, 10'000, [&](long long n) { config.lease_batch = static_cast<std::size_t>(n); }); !r) return r;
  return reader.no_unknown_keys();
}

Result<void> read_feed_limits(const toml::value& table, feed::ParseOptions& options) {
  TableReader reader(table, "feed");
  if (auto r = reader.integer("max_entries", 1, 10'000'000, [&](long long n) { options.max_entries = static_cast<std::size_t>(n); }); !r) return r;
  if (auto r = reader.integer("max_text_bytes", 1024, 1LL << 32, [&](long long n) { options.max_text_bytes = static_cast<std::size_t>(n); }); !r) return r;
  return reader.no_unknown_keys();
}

Result<void> read_clean(const toml::value& table, clean::Options& options) {
  TableReader reader(table, "clean");
  if (auto r = reader.lower_case_list("iframe_hosts", options.iframe_hosts); !r) return r;
  return reader.no_unknown_keys();
}

Result<void> read_feeds(const toml::value& table, Config& config) {
  for (const auto& [feed, settings] : table.as_table()) {
    const std::string section = "feeds." + feed;
    if (!settings.is_table()) return std::unexpected(setting_error(settings, section, "expected a table"));
    TableReader reader(settings, section);
    FeedSettings& feed_settings = config.feeds[feed];
    auto add_conversion = [&](const std::string& name) -> std::string {
      const auto conversion = publish::chinese_conversion_named(name);
      if (!conversion) return "unknown conversion \"" + name + "\" (known: s2t, t2s, s2tw, s2hk, s2twp, tw2sp)";
      for (const publish::ChineseConversion other : feed_settings.convert) {
        if (other != *conversion &&
            publish::chinese_conversion_language(other) == publish::chinese_conversion_language(*conversion)) {
          return "\"" + name + "\" and \"" + std::string(publish::chinese_conversion_name(other)) +
                 "\" both make the " + std::string(publish::chinese_conversion_language(*conversion)) +
                 " copy: choose one";
        }
      }
      if (std::ranges::find(feed_settings.convert, *conversion) == feed_settings.convert.end()) {
        feed_settings.convert.push_back(*conversion);
      }
      return {};
    };
    if (auto r = reader.text_list("convert", add_conversion); !r) return r;
    if (auto r = reader.full_text("full_text", feed_settings.full_text); !r) return r;
    if (auto r = reader.text("title", feed_settings.title); !r) return r;
    if (auto r = reader.text("category", feed_settings.category); !r) return r;
    bool images = true;
    if (auto r = reader.boolean("images", images); !r) return r;
    if (settings.contains("images")) feed_settings.images = images;
    for (auto [key, target] : {std::pair{"min_interval_seconds", &feed_settings.min_interval_seconds},
                               std::pair{"max_interval_seconds", &feed_settings.max_interval_seconds}}) {
      if (auto r = reader.integer(key, 1, kMaxIntervalSeconds, [target](long long n) { *target = n; }); !r) {
        return r;
      }
    }
    if (feed_settings.min_interval_seconds && feed_settings.max_interval_seconds &&
        *feed_settings.min_interval_seconds > *feed_settings.max_interval_seconds) {
      return std::unexpected(setting_error(settings.at("min_interval_seconds"), section + ".min_interval_seconds",
                                           "must not be above max_interval_seconds"));
    }
    if (auto r = reader.no_unknown_keys(); !r) return r;
  }
  return {};
}

Result<void> read_schedule(const toml::value& table, schedule::Bounds& bounds, std::string& network_probe) {
  TableReader reader(table, "schedule");
  if (auto r = reader.text("network_probe", network_probe); !r) return r;
  if (const std::string scheme = url_scheme(network_probe);
      !network_probe.empty() && scheme != "http" && scheme != "https") {
    return std::unexpected(setting_error(table.at("network_probe"), "schedule.network_probe",
                                         "not an http or https URL: \"" + network_probe + "\""));
  }
  if (auto r = reader.integer("min_interval_seconds", 1, kMaxIntervalSeconds, [&](long long n) { bounds.min_interval = std::chrono::seconds(n); }); !r) return r;
  if (auto r = reader.integer("max_interval_seconds", 1, kMaxIntervalSeconds, [&](long long n) { bounds.max_interval = std::chrono::seconds(n); }); !r) return r;
  if (bounds.max_interval < bounds.min_interval) {
    return std::unexpected(setting_error(table, "schedule", "max_interval_seconds is below min_interval_seconds"));
  }
  return reader.no_unknown_keys();
}

Result<void> read_adapters(const toml::value& table, Config& config) {
  for (const auto& [adapter, settings] : table.as_table()) {
    if (!settings.is_table()) {
      return std::unexpected(setting_error(settings, "adapters." + adapter, "expected a table"));
    }
    TableReader reader(settings, "adapters." + adapter);
    std::string article_api;
    if (auto r = reader.text("article_api", article_api); !r) return r;
    if (auto r = reader.no_unknown_keys(); !r) return r;
    if (!article_api.empty()) {
      if (article_api.find("{id}") == std::string::npos) {
        return std::unexpected(setting_error(settings.at("article_api"),
                                             "adapters." + adapter + ".article_api",
                                             "must contain {id}"));
      }
      config.adapters[adapter]["article_api"] = article_api;
    }
  }
  return {};
}

Result<Config> read_config(const toml::value& data) {
  Config config;
  for (const auto& [section, table] : data.as_table()) {
    if (!table.is_table()) {
      return std::unexpected(setting_error(table, section, "expected a [section]"));
    }
    Result<void> read;
    if (section == "fetch") read = read_fetch(table, config);
    else if (section == "feed") read = read_feed_limits(table, config.parse);
    else if (section == "clean") read = read_clean(table, config.clean);
    else if (section == "publish") read = read_publish(table, config);
    else if (section == "feeds") read = read_feeds(table, config);
    else if (section == "adapters") read = read_adapters(table, config);
    else if (section == "serve") read = read_serve(table, config);
    else if (section == "store") read = read_store(table, config);
    else if (section == "workers") read = read_workers(table, config);
    else if (section == "warc") read = read_warc_settings(table, config);
    else if (section == "images") read = read_images(table, config);
    else if (section == "schedule") read = read_schedule(table, config.schedule, config.network_probe);
    else read = std::unexpected(setting_error(table, section, "unknown section"));
    if (!read) return std::unexpected(read.error());
  }
  // Checked once every section is read: the site's folder may come later.
  for (const auto& [feed, settings] : config.feeds) {
    if (auto problem = feed_name_problem(feed, config.site.dir)) {
      return std::unexpected(setting_error(data.at("feeds").at(feed), "feeds." + feed, *problem));
    }
  }
  // The wire bytes are kept only for the WARC files that want them.
  config.fetch.record_exchanges = config.warc_enabled;
  // A push waits to connect and for progress as long as a fetch does.
  config.git.connect_timeout =
      std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(config.fetch.connect_timeout));
  config.git.stall_timeout = config.fetch.low_speed_time;
  return config;
}

// The settings text as TOML; a syntax error names the file and the line.
// The line of the first byte sequence of `text` that is not UTF-8, or
// nullopt when it all is.
std::optional<std::size_t> first_line_not_utf8(std::string_view text) {
  std::size_t line = 1;
  while (!text.empty()) {
    const Utf8Char character = decode_utf8(text);
    if (character.length == 0) return line;
    if (character.code_point == U'\n') ++line;
    text.remove_prefix(character.length);
  }
  return std::nullopt;
}

// Arrays and inline tables nested deeper than any setting needs. toml11
// reads nested values by recursion, one level per bracket, with no limit of
// its own: a line of a few thousand "[" overflows the stack.
constexpr std::size_t kMaxValueDepth = 64;

// The longest binary integer toml11 can read: leading zeros count, so a
// 63-bit value written with all its digits is out of reach (no setting
// needs one).
constexpr std::size_t kMaxBinaryDigits = 62;

// Where the settings text goes wrong, and how.
struct TextProblem {
  std::size_t line;
  std::string what;
};

bool is_bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// What toml11 3.7 cannot be given, read before it reads the text: values
// nested deeper than kMaxValueDepth, and binary integers of more than 62
// digits (toml11 doubles a signed 64-bit place value once per digit,
// leading zeros included, without a check: the 63rd doubling overflows).
// Brackets and digits in strings and comments do not
// count; a table header's brackets close on its line. The line and what is
// wrong, or nullopt.
std::optional<TextProblem> text_toml11_cannot_read(std::string_view text) {
  std::size_t line = 1;
  std::size_t depth = 0;
  std::size_t i = 0;
  // Skips the string whose opening `quote` (', ", ''' or """) is at i,
  // counting the lines it spans; escapes only in basic (") strings.
  auto skip_string = [&](std::string_view quote) {
    const bool basic = quote.front() == '"';
    const bool multiline = quote.size() == 3;
    for (i += quote.size(); i < text.size(); ++i) {
      if (text.substr(i).starts_with(quote)) {
        i += quote.size();
        return;
      }
      if (text[i] == '\n') {
        ++line;
        if (!multiline) return;  // an unclosed string: toml11 says so
      }
      if (basic && text[i] == '\\' && i + 1 < text.size() && text[i + 1] != '\n') ++i;
    }
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      const std::string_view triple = c == '"' ? R"(""")" : "'''";
      skip_string(text.substr(i).starts_with(triple) ? triple : triple.substr(0, 1));
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '\n') ++line;
    if (c == '0' && i + 1 < text.size() && text[i + 1] == 'b' && (i == 0 || !is_bare_key_char(text[i - 1]))) {
      std::size_t digits = 0;
      for (i += 2; i < text.size() && (text[i] == '0' || text[i] == '1' || text[i] == '_'); ++i) {
        if (text[i] != '_') ++digits;
      }
      if (digits > kMaxBinaryDigits) {
        return TextProblem{line, "a binary integer longer than " + std::to_string(kMaxBinaryDigits) + " digits"};
      }
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > kMaxValueDepth) {
        return TextProblem{line, "arrays or tables nested more than " + std::to_string(kMaxValueDepth) +
                                     " deep"};
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    ++i;
  }
  return std::nullopt;
}

Result<toml::value> parse_toml(std::string_view text, const std::string& file_name) {
  // TOML v1.0.0: "A TOML file must be a valid UTF-8 encoded Unicode
  // document." Checked before toml11 reads it, because toml11 3.7 reads past
  // the end of its buffer on some sequences that are not UTF-8 (a stray
  // 0x86 in a literal-string key).
  if (const auto line = first_line_not_utf8(text)) {
    return make_error(ErrorCode::kInvalidArgument,
                      file_name + ":" + std::to_string(*line) + ": not UTF-8, as TOML must be");
  }
  if (const auto problem = text_toml11_cannot_read(text)) {
    return make_error(ErrorCode::kInvalidArgument,
                      file_name + ":" + std::to_string(problem->line) + ": " + problem->what);
  }
  std::istringstream in{std::string(text), std::ios::binary};
  try {
    return toml::parse(in, file_name);
  } catch (const toml::syntax_error& error) {
    const toml::source_location& location = error.location();
    std::string what = error.what();
    // toml11's message is several lines; the first says what is wrong.
    const auto first_line_end = what.find('\n');
    what = what.substr(0, first_line_end);
    if (what.starts_with("[error] ")) what.erase(0, 8);
    return make_error(ErrorCode::kInvalidArgument,
                      file_name + ":" + std::to_string(location.line()) + ": " + what);
  } catch (const std::exception& error) {
    return make_error(ErrorCode::kIo, file_name + ": " + error.what());
  }
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The text's lines, each with its line break.
std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::size_t length = end == std::string_view::npos ? text.size() : end + 1;
    lines.emplace_back(text.substr(0, length));
    text.remove_prefix(length);
  }
  return lines;
}

// The index of the line holding the [feeds.FEED] header, however it is
// spelled (quoted or not, spaces around the dot, a comment after it):
// each header line is read as TOML on its own.
std::optional<std::size_t> table_header_line(const std::vector<std::string>& lines,
                                             const std::string& feed) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = trimmed(lines[i]);
    if (!line.starts_with('[') || line.starts_with("[[")) continue;
    auto header = parse_toml(std::string(line) + "\n", "header");
    if (header && header->contains("feeds") && header->at("feeds").is_table() &&
        header->at("feeds").contains(feed)) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<FullText> full_text_named(std::string_view name) {
  if (name == "auto") return FullText::kAuto;
  if (name == "always") return FullText::kAlways;
  if (name == "never") return FullText::kNever;
  return std::nullopt;
}

std::string_view full_text_name(FullText mode) {
  switch (mode) {
    case FullText::kAuto: return "auto";
    case FullText::kAlways: return "always";
    case FullText::kNever: return "never";
  }
  return "auto";
}

std::string default_config_text() {
  return R"(# newsvault settings. Every setting is shown with its default.

[fetch]
# full_text = "auto"            # every feed's, unless [feeds.NAME] says otherwise (below)
# user_agent = "newsvault/0.1"
# An HTTP or SOCKS5 proxy ("http://host:3128", "socks5h://host:1080"). Empty:
# the usual http_proxy / https_proxy / all_proxy variables are honoured.
# proxy = ""
# max_connections = 32          # in flight at once
# max_per_host = 6
# timeout_seconds = 30
# connect_timeout_seconds = 10
# max_attempts = 3              # 5xx, 429 and network errors are retried
# retry_base_delay_ms = 500
# max_retry_delay_seconds = 60  # a longer Retry-After fails the request
# Limits no server may pass (what each guards against: docs/internals/fetch.md).
# max_response_bytes = 67108864 # the body once decompressed (a gzip bomb stops here)
# max_header_bytes = 262144     # status line and headers of one response
# low_speed_bytes_per_second = 100  # slower than this for low_speed_seconds ends a
# low_speed_seconds = 20            # transfer (0 bytes/s: no check)
# The longest a whole fetch run's transfers may take; then those in flight
# are abandoned, what was archived is kept, the rest waits for the next run.
# run_timeout_seconds = 0           # 0: no bound but each transfer's own
# max_redirects = 10
# A feed on the internet may not redirect to a private, loopback or
# link-local address (a service inside your network) unless this is true.
# Feeds whose own URL is on such an address are fetched either way.
# allow_private_addresses = false

# Limits on what one feed document may hold; content beyond them is left out
# and reported as the feed's error.
[feed]
# max_entries = 10000           # entries read from one feed; the rest are dropped
# max_text_bytes = 16777216     # text of any one element (a description); cut beyond

[clean]
# Hosts whose https:// embeds (<iframe>) stay in archived articles; every
# other frame is dropped.
# iframe_hosts = ["www.youtube.com", "youtube.com", "www.youtube-nocookie.com",
#                 "youtube-nocookie.com", "player.vimeo.com", "www.dailymotion.com",
#                 "geo.dailymotion.com"]

[publish]
# {url_without_scheme}: the image's address without https:// or http://
# image_proxy = "https://images.weserv.nl/?url={url_without_scheme}"
# Where the archive is hosted: feeds out link archived copies under it.
# Empty: links are relative to each feed file.
# base_url = ""
# feed_items = 50               # articles in each feed out (atom.xml, rss.xml, feed.json); 0: none
# The static site's navigation, labels and dates: "en", "zh-Hans" (简体中文)
# or "zh-Hant" (繁體中文). Its pages say so in <html lang>; an article's page
# says the article's own language instead when its source gave one (its
# page's <html lang>, else its feed's <language>). The documents are not
# affected.
# language = "en"
# The time zone the site shows times in (TZ database name, e.g. "Asia/Taipei").
# time_zone = "UTC"

# The archive folder is a git repository: every fetch that changes documents
# is one commit, pushed to every remote below. Never force-pushed.
[publish.git]
# enabled = true
# author_name = "newsvault"
# author_email = "newsvault@localhost"
# The branch commits go on and pushes send (a bare remote made here gets it
# as its HEAD; clone another remote with git clone -b BRANCH).
# branch = "main"
# The longest one push may take (each remote may set its own). A push also
# gives up when its host does not connect within [fetch]
# connect_timeout_seconds, or shows no progress for [fetch] low_speed_seconds.
# push_timeout_seconds = 120

# One table per remote. Credentials come from the environment (https: the
# variables named here) or the SSH agent (ssh), never from this file.
# [[publish.git.remote]]
# name = "origin"
# url = "https://github.com/example/archive.git"
# username_env = "ARCHIVE_PUSH_USER"      # optional
# password_env = "ARCHIVE_PUSH_TOKEN"
# push_timeout_seconds = 300             # optional: this remote's own bound

# Daily manifests: manifests/YYYY-MM-DD.sha256 lists, in sha256sum's
# format, every document and WARC file written that day, signed with this
# OpenSSH key (ed25519; no passphrase: ssh-keygen runs unattended) in
# manifests/YYYY-MM-DD.sha256.sig. Check with 'newsvault verify', or
# 'sha256sum -c' and 'ssh-keygen -Y verify' (README.md, "Evidence").
# Empty: no manifests.
# [publish.sign]
# ssh_key = ""
# timeout_seconds = 30         # ssh-keygen is stopped after this

# The static site 'newsvault fetch' and 'newsvault publish' render, a
# folder of the archive (served, not committed):
# [publish.site]
# enabled = true
# dir = "site"

# 'newsvault serve': the reader pages are public unless private is true
# (then they ask for a user, as the APIs always do: 'newsvault user add').
# [serve]
# private = false

# Where the store is: absent, the SQLite file .newsvault/store.db; a
# PostgreSQL connection URI for an archive on a PostgreSQL server
# ('newsvault init DIR --store postgresql://...' writes it). Keep the
# password out of this file: PGPASSWORD or ~/.pgpass.
# [store]
# url = "postgresql://newsvault@db.example/archive"

# 'newsvault worker' (any number, on any machine whose settings name the
# same store): how long a worker's lease of a feed lasts unless renewed,
# and how many feeds it leases at once.
# [workers]
# lease_seconds = 300
# batch = 50

# A feed's own settings, by its name. convert: also write a Traditional or
# Simplified Chinese copy of each article (OpenCC: s2t, t2s, s2tw, s2hk,
# s2twp and tw2sp: Taiwan's phrases too),
# in FEED/zh-Hant/... (zh-Hans, zh-Hant-TW, zh-Hant-HK) beside the original.
# [feeds.dw-chinese]
# convert = ["s2t"]
#
# full_text: where the articles of a feed without an adapter come from.
# "auto": the entry's web page (its article found by the extractor) when
# the entry is only a teaser (under 150 words, or 300 Chinese or Japanese
# characters, or ending in "..." or a "Read more" link) and the page holds
# more text; "always": the page, whatever the entry holds; "never": the
# feed's own content only. A page that cannot be read is reported, and the
# entry's own text archived until it can be.
# [feeds.example-blog]
# full_text = "auto"          # default: [fetch] full_text, itself "auto"
# min_interval_seconds = 300  # its own bounds on `newsvault run`'s polls
# max_interval_seconds = 21600  #   (default: [schedule]'s)

# `newsvault run` polls each feed on its own schedule: as often as it
# publishes (from its entries' dates and what changed between polls), as
# the server and the feed ask (Retry-After, Cache-Control max-age, ttl,
# sy:updatePeriod, skipHours/skipDays), backing off while it fails, always
# within these bounds (a feed's own: [feeds.NAME] below).
[schedule]
# min_interval_seconds = 300
# max_interval_seconds = 21600
# When no server answers on two hosts or more, the network is down: the
# daemon waits (30 s, doubling) instead of failing every feed. When every
# feed polled is on one host, this URL is asked too: it answers, that host
# failed; it does not, the network is down. Unset: the host failed.
# network_probe = "https://www.debian.org/"

# Every HTTP request and response, kept as received in WARC 1.1 files in
# .newsvault/warc/ (not committed: copy them elsewhere to keep them safe).
[warc]
# enabled = true
# max_file_bytes = 1073741824   # a file this large is followed by a new one (so is each day)

# The images archived articles show (lead and inline), fetched after the
# articles are saved with the pages' client and limits, and kept once each
# in media/sha256/ (named by the SHA-256 of their bytes). PNG, JPEG, GIF,
# WebP and AVIF are kept; SVG (it can carry script), HTML and anything else
# served as an image are refused, as is an image over max_bytes or
# max_pixels (width x height). The site and `newsvault serve` show the
# kept copies; the documents and feeds out the image proxy. An image that
# cannot be fetched is tried again at later runs; the images of one run
# take at most budget_seconds. [feeds.NAME] images = false: none of a
# feed's images.
[images]
# enabled = true
# max_bytes = 5242880
# max_pixels = 50000000
# budget_seconds = 60

# Site adapters' settings, e.g. where DW's article API lives:
# [adapters.dw]
# article_api = "https://api.dw.com/api/detail/article/{id}"
)";
}

Result<Config> parse_config(std::string_view text, std::string_view source_name) {
  auto data = parse_toml(text, std::string(source_name));
  if (!data) return std::unexpected(data.error());
  return read_config(*data);
}

Result<Config> load_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, file.string() + ": cannot be read");
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return parse_config(text, file.string());
}

namespace {

// The lines as settings text, if it reads back: the same checks as
// load_config, so that no edit ever writes settings a run would refuse.
Result<std::string> joined_settings(const std::vector<std::string>& lines, std::string_view file_name) {
  std::string text;
  for (const std::string& line : lines) text += line;
  auto reread = parse_toml(text, std::string(file_name));
  if (!reread) return std::unexpected(reread.error());
  if (auto config = read_config(*reread); !config) return std::unexpected(config.error());
  return text;
}

}  // namespace

Result<std::string> set_feed_setting(std::string_view config_text, std::string_view file_name,
                                     std::string_view feed, std::string_view key,
                                     std::optional<std::string_view> value) {
  auto data = parse_toml(config_text, std::string(file_name));
  if (!data) return std::unexpected(data.error());
  std::vector<std::string> lines = split_lines(config_text);
  const std::string key_name(key);
  const std::string setting = value ? key_name + " = " + std::string(*value) + "\n" : std::string();
  const std::string feed_name(feed);
  const std::string section = "feeds." + feed_name;
  const toml::value* table = nullptr;
  if (data->contains("feeds") && data->at("feeds").is_table() &&
      data->at("feeds").contains(feed_name)) {
    table = &data->at("feeds").at(feed_name);
  }
  if (table == nullptr) {
    if (!value) return std::string(config_text);
    if (!lines.empty() && !lines.back().ends_with('\n')) lines.back() += '\n';
    lines.push_back("\n[feeds." + toml::format_key(feed_name) + "]\n");
    lines.push_back(setting);
  } else if (table->is_table() && table->contains(key_name)) {
    const toml::value& old_value = table->at(key_name);
    const std::size_t line = old_value.location().line();
    const std::string_view text = line == 0 || line > lines.size() ? "" : trimmed(lines[line - 1]);
    // The value must be the line's own: key = value, nothing after it but a comment.
    const toml::source_location location = old_value.location();
    const bool one_line = location.column() - 1 + location.region() <= location.line_str().size();
    if (!text.starts_with(key_name) || !one_line) {
      return std::unexpected(setting_error(old_value, section + "." + key_name,
                                           "not on a line of its own: edit it by hand"));
    }
    lines[line - 1] = setting;
  } else if (value) {
    const std::optional<std::size_t> header = table_header_line(lines, feed_name);
    if (!header) {
      return std::unexpected(setting_error(
          *table, section,
          "not a [feeds." + toml::format_key(feed_name) + "] table: add " + key_name + " by hand"));
    }
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(*header) + 1, setting);
  }
  return joined_settings(lines, file_name);
}

std::string toml_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", byte);
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Result<std::string> set_feed_full_text(std::string_view config_text, std::string_view file_name,
                                       std::string_view feed, FullText mode) {
  const std::string literal = "\"" + std::string(full_text_name(mode)) + "\"";
  return set_feed_setting(config_text, file_name, feed, "full_text", literal);
}

Result<std::string> remove_feed_settings(std::string_view config_text, std::string_view file_name,
                                         std::string_view name) {
  auto data = parse_toml(config_text, std::string(file_name));
  if (!data) return std::unexpected(data.error());
  const std::string feed(name);
  if (!data->contains("feeds") || !data->at("feeds").is_table() || !data->at("feeds").contains(feed)) {
    return std::string(config_text);
  }
  std::vector<std::string> lines = split_lines(config_text);
  const std::optional<std::size_t> header = table_header_line(lines, feed);
  if (!header) {
    return std::unexpected(setting_error(data->at("feeds").at(feed), "feeds." + feed,
                                         "not a [feeds." + toml::format_key(feed) + "] table: remove it by hand"));
  }
  // The table runs to the next header; a comment just before that header
  // is the next table's.
  std::size_t end = *header + 1;
  while (end < lines.size() && !trimmed(lines[end]).starts_with('[')) ++end;
  while (end > *header + 1 && (trimmed(lines[end - 1]).starts_with('#') || trimmed(lines[end - 1]).empty()) &&
         end < lines.size()) {
    --end;
  }
  lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(*header), lines.begin() + static_cast<std::ptrdiff_t>(end));
  return joined_settings(lines, file_name);
}

Result<std::string> set_store_url(std::string_view config_text, std::string_view file_name, std::string_view url) {
  auto data = parse_toml(config_text, std::string(file_name));
  if (!data) return std::unexpected(data.error());
  std::vector<std::string> lines = split_lines(config_text);
  std::optional<std::size_t> header;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (trimmed(lines[i]) == "[store]") header = i;
  }
  // Lines keep their newlines (split_lines).
  const std::string setting = "url = " + toml_quoted(url) + "\n";
  if (!header) {
    if (url.empty()) return std::string(config_text);
    if (data->contains("store")) {
      return std::unexpected(setting_error(data->at("store"), "store", "not a [store] table: set url by hand"));
    }
    if (!lines.empty() && !lines.back().ends_with('\n')) lines.back() += '\n';
    lines.push_back("\n");
    lines.push_back("[store]\n");
    lines.push_back(setting);
    return joined_settings(lines, file_name);
  }
  std::size_t end = *header + 1;
  while (end < lines.size() && !trimmed(lines[end]).starts_with('[')) ++end;
  const auto sets_url = [](std::string_view line) {
    if (!line.starts_with("url")) return false;
    line.remove_prefix(3);
    while (line.starts_with(' ')) line.remove_prefix(1);
    return line.starts_with('=');
  };
  for (std::size_t i = *header + 1; i < end; ++i) {
    if (!sets_url(trimmed(lines[i]))) continue;  // trimmed drops the newline too
    if (url.empty()) {
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      lines[i] = setting;
    }
    return joined_settings(lines, file_name);
  }
  if (!url.empty()) lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(*header) + 1, setting);
  return joined_settings(lines, file_name);
}

Result<std::string> rename_feed_settings(std::string_view config_text, std::string_view file_name,
                                         std::string_view old_name, std::string_view new_name) {
  auto data = parse_toml(config_text, std::string(file_name));
  if (!data) return std::unexpected(data.error());
  const std::string old_feed(old_name);
  const std::string new_feed(new_name);
  const bool has_feeds = data->contains("feeds") && data->at("feeds").is_table();
  if (!has_feeds || !data->at("feeds").contains(old_feed)) return std::string(config_text);
  if (data->at("feeds").contains(new_feed)) {
    return std::unexpected(setting_error(data->at("feeds").at(new_feed), "feeds." + new_feed,
                                         "already set for a feed of this name: remove or rename it first"));
  }
  std::vector<std::string> lines = split_lines(config_text);
  const std::optional<std::size_t> header = table_header_line(lines, old_feed);
  if (!header) {
    return std::unexpected(setting_error(
        data->at("feeds").at(old_feed), "feeds." + old_feed,
        "not a [feeds." + toml::format_key(old_feed) + "] table: rename it by hand"));
  }
  lines[*header] = "[feeds." + toml::format_key(new_feed) + "]\n";
  return joined_settings(lines, file_name);
}

}  // namespace newsvault::pipeline
