// The production HttpClient: libcurl's multi interface driven from the
// calling thread. One loop starts transfers as connection slots free up,
// sleeps retries until their time while other transfers go on, and reports
// each request as it ends.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <iterator>
#include <queue>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "fetch/address_policy.h"
#include "fetch/connection_slots.h"
#include "fetch/curl_handles.h"
#include "fetch/fetch.h"
#include "fetch/http_attempt.h"
#include "fetch/local_file.h"
#include "fetch/retry_policy.h"

namespace newsvault::fetch {

namespace {

using Clock = std::chrono::steady_clock;

std::string attempts_suffix(int attempts) {
  return attempts > 1 ? " (" + std::to_string(attempts) + " attempts)" : "";
}

// A hop refused by the private-address rule (address_policy.h), in words.
std::string describe_refusal(const AttemptResult& result) {
  const std::string off = " (allow_private_addresses is off)";
  if (result.refused_policy == PrivateAddresses::kIfTheFirstHopIs) {
    return "redirected to " + result.refused_url + " at private address " + result.refused_address +
           ", refused" + off;
  }
  const std::string what = (result.refused_by_host ? "host " : "address ") + result.refused_address +
                           " is " + result.refused_class +
                           ", refused for a feed on a public address" + off;
  return result.refused_first_hop ? what : "redirected to " + result.refused_url + ": " + what;
}

// Whether the source a request reached is on the operator's side
// (Response::private_source): its first hop's address when one went out,
// else its host as written.
bool is_private_source(const Request& request, const AttemptResult* result,
                       const ClientOptions& options) {
  if (result != nullptr && result->first_hop_private) return *result->first_hop_private;
  const std::string host = host_of_url(request.url);
  const AddressClass kind = classify_host(host);
  if (kind == AddressClass::kNotAnAddress) return false;
  if (options.address_is_private && classify_address(host) != AddressClass::kNotAnAddress) {
    return options.address_is_private(host);
  }
  return kind != AddressClass::kPublic;
}

// Whether an attempt that timed out did so connecting: the connect
// timeout ends an attempt well before the transfer timeout when it is the
// shorter one.
bool connect_timed_out(const AttemptResult& result, const ClientOptions& options) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(result.elapsed);
  return result.code == CURLE_OPERATION_TIMEDOUT && options.connect_timeout < options.timeout &&
         elapsed < (options.connect_timeout + options.timeout) / 2;
}

// Why an attempt failed, in words for the error message (without "GET URL: ").
std::string describe_failure(const AttemptResult& result, std::size_t max_bytes,
                             const ClientOptions& options) {
  switch (result.limit) {
    case LimitHit::kResponseSize:
      return "response larger than " + std::to_string(max_bytes) + " bytes";
    case LimitHit::kHeaderSize:
      return "response headers larger than " + std::to_string(options.max_header_bytes) +
             " bytes";
    case LimitHit::kHeaderLine:
      return "response header line longer than " + std::to_string(CURL_MAX_HTTP_HEADER) + " bytes";
    case LimitHit::kLowSpeed:
      return "slower than " + std::to_string(options.low_speed_bytes_per_second) +
             " bytes/s for " + format_seconds(options.low_speed_time);
    case LimitHit::kPrivateAddress:
      return describe_refusal(result);
    case LimitHit::kNone:
      break;
  }
  if (result.code == CURLE_FILESIZE_EXCEEDED) {
    return "response larger than " + std::to_string(max_bytes) + " bytes";
  }
  if (result.code == CURLE_TOO_MANY_REDIRECTS) {
    return "more than " + std::to_string(options.max_redirects) + " redirects";
  }
  if (result.code == CURLE_OPERATION_TIMEDOUT) {
    if (connect_timed_out(result, options)) {
      return "connect timed out after " + format_seconds(options.connect_timeout);
    }
    return "timed out after " + format_seconds(options.timeout);
  }
  if (result.code != CURLE_OK) return result.curl_error;
  return "HTTP " + std::to_string(result.http_status);
}

bool is_success(const AttemptResult& result) {
  return result.code == CURLE_OK && result.limit == LimitHit::kNone &&
         ((result.http_status >= 200 && result.http_status <= 299) || result.http_status == 304);
}

bool is_retryable(const AttemptResult& result) {
  // A server that hit a limit once (a bomb, a trickle, endless headers, a
  // redirect inward) would hit it again: trying again only gives it more of
  // our time.
  if (result.limit != LimitHit::kNone) return false;
  if (result.code != CURLE_OK) return is_retryable_curl_code(result.code);
  return is_retryable_status(result.http_status);
}

Response make_response(const Request& request, AttemptResult&& result, int attempts,
                       const ClientOptions& options) {
  Response response;
  response.http_status = result.http_status;
  response.final_url = result.final_url.empty() ? request.url : std::move(result.final_url);
  response.moved_permanently = result.moved_permanently;
  response.attempts = attempts;
  response.private_source = is_private_source(request, &result, options);
  // What the server asks of the next request, whatever this one's outcome.
  if (!result.retry_after.empty()) {
    if (auto wait = parse_retry_after(result.retry_after, std::chrono::system_clock::now())) {
      response.retry_after = std::chrono::ceil<std::chrono::seconds>(*wait);
    }
  }
  response.max_age = parse_max_age(result.cache_control);
  response.unreachable = is_unreachable_curl_code(result.code) || connect_timed_out(result, options);
  if (!is_success(result)) {
    response.outcome = FetchOutcome::kFailed;
    response.too_large = result.limit == LimitHit::kResponseSize || result.code == CURLE_FILESIZE_EXCEEDED;
    response.error = "GET " + request.url + ": " +
                     describe_failure(result, response_limit(request, options), options) +
                     attempts_suffix(attempts);
    return response;
  }
  response.content_type = std::move(result.content_type);
  response.etag = std::move(result.etag);
  response.last_modified = std::move(result.last_modified);
  if (result.http_status == 304) {
    // RFC 9110 §15.4.5: a 304 may carry updated validators; otherwise the
    // ones we sent still hold.
    response.outcome = FetchOutcome::kNotModified;
    if (response.etag.empty()) response.etag = request.etag;
    if (response.last_modified.empty()) response.last_modified = request.last_modified;
    return response;
  }
  response.outcome = FetchOutcome::kOk;
  response.body = std::move(result.body);
  return response;
}

Response failed(const Request& request, std::string why, int attempts,
                const ClientOptions& options) {
  Response response;
  response.outcome = FetchOutcome::kFailed;
  response.private_source = is_private_source(request, nullptr, options);
  response.final_url = request.url;
  response.attempts = attempts;
  response.error = "GET " + request.url + ": " + std::move(why) + attempts_suffix(attempts);
  return response;
}

// The state of one fetch_all call.
class FetchRun {
 public:
  FetchRun(CURLM* multi, const ClientOptions& options, std::mt19937_64& random,
           const std::vector<Request>& requests,
           const std::function<void(std::size_t, Response)>& on_done,
           std::optional<Clock::time_point> deadline)
      : deadline_(deadline),
        multi_(multi),
        options_(options),
        random_(random),
        requests_(requests),
        on_done_(on_done),
        slots_(options.max_connections, options.max_per_host) {}

