// Test databases in the throwaway PostgreSQL cluster scripts/test.sh starts
// (scripts/postgresql-cluster.sh for a run of one's own), whose libpq URI
// it exports as NEWSVAULT_TEST_POSTGRESQL. Tests of the PostgreSQL engine
// skip, saying so, only when the variable is unset.
#ifndef NEWSVAULT_TESTS_SUPPORT_POSTGRESQL_TEST_SUPPORT_H_
#define NEWSVAULT_TESTS_SUPPORT_POSTGRESQL_TEST_SUPPORT_H_

#include <string>
#include <string_view>

namespace newsvault::testing {

inline constexpr std::string_view kPostgresqlVariable = "NEWSVAULT_TEST_POSTGRESQL";
inline constexpr std::string_view kNoPostgresql =
    "NEWSVAULT_TEST_POSTGRESQL is unset: no PostgreSQL cluster to test against (scripts/test.sh "
    "starts one; scripts/postgresql-cluster.sh for a run of your own)";

// The cluster's URI, or "" when the variable is unset.
std::string postgresql_uri();

// `uri` naming database `name` instead of the one it names.
std::string with_database(std::string_view uri, std::string_view name);

// A fresh empty database in the cluster, dropped (its sessions ended) by
// the destructor. uri() is "" when there is no cluster; a cluster that
// refuses fails the test.
class ScratchDatabase {
 public:
  ScratchDatabase();
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  const std::string& uri() const { return uri_; }

 private:
  std::string name_;
  std::string uri_;
};

}  // namespace newsvault::testing

#endif  // NEWSVAULT_TESTS_SUPPORT_POSTGRESQL_TEST_SUPPORT_H_
