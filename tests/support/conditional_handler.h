// A handler for HttpTestServer that serves a document as a server with
// validators does: its ETag with every answer, 304 to a request that
// already has it. The test may change the document between requests.
#ifndef NEWSVAULT_TESTS_SUPPORT_CONDITIONAL_HANDLER_H_
#define NEWSVAULT_TESTS_SUPPORT_CONDITIONAL_HANDLER_H_

#include <functional>
#include <memory>
#include <string>

#include "support/http_test_server.h"

namespace newsvault::testing {

// Answers with `*body` (as `content_type`) and an ETag made from it, or
// 304 when If-None-Match is that ETag.
inline HttpTestServer::Handler conditional_handler(std::shared_ptr<std::string> body,
                                                   std::string content_type) {
  return [body, content_type](const HttpTestServer::RecordedRequest& request) {
    const std::string etag = "\"" + std::to_string(std::hash<std::string>{}(*body)) + "\"";
    HttpTestServer::CannedResponse response;
    response.headers = {{"ETag", etag}};
    if (request.header("if-none-match") == etag) {
      response.status = 304;
      return response;
    }
    response.headers.emplace_back("Content-Type", content_type);
    response.body = *body;
    return response;
  };
}

}  // namespace newsvault::testing

#endif  // NEWSVAULT_TESTS_SUPPORT_CONDITIONAL_HANDLER_H_
