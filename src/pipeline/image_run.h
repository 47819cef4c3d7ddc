// Private to the pipeline: the images of a fetch run's articles (media.h),
// fetched once the articles are saved, with the pages' client and limits.
//
//   articles saved (new, updated) ─► media::image_urls ─► links in the store
//   + pending image work that is due (kind "image", key: the image's URL)
//   ─► each image not yet kept or refused: one GET (one try: the pending
//      queue is its retry), its body at most [images] max_bytes, every
//      request abandoned at the run's budget ─► media::keep_image
//   ─► one flush, then in one transaction: the images' records, the work
//      done finished and the work failed queued again (next_retry)
//
// Nothing here fails the run: a fetch that fails is pending work, bytes
// that are no image are a refusal kept with the image.
#ifndef NEWSVAULT_PIPELINE_IMAGE_RUN_H_
#define NEWSVAULT_PIPELINE_IMAGE_RUN_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "fetch/fetch.h"
#include "media/media.h"
#include "store/store.h"

namespace newsvault::pipeline {

inline constexpr std::string_view kImageWork = "image";

// After this many failed fetches an image is given up (refused, saying
// why): at next_retry's pace, about a week of trying.
inline constexpr int kMaxImageAttempts = 12;

// The images one saved article shows.
struct ArticleImages {
  std::int64_t article_id = 0;
  std::int64_t feed_id = 0;
  std::vector<std::string> urls;  // media::image_urls
  // What they may reach: their feed's pages' rule.
  fetch::PrivateAddresses addresses = fetch::PrivateAddresses::kRefused;
};

// The detail (store::PendingWork::detail) of image work queued by a
// process that does not fetch images (a worker) for the one that owns the
// folder: the feed's rule of what the image may reach goes with it, since
// that process never polled the feed. Such work is fetched whatever
// ImageRunOptions::enabled says: the worker's settings chose it.
inline constexpr std::string_view kQueuedImage = "queued";
inline constexpr std::string_view kQueuedImagePrivate = "queued; private addresses allowed";

// Links `articles` to their images and queues each image as due work of
// kind "image" (kQueuedImage detail), inside the caller's transaction: the
// images go with the articles that show them, or not at all. An image
// already kept or refused is finished by the run that takes the work; one
// already pending keeps its attempts and next retry (kMaxImageAttempts
// still ends it).
// Fails as the store's writes do.
Result<void> queue_images(store::Store& store, const std::vector<ArticleImages>& articles, Timestamp now);

struct ImageRunOptions {
  std::filesystem::path root;
  media::ImageLimits limits;
  std::chrono::seconds budget{60};
  Timestamp now;
  // What an image of a feed may reach (the feed's pages' rule), and whether
  // the feed's images are kept at all ([feeds.NAME] images).
  std::function<fetch::PrivateAddresses(std::int64_t feed_id)> private_addresses;
  std::function<bool(std::int64_t feed_id)> enabled;
};

struct ImageRunSummary {
  std::size_t kept = 0;     // fetched and kept (or found kept already: the same bytes)
  std::size_t refused = 0;  // fetched and refused
  std::size_t failed = 0;   // fetches that failed: pending work
  std::vector<std::string> files_written;  // new files, relative to the root
  // The addresses of the images kept this run: pages showing them, made
  // before, show the local copy once made again.
  std::vector<std::string> kept_urls;
};

// Does the above. Fails only when the store cannot be written or the
// archive flushed; then nothing of it is recorded (files written stay,
// named by their hash, and are used by the next run).
Result<ImageRunSummary> run_images(store::Store& store, fetch::HttpClient& client,
                                   const std::vector<ArticleImages>& articles, const ImageRunOptions& options);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_IMAGE_RUN_H_
