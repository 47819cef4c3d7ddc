// Every exchange a response holds, to the WARC writer, before the caller
// sees the response.
#include <algorithm>
#include <string>
#include <utility>

#include "record/record.h"

namespace newsvault::record {

void RecordingClient::keep_error(const std::string& error) {
  if (std::find(errors_.begin(), errors_.end(), error) == errors_.end()) errors_.push_back(error);
}

void RecordingClient::fetch_all(const std::vector<fetch::Request>& requests,
                                const std::function<void(std::size_t, fetch::Response)>& on_done) {
  inner_.fetch_all(requests, [&](std::size_t index, fetch::Response response) {
    for (const fetch::Exchange& exchange : response.exchanges) {
      auto location = writer_.write_exchange(exchange);
      if (!location) {
        keep_error("WARC: " + location.error().message());
        break;
      }
      // The last response is the one the caller reads (a redirect's final
      // hop, the last attempt).
      if (!exchange.response_head.empty()) response.record = location->text();
    }
    // The caller has no use for the wire bytes: freed before it runs.
    response.exchanges.clear();
    response.exchanges.shrink_to_fit();
    on_done(index, std::move(response));
  });
  if (auto synced = writer_.sync(); !synced) keep_error("WARC: " + synced.error().message());
}

}  // namespace newsvault::record
