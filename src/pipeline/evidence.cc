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

}  // namespace newsvault::pipeline
