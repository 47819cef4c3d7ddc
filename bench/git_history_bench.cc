// Commits a folder as newsvault's publish stage does (commit_all_changes:
// stage everything, write the commit's objects as one pack, roll packs up),
// and prints the seconds it took. bench/git_history.sh runs it beside git.
//
// usage: git_history_bench FOLDER [MESSAGE]
#include <chrono>
#include <cstdio>
#include <string>

#include "publish/publish.h"

int main(int argc, char** argv) {
  using namespace newsvault;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FOLDER [MESSAGE]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const std::string message = argc > 2 ? std::string(argv[2]) + "\n" : "bench\n";
  if (auto made = publish::init_git_repository(root, {".newsvault/"}); !made) {
    std::fprintf(stderr, "%s\n", made.error().message().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto committed = publish::commit_all_changes(
      root, message, publish::GitOptions{},
      std::chrono::time_point_cast<Timestamp::duration>(std::chrono::system_clock::now()));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (!committed) {
    std::fprintf(stderr, "%s\n", committed.error().message().c_str());
    return 1;
  }
  std::printf("%.2f\n", took.count());
  return 0;
}
