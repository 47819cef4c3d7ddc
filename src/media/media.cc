#include "media/media.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <system_error>

#include "core/html.h"
#include "publish/publish.h"

namespace newsvault::media {
namespace {

std::uint32_t big_endian(std::string_view bytes, std::size_t at, std::size_t width) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

std::uint32_t little_endian(std::string_view bytes, std::size_t at, std::size_t width) {
  std::uint32_t value = 0;
  for (std::size_t i = width; i-- > 0;) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

Error refused(std::string reason) { return Error(ErrorCode::kInvalidArgument, std::move(reason)); }

using Sniffed = Result<SniffedImage>;

SniffedImage image(std::string_view type, std::string_view extension, std::int64_t width,
                   std::int64_t height) {
  return SniffedImage{std::string(type), std::string(extension), width, height};
}

// PNG (ISO/IEC 15948 §5.2, §11.2.2): the signature, IHDR first with the
// width and height, IEND last.
Sniffed sniff_png(std::string_view bytes) {
  if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return std::unexpected(refused("truncated PNG (no IHDR chunk)"));
  if (bytes.size() < 45 || bytes.substr(bytes.size() - 8, 4) != "IEND") {
    return std::unexpected(refused("truncated PNG (no IEND chunk)"));
  }
  return image("image/png", "png", big_endian(bytes, 16, 4), big_endian(bytes, 20, 4));
}

// JPEG (ITU T.81 §B.2): segments up to the first start-of-frame, which
// holds the height and width; EOI ends the data.
Sniffed sniff_jpeg(std::string_view bytes) {
  std::int64_t width = 0;
  std::int64_t height = 0;
  std::size_t at = 2;
  while (at + 4 <= bytes.size()) {
    if (static_cast<unsigned char>(bytes[at]) != 0xFF) break;
    const unsigned marker = static_cast<unsigned char>(bytes[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // markers without a length
      at += 2;
      continue;
    }
    const bool start_of_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (start_of_frame) {
      if (at + 9 > bytes.size()) break;
      height = big_endian(bytes, at + 5, 2);
      width = big_endian(bytes, at + 7, 2);
      break;
    }
    at += 2 + big_endian(bytes, at + 2, 2);
  }
  if (width == 0 && height == 0) return std::unexpected(refused("truncated JPEG (no frame header)"));
  // The end-of-image marker, allowing for padding some encoders add after it.
  const std::size_t end = bytes.rfind("\xFF\xD9");
  if (end == std::string_view::npos || bytes.size() - end > 1024) {
    return std::unexpected(refused("truncated JPEG (no end-of-image marker)"));
  }
  return image("image/jpeg", "jpg", width, height);
}

// GIF89a (§18, §27): the logical screen's width and height, the trailer last.
Sniffed sniff_gif(std::string_view bytes) {
  if (bytes.size() < 14 || bytes.back() != '\x3B') return std::unexpected(refused("truncated GIF (no trailer)"));
  return image("image/gif", "gif", little_endian(bytes, 6, 2), little_endian(bytes, 8, 2));
}

// WebP (RFC 9649 §2): a RIFF file whose size is all there, then the
// lossy, lossless or extended header with the canvas size.
Sniffed sniff_webp(std::string_view bytes) {
  if (bytes.size() < 30 || std::uint64_t{little_endian(bytes, 4, 4)} + 8 > bytes.size()) {
    return std::unexpected(refused("truncated WebP (shorter than its RIFF size)"));
  }
  const std::string_view chunk = bytes.substr(12, 4);
  if (chunk == "VP8 " && bytes.substr(23, 3) == "\x9D\x01\x2A") {
    return image("image/webp", "webp", little_endian(bytes, 26, 2) & 0x3FFF, little_endian(bytes, 28, 2) & 0x3FFF);
  }
  if (chunk == "VP8L" && bytes[20] == '\x2F') {
    const std::uint32_t bits = little_endian(bytes, 21, 4);
    return image("image/webp", "webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (chunk == "VP8X") {
    return image("image/webp", "webp", little_endian(bytes, 24, 3) + 1, little_endian(bytes, 27, 3) + 1);
  }
  return std::unexpected(refused("WebP without a VP8, VP8L or VP8X header"));
}

// AVIF (ISO/IEC 14496-12 §4.2, §8.2; AV1 Image File Format §9): top-level
// boxes that each fit in the file, an ftyp naming the avif or avis brand,
// and an ispe property with the image's size (the largest, the primary).
Sniffed sniff_avif(std::string_view bytes) {
  const std::size_t ftyp_size = big_endian(bytes, 0, 4);
  bool avif = false;
  for (std::size_t at = 8; at + 4 <= std::min(ftyp_size, bytes.size()); at += 4) {
    if (at == 12) continue;  // minor version
    const std::string_view brand = bytes.substr(at, 4);
    avif = avif || brand == "avif" || brand == "avis";
  }
  if (!avif) return std::unexpected(refused("not an image (PNG, JPEG, GIF, WebP or AVIF)"));
  for (std::size_t at = 0; at < bytes.size();) {
    if (at + 8 > bytes.size()) return std::unexpected(refused("truncated AVIF (a box cut short)"));
    std::uint64_t size = big_endian(bytes, at, 4);
    if (size == 1) {
      if (at + 16 > bytes.size()) return std::unexpected(refused("truncated AVIF (a box cut short)"));
      size = (std::uint64_t{big_endian(bytes, at + 8, 4)} << 32) | big_endian(bytes, at + 12, 4);
    } else if (size == 0) {
      size = bytes.size() - at;  // to the end of the file
    }
    if (size < 8 || size > bytes.size() - at) return std::unexpected(refused("truncated AVIF (a box cut short)"));
    at += size;
  }
  std::int64_t width = 0;
  std::int64_t height = 0;
  for (std::size_t at = bytes.find("ispe"); at != std::string_view::npos && at + 16 <= bytes.size();
       at = bytes.find("ispe", at + 4)) {
    const std::int64_t w = big_endian(bytes, at + 8, 4);
    const std::int64_t h = big_endian(bytes, at + 12, 4);
    if (w * h > width * height) {
      width = w;
      height = h;
    }
  }
  return image("image/avif", "avif", width, height);
}

// What markup served as an image is (WHATWG MIME Sniffing §7.1 tells HTML
// by its first tag).
Error markup_refusal(std::string_view bytes) {
  std::string head(bytes.substr(0, 1024));
  std::ranges::transform(head, head.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (head.find("<svg") != std::string::npos || head.find("<!doctype svg") != std::string::npos) {
    return refused("SVG, which is not kept (it can carry script)");
  }
  for (std::string_view tag : {"<!doctype html", "<html", "<head", "<body", "<title", "<div", "<p", "<script", "<!--"}) {
    if (head.starts_with(tag)) return refused("HTML served as an image");
  }
  return refused("markup served as an image");
}

}  // namespace

Result<SniffedImage> sniff_image(std::string_view bytes, const ImageLimits& limits) {
  if (bytes.empty()) return std::unexpected(refused("empty"));
  if (bytes.size() > limits.max_bytes) {
    return std::unexpected(refused("larger than " + std::to_string(limits.max_bytes) + " bytes"));
  }
  Sniffed sniffed = std::unexpected(refused("not an image (PNG, JPEG, GIF, WebP or AVIF)"));
  if (bytes.starts_with("\x89PNG\r\n\x1A\n")) {
    sniffed = sniff_png(bytes);
  } else if (bytes.starts_with("\xFF\xD8\xFF")) {
    sniffed = sniff_jpeg(bytes);
  } else if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a")) {
    sniffed = sniff_gif(bytes);
  } else if (bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP") {
    sniffed = sniff_webp(bytes);
  } else if (bytes.size() >= 16 && bytes.substr(4, 4) == "ftyp") {
    sniffed = sniff_avif(bytes);
  } else {
    std::string_view text = bytes;
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    text = trim_ascii(text);
    if (text.starts_with('<')) return std::unexpected(markup_refusal(text));
  }
  if (!sniffed) return sniffed;
  if (sniffed->width <= 0 || sniffed->height <= 0) {
    return std::unexpected(refused("no pixel dimensions in its header"));
  }
  const std::uint64_t pixels = static_cast<std::uint64_t>(sniffed->width) * static_cast<std::uint64_t>(sniffed->height);
  if (pixels > limits.max_pixels) {
    return std::unexpected(refused(std::to_string(sniffed->width) + " x " + std::to_string(sniffed->height) +
                                   " pixels, over the limit of " + std::to_string(limits.max_pixels)));
  }
  return sniffed;
}

std::string_view extension_of(std::string_view type) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kExtensions = {{
      {"image/png", "png"},
      {"image/jpeg", "jpg"},
      {"image/gif", "gif"},
      {"image/webp", "webp"},
      {"image/avif", "avif"},
  }};
  for (const auto& [name, extension] : kExtensions) {
    if (name == type) return extension;
  }
  return {};
}

std::string media_path(std::string_view sha256, std::string_view extension) {
  std::string path(kMediaDirectory);
  path += "/sha256/";
  path += sha256.substr(0, 2);
  path += '/';
  path += sha256;
  path += '.';
  path += extension;
  return path;
}

Result<KeptImage> keep_image(const std::filesystem::path& root, std::string_view bytes, const ImageLimits& limits) {
  auto sniffed = sniff_image(bytes, limits);
  if (!sniffed) return std::unexpected(sniffed.error());
  KeptImage kept;
  kept.record.sha256 = store::sha256_hex(bytes);
  kept.record.type = sniffed->type;
  kept.record.bytes = static_cast<std::int64_t>(bytes.size());
  kept.record.width = sniffed->width;
  kept.record.height = sniffed->height;
  kept.path = media_path(kept.record.sha256, sniffed->extension);
  std::error_code error;
  const auto size = std::filesystem::file_size(root / kept.path, error);
  if (!error && size == bytes.size()) return kept;  // its name is its hash: the same bytes
  auto written = publish::write_file_atomically(root, kept.path, bytes, publish::Durability::kBatched);
  if (!written) return std::unexpected(written.error());
  kept.written = true;
  return kept;
}

std::vector<std::string> image_urls(const extract::Article& article) {
  std::vector<std::string> urls;
  std::set<std::string> seen;
  const auto add = [&](std::string_view url) {
    url = trim_ascii(url);
    if (is_web_url(url) && seen.emplace(url).second) urls.emplace_back(url);
  };
  if (article.lead_image) add(article.lead_image->url);
  if (article.body_html.find("<img") == std::string::npos) return urls;
  std::vector<const html::Node*> stack;
  const std::vector<html::Node> nodes = html::parse_fragment(article.body_html);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) stack.push_back(&*it);
  while (!stack.empty()) {
    const html::Node* node = stack.back();
    stack.pop_back();
    if (node->is_element("img")) {
      if (const std::string* src = node->attribute("src")) add(*src);
    }
    for (auto it = node->children.rbegin(); it != node->children.rend(); ++it) stack.push_back(&*it);
  }
  return urls;
}

Result<MediaUsage> media_usage(const std::filesystem::path& root) {
  MediaUsage usage;
  const std::filesystem::path dir = root / kMediaDirectory;
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) return usage;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    // Temporary files of writes cut short start with '.': not images.
    if (!it->is_regular_file() || it->path().filename().string().starts_with('.')) continue;
    ++usage.files;
    usage.bytes += it->file_size();
  }
  if (error) return make_error(ErrorCode::kIo, dir.string() + ": " + error.message());
  return usage;
}

std::vector<std::string> verify_images(const std::filesystem::path& root,
                                       const std::vector<store::ImageRecord>& images) {
  std::vector<std::string> problems;
  for (const store::ImageRecord& image : images) {
    if (image.sha256.empty()) continue;
    const std::string path = media_path(image.sha256, extension_of(image.type));
    std::ifstream in(root / path, std::ios::binary);
    if (!in) {
      problems.push_back(path + ": missing (" + image.url + ")");
      continue;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string hash = store::sha256_hex(bytes.view());
    if (hash != image.sha256) {
      problems.push_back(path + ": its bytes hash to " + hash.substr(0, 12) + "…, not to its name (" + image.url + ")");
    }
  }
  return problems;
}

}  // namespace newsvault::media
