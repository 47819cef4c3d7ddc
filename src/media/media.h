// media: the images archived articles show, kept in the archive.
//
// Which addresses an article shows (its lead image and the images of its
// body), what a fetched body really is (sniffed from its bytes: PNG, JPEG,
// GIF, WebP and AVIF are kept; SVG, HTML and anything else are refused,
// saying why), and where the bytes kept live: content-addressed, at
// media/sha256/ab/<64 hex digits>.<extension of the sniffed type>, so the
// same bytes are one file however many articles show them. Files are
// written atomically and never change once written.
//
// Plain functions over values and the archive folder they are given;
// thread-safe. Fetching is the pipeline's (it uses the pages' client).
// docs/internals/media.md.
#ifndef NEWSVAULT_MEDIA_MEDIA_H_
#define NEWSVAULT_MEDIA_MEDIA_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "extract/extract.h"
#include "store/store.h"

namespace newsvault::media {

// The folder of the archive the images live in.
inline constexpr std::string_view kMediaDirectory = "media";

struct ImageLimits {
  std::size_t max_bytes = 5u * 1024 * 1024;  // [images] max_bytes
  // Width times height, as the header says ([images] max_pixels): a small
  // file can declare a picture that takes gigabytes to decode (a
  // decompression bomb), and no article needs more than this.
  std::uint64_t max_pixels = 50'000'000;
};

// What sniff_image found the bytes to be.
struct SniffedImage {
  std::string type;       // "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"
  std::string extension;  // "png", "jpg", "gif", "webp", "avif"
  std::int64_t width = 0;
  std::int64_t height = 0;
};

// Reads what `bytes` are from the bytes themselves (never the server's
// Content-Type or the URL's extension), and their pixel dimensions from
// the header. A PNG, JPEG, GIF, WebP or AVIF that is whole (its end
// marker there, no box or chunk running past the end) and within `limits`
// is an image. Otherwise fails with kInvalidArgument whose message is the
// reason kept with the image: "HTML served as an image", "SVG, which is
// not kept (it can carry script)", "truncated PNG (no IEND chunk)",
// "larger than 5242880 bytes", "100000 x 100000 pixels, over the limit of
// 50000000", "not an image (PNG, JPEG, GIF, WebP or AVIF)", "empty".
Result<SniffedImage> sniff_image(std::string_view bytes, const ImageLimits& limits);

// Where bytes of this SHA-256 (hex) and extension live, relative to the
// archive root: "media/sha256/ab/abcdef….png".
std::string media_path(std::string_view sha256, std::string_view extension);
// The extension media_path gives an image of sniffed type `type` ("png"
// for "image/png"); "" for a type sniff_image never gives.
std::string_view extension_of(std::string_view type);

// An image kept: its record (url to fill in) and where its file is.
struct KeptImage {
  store::ImageRecord record;  // sha256, type, bytes, width, height
  std::string path;           // media_path's
  bool written = false;       // the file is new (else the same bytes were there)
};

// Sniffs `bytes` and keeps them under root/media_path: written to a
// temporary file and renamed into place (no fsync: the caller flushes the
// archive before it records the image as kept), left as it is when the
// file is there already with the same size. Fails with sniff_image's
// refusal (kInvalidArgument), or kIo naming the path.
Result<KeptImage> keep_image(const std::filesystem::path& root, std::string_view bytes, const ImageLimits& limits);

// The web addresses of the images `article` shows, in the order shown: its
// lead image, then each <img> of its body (the extract stage has already
// chosen one address per image: src, else a lazy-loading one, else
// srcset's largest candidate). Each address once; only http(s).
std::vector<std::string> image_urls(const extract::Article& article);

// The media store as found on disk.
struct MediaUsage {
  std::size_t files = 0;
  std::uintmax_t bytes = 0;
};
// Counts the files under root/media (none: zeros). kIo naming the folder
// when it cannot be read.
Result<MediaUsage> media_usage(const std::filesystem::path& root);

// What is wrong with the kept images of `images`: one line for each whose
// file is missing ("media/sha256/ab/….png: missing (https://…)") or
// whose bytes no longer hash to its name ("…: its bytes hash to 1f2e…,
// not to its name"). Images without sha256 are skipped. Never fails: a
// file that cannot be read is a problem found.
std::vector<std::string> verify_images(const std::filesystem::path& root,
                                       const std::vector<store::ImageRecord>& images);

}  // namespace newsvault::media

#endif  // NEWSVAULT_MEDIA_MEDIA_H_