  void run();

 private:
  struct Job {
    std::size_t index;  // into requests_
    std::string host;
    int attempts = 0;
    std::unique_ptr<HttpAttempt> attempt;
    bool done = false;  // on_done called
    std::vector<Exchange> exchanges;  // of every attempt so far (ClientOptions::record_exchanges)
  };
  struct Sleeper {
    Clock::time_point wake_at;
    std::size_t job;
    bool operator>(const Sleeper& other) const { return wake_at > other.wake_at; }
  };

  void start_ready_jobs();
  void wake_sleepers();
  bool collect_finished();
  void finish_attempt(std::size_t job_id, CURLcode code);
  void complete(Job& job, Response response);
  void wait_for_activity();
  void abandon_unfinished(const std::string& reason);
  void abandon_past_deadline();
  std::optional<Clock::time_point> next_request_deadline() const;

  const std::optional<Clock::time_point> deadline_;  // the client's run_timeout
  CURLM* multi_;
  const ClientOptions& options_;
  std::mt19937_64& random_;
  const std::vector<Request>& requests_;
  const std::function<void(std::size_t, Response)>& on_done_;
  ConnectionSlots slots_;
  std::vector<Job> jobs_;
  std::priority_queue<Sleeper, std::vector<Sleeper>, std::greater<>> sleepers_;
  std::size_t unfinished_ = 0;
};

void FetchRun::run() {
  for (std::size_t i = 0; i < requests_.size(); ++i) {
    if (is_local(requests_[i].url)) {
      on_done_(i, read_local(requests_[i], response_limit(requests_[i], options_)));
      continue;
    }
    jobs_.push_back(Job{i, host_of_url(requests_[i].url), 0, nullptr, false, {}});
  }
  for (std::size_t id = 0; id < jobs_.size(); ++id) slots_.enqueue(id, jobs_[id].host);
  unfinished_ = jobs_.size();

  while (unfinished_ > 0) {
    if (deadline_ && Clock::now() >= *deadline_) {
      abandon_unfinished("the run's time limit passed (run_timeout_seconds = " +
                         std::to_string(options_.run_timeout.count()) + ")");
      return;
    }
    if (options_.cancel && options_.cancel->load()) {
      abandon_unfinished("newsvault is stopping");
      return;
    }
    abandon_past_deadline();
    if (unfinished_ == 0) break;
    wake_sleepers();
    start_ready_jobs();
    int running = 0;
    curl_multi_perform(multi_, &running);
    // A finished transfer frees a slot: start the next one before waiting.
    if (collect_finished()) continue;
    if (unfinished_ > 0) wait_for_activity();
  }
}

void FetchRun::wake_sleepers() {
  const auto now = Clock::now();
  while (!sleepers_.empty() && sleepers_.top().wake_at <= now) {
    const std::size_t id = sleepers_.top().job;
    sleepers_.pop();
    slots_.enqueue(id, jobs_[id].host);
  }
}

void FetchRun::start_ready_jobs() {
  while (auto id = slots_.next()) {
    Job& job = jobs_[*id];
    if (job.done) {  // abandoned at its deadline while it waited
      slots_.release(job.host);
      continue;
    }
    ++job.attempts;
    job.attempt = HttpAttempt::create(requests_[job.index], options_, *id);
    CURLMcode code = CURLM_OUT_OF_MEMORY;
    if (job.attempt) code = job.attempt->add_to(multi_);
    if (code != CURLM_OK) {
      job.attempt.reset();
      slots_.release(job.host);
      complete(job, failed(requests_[job.index], curl_multi_strerror(code), job.attempts, options_));
    }
  }
}

bool FetchRun::collect_finished() {
  bool any = false;
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    // The message lives in the multi handle only until the handle leaves it.
    const CURLcode code = message->data.result;
    finish_attempt(HttpAttempt::tag_of(message->easy_handle), code);
    any = true;
  }
  return any;
}

