// Zstandard at level 1: on article HTML it packs as tight as zlib's default
// at several times zlib's fastest speed, and packing is on the fetch's
// critical path. Each frame records its size and a checksum, so damage is
// found when a revision is read back, not shown.
#include "store/packed_content.h"

#include <zstd.h>

#include <memory>

namespace newsvault::store {
namespace {

constexpr int kLevel = 1;
// A revision's content is bounded by the fetch limits long before this; a
// claim beyond it is damage, not content.
constexpr unsigned long long kMaxUnpacked = 1ULL << 31;

struct ContextFree {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};

// One compression context per thread, reused: making one costs more than
// packing a small revision.
ZSTD_CCtx* thread_context() {
  thread_local std::unique_ptr<ZSTD_CCtx, ContextFree> context = [] {
    std::unique_ptr<ZSTD_CCtx, ContextFree> made(ZSTD_createCCtx());
    if (made) {
      ZSTD_CCtx_setParameter(made.get(), ZSTD_c_compressionLevel, kLevel);
      ZSTD_CCtx_setParameter(made.get(), ZSTD_c_checksumFlag, 1);
      ZSTD_CCtx_setParameter(made.get(), ZSTD_c_contentSizeFlag, 1);
    }
    return made;
  }();
  return context.get();
}

}  // namespace

Result<std::string> pack_content(std::string_view content) {
  if (content.size() > kMaxUnpacked) {
    return make_error(ErrorCode::kInvalidArgument, "content of " + std::to_string(content.size()) +
                                                       " bytes is too large to store");
  }
  ZSTD_CCtx* context = thread_context();
  if (context == nullptr) return make_error(ErrorCode::kInternal, "zstd: cannot make a context");
  std::string packed(ZSTD_compressBound(content.size()), '\0');
  const std::size_t size =
      ZSTD_compress2(context, packed.data(), packed.size(), content.data(), content.size());
  if (ZSTD_isError(size)) {
    return make_error(ErrorCode::kInternal, std::string("zstd: ") + ZSTD_getErrorName(size));
  }
  packed.resize(size);
  return packed;
}

Result<std::string> unpack_content(std::string_view packed, std::string_view where) {
  auto damaged = [&](std::string_view why) {
    return make_error(ErrorCode::kIo, std::string(where) + ": stored content is damaged (" +
                                          std::string(why) + ")");
  };
  const unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return damaged("not a packed revision");
  }
  if (size > kMaxUnpacked) return damaged("claims more than 2 GB");
  std::string content(static_cast<std::size_t>(size), '\0');
  const std::size_t unpacked =
      ZSTD_decompress(content.data(), content.size(), packed.data(), packed.size());
  if (ZSTD_isError(unpacked)) return damaged(ZSTD_getErrorName(unpacked));
  if (unpacked != size) return damaged("shorter than its header says");
  return content;
}

}  // namespace newsvault::store
