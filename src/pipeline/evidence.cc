#include "pipeline/evidence.h"

#include <unistd.h>

namespace newsvault::pipeline {

std::vector<std::pair<std::string, std::string>> warc_info(const Config& config) {
  const fetch::ClientOptions& fetch = config.fetch;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  auto seconds = [](auto duration) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count());
  };
  return {
      {"software", "newsvault"},
      {"format", "WARC File Format 1.1"},
      {"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
      {"hostname", host},
      {"http-header-user-agent", fetch.user_agent},
      {"description", "every HTTP response newsvault fetch received, as received"},
      {"newsvault-fetch-max-response-bytes", std::to_string(fetch.max_response_bytes)},
      {"newsvault-fetch-max-header-bytes", std::to_string(fetch.max_header_bytes)},
      {"newsvault-fetch-timeout-seconds", seconds(fetch.timeout)},
      {"newsvault-fetch-max-attempts", std::to_string(fetch.max_attempts)},
      {"newsvault-fetch-max-redirects", std::to_string(fetch.max_redirects)},
      {"newsvault-fetch-allow-private-addresses", fetch.allow_private_addresses ? "true" : "false"},
      {"newsvault-fetch-proxy", fetch.proxy.empty() ? std::string("(environment)") : redact_url(fetch.proxy)},
      {"newsvault-warc-max-file-bytes", std::to_string(config.warc_max_file_bytes)},
  };
}

RunRecording::RunRecording(fetch::HttpClient& client, const Config& config, const std::filesystem::path& root,
                           std::string file_prefix)
    : client_(client) {
  if (!config.warc_enabled) return;
  record::WarcOptions options;
  options.dir = root / record::kWarcDirectory;
  options.file_prefix = std::move(file_prefix);
  options.max_file_bytes = config.warc_max_file_bytes;
  options.info = warc_info(config);
  warc_ = std::make_unique<record::WarcWriter>(std::move(options));
  recording_ = std::make_unique<record::RecordingClient>(client_, *warc_);
}

Result<record::ManifestSummary> add_to_days_manifest(const Config& config, const std::filesystem::path& root,
                                                     Timestamp now, const std::set<std::string>& files) {
  record::SignOptions sign = config.sign;
  if (sign.ssh_key.is_relative()) sign.ssh_key = root / sign.ssh_key;
  return record::update_manifest(root, record::day_of(now), files, sign);
}

std::vector<std::string> RunRecording::finish(std::vector<std::string>& errors) {
  std::vector<std::string> files;
  if (!warc_) return files;
  if (auto closed = warc_->close(); !closed) errors.push_back("WARC: " + closed.error().message());
  for (const std::string& error : recording_->errors()) errors.push_back(error);
  for (const std::string& file : warc_->files_written()) {
    files.push_back(std::string(record::kWarcDirectory) + "/" + file);
  }
  return files;
}

}  // namespace newsvault::pipeline