void FetchRun::finish_attempt(std::size_t job_id, CURLcode code) {
  Job& job = jobs_[job_id];
  AttemptResult result = job.attempt->finish(code);
  job.attempt.reset();
  std::move(result.exchanges.begin(), result.exchanges.end(), std::back_inserter(job.exchanges));
  result.exchanges.clear();
  slots_.release(job.host);
  const Request& request = requests_[job.index];

  const int max_attempts = request.max_attempts > 0 ? request.max_attempts : options_.max_attempts;
  if (is_success(result) || !is_retryable(result) || job.attempts >= max_attempts) {
    complete(job, make_response(request, std::move(result), job.attempts, options_));
    return;
  }

  std::chrono::milliseconds delay;
  const auto retry_after =
      result.retry_after.empty()
          ? std::nullopt
          : parse_retry_after(result.retry_after, std::chrono::system_clock::now());
  if (retry_after) {
    // The server said when to come back. If that is too far off, saying so
    // now beats holding up the whole run.
    if (*retry_after > options_.max_retry_delay) {
      Response response = make_response(request, std::move(result), job.attempts, options_);
      response.error = "GET " + request.url + ": HTTP " + std::to_string(response.http_status) +
                       " with Retry-After " + format_seconds(*retry_after) + ", beyond the " +
                       format_seconds(options_.max_retry_delay) + " limit" +
                       attempts_suffix(job.attempts);
      complete(job, std::move(response));
      return;
    }
    delay = *retry_after;
  } else {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    delay = backoff_delay(options_.retry_base_delay, job.attempts - 1, unit(random_),
                          options_.max_retry_delay);
  }
  sleepers_.push(Sleeper{Clock::now() + delay, job_id});
}

