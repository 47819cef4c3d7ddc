// Private to fetch: one RAII owner for each kind of libcurl handle, and the
// process-wide libcurl initialisation.
#ifndef NEWSVAULT_FETCH_CURL_HANDLES_H_
#define NEWSVAULT_FETCH_CURL_HANDLES_H_

#include <curl/curl.h>

#include <memory>

namespace newsvault::fetch {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlUrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// curl_global_init, once per process, whichever thread gets here first.
// Never cleaned up: libcurl may be in use until exit.
void ensure_curl_initialized();

}  // namespace newsvault::fetch

#endif  // NEWSVAULT_FETCH_CURL_HANDLES_H_
