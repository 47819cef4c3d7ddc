// Saves FEEDS x ITEMS new articles into a store, a feed's items in one
// save_revisions batch as fetch saves them, then the same again changed
// (an update each), and prints articles/s for each pass and, for
// PostgreSQL, round trips per article. Run it on an SQLite path and a
// PostgreSQL URI to compare the engines on the same work.
//
// usage: store_engines_bench LOCATION [FEEDS] [ITEMS]
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "store/store.h"

int main(int argc, char** argv) {
  using namespace newsvault;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s LOCATION [FEEDS] [ITEMS]\n", argv[0]);
    return 2;
  }
  const int feeds = argc > 2 ? std::stoi(argv[2]) : 1000;
  const int items = argc > 3 ? std::stoi(argv[3]) : 10;
  auto store = store::Store::open(argv[1]);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message().c_str());
    return 1;
  }
  std::vector<std::int64_t> feed_ids;
  for (int f = 0; f < feeds; ++f) {
    auto feed = (*store)->add_feed("feed-" + std::to_string(f), "https://example.com/" + std::to_string(f), "");
    if (!feed) {
      std::fprintf(stderr, "%s\n", feed.error().message().c_str());
      return 1;
    }
    feed_ids.push_back(feed->id);
  }
  for (int pass = 0; pass < 2; ++pass) {
    const std::int64_t trips_before = (*store)->round_trips();
    const auto start = std::chrono::steady_clock::now();
    for (int f = 0; f < feeds; ++f) {
      std::vector<store::PreparedRevision> prepared;
      for (int i = 0; i < items; ++i) {
        store::ArticleRevision revision;
        revision.key = "item-" + std::to_string(i);
        revision.title = "Item " + std::to_string(i) + " of feed " + std::to_string(f);
        revision.url = "https://example.com/" + std::to_string(f) + "/" + std::to_string(i);
        revision.content = "{\"text\":\"" + std::string(2000, 'a' + (i % 26)) + std::to_string(pass) + "\"}";
        revision.document_path = "feed-" + std::to_string(f) + "/" + revision.key + ".md";
        revision.provenance.origin = "entry";
        prepared.push_back(*store::prepare_revision(revision));
      }
      std::vector<store::RevisionToSave> batch;
      for (const auto& item : prepared) batch.push_back({feed_ids[f], &item});
      auto saved = (*store)->save_revisions(batch, Timestamp(std::chrono::milliseconds(1'000 + pass)));
      if (!saved) {
        std::fprintf(stderr, "%s\n", saved.error().message().c_str());
        return 1;
      }
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    const double articles = static_cast<double>(feeds) * items;
    std::printf("%s %s: %.0f articles/s", (*store)->engine().data(), pass == 0 ? "new" : "updated",
                articles / took.count());
    if ((*store)->engine() != "sqlite") {
      std::printf(", %.2f round trips/article",
                  static_cast<double>((*store)->round_trips() - trips_before) / articles);
    }
    std::printf("\n");
  }
  return 0;
}
