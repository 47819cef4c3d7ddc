#include "support/postgresql_test_support.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

namespace newsvault::testing {
namespace {

// Runs `sql` on the cluster's own database; the test fails saying why.
void run_on_cluster(const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(postgresql_uri().c_str()), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    ADD_FAILURE() << kPostgresqlVariable << ": " << PQerrorMessage(connection.get());
    return;
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    ADD_FAILURE() << sql << ": " << PQerrorMessage(connection.get());
  }
}

}  // namespace

std::string postgresql_uri() {
  const char* uri = std::getenv(std::string(kPostgresqlVariable).c_str());
  return uri ? uri : "";
}

std::string with_database(std::string_view uri, std::string_view name) {
  std::string result(uri);
  const std::size_t scheme = result.find("://");
  if (scheme == std::string::npos) return result;
  const std::size_t query = result.find('?', scheme + 3);
  const std::size_t path = result.find('/', scheme + 3);
  const std::size_t start = path != std::string::npos && path < query ? path : query;
  const std::size_t end = query == std::string::npos ? result.size() : query;
  if (start == std::string::npos) return result + "/" + std::string(name);
  result.replace(start, end - start, "/" + std::string(name));
  return result;
}

ScratchDatabase::ScratchDatabase() {
  if (postgresql_uri().empty()) return;
  static std::atomic<int> counter{0};
  name_ = "newsvault_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  run_on_cluster("DROP DATABASE IF EXISTS " + name_);
  run_on_cluster("CREATE DATABASE " + name_);
  uri_ = with_database(postgresql_uri(), name_);
}

ScratchDatabase::~ScratchDatabase() {
  if (!name_.empty()) run_on_cluster("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

}  // namespace newsvault::testing