// At the run's deadline, or once the client is cancelled: whatever is in
// flight leaves libcurl (its connection closed), and nothing waiting is
// begun. Each fails, so the caller keeps it for its next run as any failure.
void FetchRun::abandon_unfinished(const std::string& reason) {
  const std::string why = "abandoned: " + reason;
  for (Job& job : jobs_) {
    if (job.done) continue;
    job.attempt.reset();
    Response response = failed(requests_[job.index], why, job.attempts, options_);
    response.abandoned = options_.cancel && options_.cancel->load();
    complete(job, std::move(response));
  }
}

// Requests with a deadline of their own (Request::deadline) that it has
// passed: failed as at the run's, the others go on.
void FetchRun::abandon_past_deadline() {
  const auto now = Clock::now();
  for (Job& job : jobs_) {
    const auto& deadline = requests_[job.index].deadline;
    if (job.done || !deadline || now < *deadline) continue;
    // One waiting for its slot or its retry is skipped when its turn comes.
    if (job.attempt) {
      job.attempt.reset();
      slots_.release(job.host);
    }
    complete(job, failed(requests_[job.index], "abandoned: its time limit passed", job.attempts, options_));
  }
}

std::optional<Clock::time_point> FetchRun::next_request_deadline() const {
  std::optional<Clock::time_point> next;
  for (const Job& job : jobs_) {
    const auto& deadline = requests_[job.index].deadline;
    if (!job.done && deadline && (!next || *deadline < *next)) next = *deadline;
  }
  return next;
}

void FetchRun::complete(Job& job, Response response) {
  job.done = true;
  --unfinished_;
  response.exchanges = std::move(job.exchanges);
  on_done_(job.index, std::move(response));
}

void FetchRun::wait_for_activity() {
  // libcurl's own deadline (timeouts, happy eyeballs), or the next retry,
  // whichever comes first; a cap keeps the loop honest if neither is set.
  long timeout_ms = -1;
  curl_multi_timeout(multi_, &timeout_ms);
  long wait_ms = timeout_ms < 0 ? 1000 : std::min(timeout_ms, 1000L);
  if (!sleepers_.empty()) {
    const auto until =
        std::chrono::ceil<std::chrono::milliseconds>(sleepers_.top().wake_at - Clock::now());
    wait_ms = std::clamp(static_cast<long>(until.count()), 0L, wait_ms);
  }
  for (const auto& deadline : {deadline_, next_request_deadline()}) {
    if (!deadline) continue;
    const auto until = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
    wait_ms = std::clamp(static_cast<long>(until.count()), 0L, wait_ms);
  }
  if (wait_ms > 0) curl_multi_poll(multi_, nullptr, 0, static_cast<int>(wait_ms), nullptr);
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(const ClientOptions& options)
      : options_(options), random_(std::random_device{}()) {
    ensure_curl_initialized();
    multi_.reset(curl_multi_init());
    if (multi_) {
      // Our own queue keeps transfers within the limits (see
      // connection_slots.h); these keep libcurl's connections within them
      // too, and keep enough idle connections open to reuse.
      const long total = static_cast<long>(std::max<std::size_t>(1, options_.max_connections));
      const long per_host = static_cast<long>(std::max<std::size_t>(1, options_.max_per_host));
      curl_multi_setopt(multi_.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, total);
      curl_multi_setopt(multi_.get(), CURLMOPT_MAX_HOST_CONNECTIONS, per_host);
      curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, total);
      curl_multi_setopt(multi_.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    }
  }

  void fetch_all(const std::vector<Request>& requests,
                 const std::function<void(std::size_t, Response)>& on_done) override {
    if (!multi_) {
      for (std::size_t i = 0; i < requests.size(); ++i) {
        if (is_local(requests[i].url)) {
          on_done(i, read_local(requests[i], response_limit(requests[i], options_)));
        } else {
          on_done(i, failed(requests[i], "libcurl could not start", 0, options_));
        }
      }
      return;
    }
    std::optional<Clock::time_point> deadline;
    if (options_.run_timeout.count() > 0) deadline = created_ + options_.run_timeout;
    FetchRun(multi_.get(), options_, random_, requests, on_done, deadline).run();
  }

 private:
  ClientOptions options_;
  const Clock::time_point created_ = Clock::now();  // run_timeout counts from here
  std::mt19937_64 random_;
  CurlMulti multi_;  // kept between calls: its connections and DNS cache are reused
};

}  // namespace

std::unique_ptr<HttpClient> make_http_client(const ClientOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace newsvault::fetch
