// The history's objects written as packs, and packs rolled up geometrically.
//
//   libgit2 writes an object ─► PackBackend::write ─► deflated, appended to
//                                 .git/newsvault-pack.XXXXXX/pack
//   finish ─► object count into the header, SHA-1 trailer, .idx v2
//          ─► fsync both ─► rename .pack, then .idx, into objects/pack ─► fsync the folder
//
// Formats: git's Documentation/gitformat-pack.txt (pack version 2, index
// version 2). A pack written here has no deltas (its objects are new, and a
// pack on its own may not name a base in another pack); pack_history's
// packbuilder finds deltas when it rolls packs up.
#include "publish/git_pack.h"

#include <fcntl.h>
#include <git2/sys/odb_backend.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "publish/git_handles.h"

namespace newsvault::publish {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempPrefix = "newsvault-pack.";
// Fast, as git's own loose objects (core.loosecompression = 1): a first run
// deflates hundreds of megabytes; pack_history recompresses what it rolls up.
constexpr int kCompressionLevel = 1;
constexpr std::size_t kBufferSize = 1 << 20;

std::unexpected<Error> io_error(const fs::path& path, std::string_view what) {
  return make_error(ErrorCode::kIo,
                    path.string() + ": " + std::string(what) + ": " + std::strerror(errno));
}

struct FileDescriptor {
  int fd = -1;
  explicit FileDescriptor(int value) : fd(value) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

Result<void> write_all(int fd, const void* data, std::size_t size, const fs::path& path) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(fd, bytes, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return io_error(path, "cannot write");
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
  return {};
}

Result<void> fsync_path(const fs::path& path, int flags) {
  FileDescriptor file(::open(path.c_str(), flags | O_CLOEXEC));
  if (file.fd < 0) return io_error(path, "cannot open");
  if (::fsync(file.fd) != 0) return io_error(path, "cannot flush");
  return {};
}

void put_be32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xff));
}

std::uint32_t get_be32(const unsigned char* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

// SHA-1, as pack and index checksums use (OpenSSL's libcrypto).
class Sha1 {
 public:
  Sha1() : context_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(context_.get(), EVP_sha1(), nullptr); }
  void update(const void* data, std::size_t size) { EVP_DigestUpdate(context_.get(), data, size); }
  std::array<unsigned char, GIT_OID_RAWSZ> final() {
    std::array<unsigned char, GIT_OID_RAWSZ> digest{};
    EVP_DigestFinal_ex(context_.get(), digest.data(), nullptr);
    return digest;
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> context_;
};

std::string hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < size; ++i) {
    text.push_back(kDigits[bytes[i] >> 4]);
    text.push_back(kDigits[bytes[i] & 0xf]);
  }
  return text;
}

struct OidHash {
  std::size_t operator()(const git_oid& oid) const {
    std::size_t value;
    std::memcpy(&value, oid.id, sizeof value);
    return value;
  }
};
struct OidEqual {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};

Result<fs::path> make_temp_folder(const fs::path& git_dir) {
  std::string pattern = (git_dir / (std::string(kTempPrefix) + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) return io_error(pattern, "cannot create a folder");
  return fs::path(pattern);
}

// Renames a finished pack and its index into objects/pack: the pack first,
// since readers find packs by their index; then the folder is flushed, so
// the names survive a power cut before anything relies on them.
Result<void> install_pack(const fs::path& pack, const fs::path& index, const fs::path& pack_dir,
                          const std::string& name) {
  for (const fs::path* file : {&pack, &index}) {
    if (auto synced = fsync_path(*file, O_RDONLY); !synced) return synced;
  }
  const fs::path target = pack_dir / name;
  if (::rename(pack.c_str(), (target.string() + ".pack").c_str()) != 0)
    return io_error(target, "cannot install");
  if (::rename(index.c_str(), (target.string() + ".idx").c_str()) != 0)
    return io_error(target, "cannot install");
  return fsync_path(pack_dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace

// The pack being written: entries appended to a file, an in-memory table
// of what is in it (for reads and for the index).
class PendingPack {
 public:
  struct Entry {
    git_oid oid;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;  // header and deflated data
    std::uint32_t crc = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    std::size_t size = 0;
  };

  PendingPack(fs::path git_dir, fs::path pack_dir)
      : git_dir_(std::move(git_dir)), pack_dir_(std::move(pack_dir)) {}
  ~PendingPack() { discard(); }

  bool contains(const git_oid& oid) {
    std::lock_guard lock(mutex_);
    return open_ && positions_.contains(oid);
  }

  int write(const git_oid& oid, const void* data, std::size_t size, git_object_t type) {
    std::lock_guard lock(mutex_);
    if (!open_) return GIT_ERROR;
    if (positions_.contains(oid)) return 0;
    if (fd_ < 0) {
      if (auto opened = open_file(); !opened) {
        git_error_set_str(GIT_ERROR_ODB, opened.error().message().c_str());
        return GIT_ERROR;
      }
    }
    Entry entry{oid, offset_, 0, 0, type, size};
    // Object header: type and size, 4 bits then 7 bits a byte, high bit "more".
    unsigned char header[16];
    std::size_t header_size = 0;
    std::size_t rest = size >> 4;
    header[header_size++] = static_cast<unsigned char>((static_cast<unsigned>(type) << 4) |
                                                       (size & 0x0f) | (rest != 0 ? 0x80 : 0));
    while (rest != 0) {
      header[header_size++] =
          static_cast<unsigned char>((rest & 0x7f) | (rest >> 7 != 0 ? 0x80 : 0));
      rest >>= 7;
    }
    entry.crc = crc32(0, header, static_cast<uInt>(header_size));
    append(header, header_size);
    deflateReset(&stream_);
    // An image (or any already compressed blob) goes into stored blocks:
    // deflating it again costs time and saves nothing.
    const int level =
        starts_as_compressed_format(std::string_view(static_cast<const char*>(data), size)) ? 0 : kCompressionLevel;
    if (level != level_) {
      if (deflateParams(&stream_, level, Z_DEFAULT_STRATEGY) != Z_OK) {
        git_error_set_str(GIT_ERROR_ZLIB, "cannot set the deflate level");
        return GIT_ERROR;
      }
      level_ = level;
    }
    stream_.next_in = static_cast<Bytef*>(const_cast<void*>(data));
    stream_.avail_in = static_cast<uInt>(size);
    unsigned char chunk[64 * 1024];
    int status = Z_OK;
    do {
      stream_.next_out = chunk;
      stream_.avail_out = sizeof chunk;
      status = deflate(&stream_, Z_FINISH);
      if (status == Z_STREAM_ERROR) {
        git_error_set_str(GIT_ERROR_ZLIB, "cannot deflate an object");
        return GIT_ERROR;
      }
      const std::size_t produced = sizeof chunk - stream_.avail_out;
      entry.crc = crc32(entry.crc, chunk, static_cast<uInt>(produced));
      append(chunk, produced);
    } while (status != Z_STREAM_END);
    if (!error_.empty()) {
      git_error_set_str(GIT_ERROR_OS, error_.c_str());
      return GIT_ERROR;
    }
    entry.length = offset_ - entry.offset;
    positions_.emplace(oid, entries_.size());
    entries_.push_back(entry);
    return 0;
  }

  int read(const git_oid& oid, std::string& data, git_object_t& type) {
    std::lock_guard lock(mutex_);
    const auto found = open_ ? positions_.find(oid) : positions_.end();
    if (found == positions_.end()) return GIT_ENOTFOUND;
    const Entry& entry = entries_[found->second];
    if (!flush_buffer()) return GIT_ERROR;
    std::string packed(entry.length, '\0');
    if (::pread(fd_, packed.data(), packed.size(), static_cast<off_t>(entry.offset)) !=
        static_cast<ssize_t>(packed.size())) {
      git_error_set_str(GIT_ERROR_OS, "cannot read back a new object");
      return GIT_ERROR;
    }
    std::size_t skip = 1;
    while (static_cast<unsigned char>(packed[skip - 1]) & 0x80) ++skip;
    data.assign(entry.size, '\0');
    uLongf out_size = static_cast<uLongf>(entry.size);
    z_stream inflater{};
    inflateInit(&inflater);
    inflater.next_in = reinterpret_cast<Bytef*>(packed.data() + skip);
    inflater.avail_in = static_cast<uInt>(packed.size() - skip);
    inflater.next_out = reinterpret_cast<Bytef*>(data.data());
    inflater.avail_out = static_cast<uInt>(out_size);
    const int status = inflate(&inflater, Z_FINISH);
    inflateEnd(&inflater);
    if (status != Z_STREAM_END) {
      git_error_set_str(GIT_ERROR_ZLIB, "cannot inflate a new object");
      return GIT_ERROR;
    }
    type = entry.type;
    return 0;
  }

  int read_header(const git_oid& oid, std::size_t& size, git_object_t& type) {
    std::lock_guard lock(mutex_);
    const auto found = open_ ? positions_.find(oid) : positions_.end();
    if (found == positions_.end()) return GIT_ENOTFOUND;
    size = entries_[found->second].size;
    type = entries_[found->second].type;
    return 0;
  }

  std::size_t count() {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

  Result<void> finish() {
    std::lock_guard lock(mutex_);
    if (!open_) return {};
    open_ = false;  // from now on the installed pack answers
    if (fd_ < 0) return {};
    const fs::path pack = folder_ / "pack";
    if (!flush_buffer()) return make_error(ErrorCode::kIo, error_);
    std::string header = "PACK";
    put_be32(header, 2);
    put_be32(header, static_cast<std::uint32_t>(entries_.size()));
    if (::pwrite(fd_, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
      return io_error(pack, "cannot write");
    }
    Sha1 sha1;
    std::string chunk(kBufferSize, '\0');
    for (std::uint64_t at = 0; at < offset_;) {
      const ssize_t got =
          ::pread(fd_, chunk.data(), std::min<std::uint64_t>(chunk.size(), offset_ - at),
                  static_cast<off_t>(at));
      if (got <= 0) return io_error(pack, "cannot read back");
      sha1.update(chunk.data(), static_cast<std::size_t>(got));
      at += static_cast<std::uint64_t>(got);
    }
    const auto checksum = sha1.final();
    if (::pwrite(fd_, checksum.data(), checksum.size(), static_cast<off_t>(offset_)) !=
        static_cast<ssize_t>(checksum.size())) {
      return io_error(pack, "cannot write");
    }
    const fs::path index = folder_ / "idx";
    if (auto written = write_index(index, checksum); !written) return written;
    const std::string name = "pack-" + hex(checksum.data(), checksum.size());
    if (auto installed = install_pack(pack, index, pack_dir_, name); !installed) return installed;
    discard();
    return {};
  }

 private:
  Result<void> open_file() {
    auto folder = make_temp_folder(git_dir_);
    if (!folder) return std::unexpected(folder.error());
    folder_ = *folder;
    const fs::path pack = folder_ / "pack";
    fd_ = ::open(pack.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd_ < 0) return io_error(pack, "cannot create");
    if (deflateInit(&stream_, kCompressionLevel) != Z_OK) {
      return make_error(ErrorCode::kIo, pack.string() + ": zlib cannot start");
    }
    deflating_ = true;
    const char placeholder[12] = {};
    append(placeholder, sizeof placeholder);  // the header, written last with the count
    return {};
  }

  void append(const void* data, std::size_t size) {
    buffer_.append(static_cast<const char*>(data), size);
    offset_ += size;
    if (buffer_.size() >= kBufferSize) flush_buffer();
  }

  bool flush_buffer() {
    if (!error_.empty()) return false;
    if (auto written = write_all(fd_, buffer_.data(), buffer_.size(), folder_ / "pack"); !written) {
      error_ = written.error().message();
      return false;
    }
    buffer_.clear();
    return true;
  }

  Result<void> write_index(const fs::path& path,
                           const std::array<unsigned char, GIT_OID_RAWSZ>& checksum) {
    std::vector<const Entry*> sorted;
    sorted.reserve(entries_.size());
    for (const Entry& entry : entries_) sorted.push_back(&entry);
    std::ranges::sort(
        sorted, [](const Entry* a, const Entry* b) { return git_oid_cmp(&a->oid, &b->oid) < 0; });
    std::string out = "\377tOc";
    put_be32(out, 2);
    std::array<std::uint32_t, 256> fanout{};
    for (const Entry* entry : sorted) ++fanout[entry->oid.id[0]];
    for (std::uint32_t i = 0, total = 0; i < 256; ++i) put_be32(out, total += fanout[i]);
    for (const Entry* entry : sorted)
      out.append(reinterpret_cast<const char*>(entry->oid.id), GIT_OID_RAWSZ);
    for (const Entry* entry : sorted) put_be32(out, entry->crc);
    std::string large;
    std::uint32_t large_count = 0;
    for (const Entry* entry : sorted) {
      if (entry->offset < 0x80000000u) {
        put_be32(out, static_cast<std::uint32_t>(entry->offset));
      } else {
        put_be32(out, 0x80000000u | large_count++);
        put_be32(large, static_cast<std::uint32_t>(entry->offset >> 32));
        put_be32(large, static_cast<std::uint32_t>(entry->offset));
      }
    }
    out += large;
    out.append(reinterpret_cast<const char*>(checksum.data()), checksum.size());
    Sha1 sha1;
    sha1.update(out.data(), out.size());
    const auto own = sha1.final();
    out.append(reinterpret_cast<const char*>(own.data()), own.size());
    FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
    if (file.fd < 0) return io_error(path, "cannot create");
    return write_all(file.fd, out.data(), out.size(), path);
  }

  void discard() {
    if (deflating_) deflateEnd(&stream_);
    deflating_ = false;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!folder_.empty()) {
      std::error_code ignored;
      fs::remove_all(folder_, ignored);
      folder_.clear();
    }
  }

  std::mutex mutex_;
  fs::path git_dir_;
  fs::path pack_dir_;
  fs::path folder_;
  int fd_ = -1;
  bool open_ = true;
  bool deflating_ = false;
  z_stream stream_{};
  int level_ = kCompressionLevel;  // stream_'s, as set last
  std::string buffer_;
  std::string error_;
  std::uint64_t offset_ = 0;
  std::vector<Entry> entries_;
  std::unordered_map<git_oid, std::size_t, OidHash, OidEqual> positions_;
};

namespace {

// libgit2's view of a PendingPack: an object database backend. libgit2
// owns it (and frees it with the database); the PendingPack is shared with
// the PackWriter.
struct PackBackend {
  git_odb_backend parent;
  std::shared_ptr<PendingPack> pending;
};

PendingPack& pending_of(git_odb_backend* backend) {
  return *reinterpret_cast<PackBackend*>(backend)->pending;
}

int backend_read(void** out, std::size_t* size, git_object_t* type, git_odb_backend* backend,
                 const git_oid* oid) {
  std::string data;
  const int status = pending_of(backend).read(*oid, data, *type);
  if (status != 0) return status;
  void* copy = git_odb_backend_data_alloc(backend, data.size());
  if (copy == nullptr) return GIT_ERROR;
  std::memcpy(copy, data.data(), data.size());
  *out = copy;
  *size = data.size();
  return 0;
}

int backend_read_header(std::size_t* size, git_object_t* type, git_odb_backend* backend,
                        const git_oid* oid) {
  return pending_of(backend).read_header(*oid, *size, *type);
}

int backend_write(git_odb_backend* backend, const git_oid* oid, const void* data, std::size_t size,
                  git_object_t type) {
  return pending_of(backend).write(*oid, data, size, type);
}

int backend_exists(git_odb_backend* backend, const git_oid* oid) {
  return pending_of(backend).contains(*oid);
}

void backend_free(git_odb_backend* backend) { delete reinterpret_cast<PackBackend*>(backend); }

}  // namespace

PackWriter::PackWriter(std::shared_ptr<PendingPack> pending) : pending_(std::move(pending)) {}
PackWriter::PackWriter(PackWriter&&) noexcept = default;
PackWriter& PackWriter::operator=(PackWriter&&) noexcept = default;
PackWriter::~PackWriter() = default;

Result<PackWriter> PackWriter::attach(git_repository* repository, const fs::path& root) {
  const fs::path git_dir = git_repository_path(repository);
  const fs::path pack_dir = git_dir / "objects" / "pack";
  std::error_code error;
  fs::create_directories(pack_dir, error);
  if (error)
    return make_error(ErrorCode::kIo, pack_dir.string() + ": cannot create: " + error.message());
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repository) != 0)
    return git_failure(root, "cannot open the object database");
  std::unique_ptr<git_odb, GitFree<git_odb, git_odb_free>> owned_odb(odb);
  auto pending = std::make_shared<PendingPack>(git_dir, pack_dir);
  auto* backend = new PackBackend{};
  git_odb_init_backend(&backend->parent, GIT_ODB_BACKEND_VERSION);
  backend->pending = pending;
  backend->parent.read = backend_read;
  backend->parent.read_header = backend_read_header;
  backend->parent.write = backend_write;
  backend->parent.exists = backend_exists;
  backend->parent.free = backend_free;
  // Above the packs (2) and loose objects (1): libgit2 writes to the first
  // backend that can, and reads the newest objects from here.
  constexpr int kPriority = 1000;
  if (git_odb_add_backend(odb, &backend->parent, kPriority) != 0) {
    delete backend;
    return git_failure(root, "cannot add the pack writer");
  }
  return PackWriter(std::move(pending));
}

Result<void> PackWriter::finish() { return pending_->finish(); }

std::size_t PackWriter::objects_written() const { return pending_->count(); }

// ---------------------------------------------------------------------------
// Geometric repacking.

namespace {

struct IndexFile {
  std::string bytes;
  std::uint32_t count() const {
    return get_be32(reinterpret_cast<const unsigned char*>(bytes.data()) + 8 + 255 * 4);
  }
};

constexpr std::size_t kIndexHeader = 8 + 256 * 4;  // magic, version, fan-out

// Reads an index (version 2): its header and fan-out (the object count), or
// with `ids` the whole file, checked far enough to trust its object ids.
Result<IndexFile> read_index(const fs::path& path, bool ids) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.fd < 0) return io_error(path, "cannot open");
  struct stat status {};
  if (::fstat(file.fd, &status) != 0) return io_error(path, "cannot read");
  const auto file_size = static_cast<std::size_t>(status.st_size);
  IndexFile index;
  index.bytes.resize(ids ? file_size : std::min(file_size, kIndexHeader));
  if (::pread(file.fd, index.bytes.data(), index.bytes.size(), 0) !=
      static_cast<ssize_t>(index.bytes.size())) {
    return io_error(path, "cannot read");
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(index.bytes.data());
  if (file_size < kIndexHeader + 40 || std::memcmp(bytes, "\377tOc", 4) != 0 ||
      get_be32(bytes + 4) != 2 || file_size < kIndexHeader + std::size_t{index.count()} * 28 + 40) {
    return make_error(ErrorCode::kIo, path.string() + ": not a pack index of version 2");
  }
  return index;
}

bool is_hex(std::string_view text) {
  return std::ranges::all_of(
      text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

struct LooseObject {
  git_oid oid;
  fs::path path;
};

Result<std::vector<LooseObject>> list_loose_objects(const fs::path& objects_dir) {
  std::vector<LooseObject> loose;
  std::error_code error;
  for (fs::directory_iterator folder(objects_dir, error), end; !error && folder != end;
       folder.increment(error)) {
    const std::string prefix = folder->path().filename().string();
    if (prefix.size() != 2 || !is_hex(prefix) || !folder->is_directory()) continue;
    for (fs::directory_iterator file(folder->path(), error); !error && file != end;
         file.increment(error)) {
      const std::string rest = file->path().filename().string();
      if (rest.size() != GIT_OID_HEXSZ - 2 || !is_hex(rest))
        continue;  // tmp_obj_* of a cut-short write
      git_oid oid;
      if (git_oid_fromstr(&oid, (prefix + rest).c_str()) == 0) loose.push_back({oid, file->path()});
    }
  }
  if (error)
    return make_error(ErrorCode::kIo, objects_dir.string() + ": cannot list: " + error.message());
  return loose;
}

using GitPackbuilder =
    std::unique_ptr<git_packbuilder, GitFree<git_packbuilder, git_packbuilder_free>>;

}  // namespace

Result<std::vector<PackFile>> list_packs(const fs::path& objects_dir) {
  std::vector<PackFile> packs;
  const fs::path pack_dir = objects_dir / "pack";
  std::error_code error;
  for (fs::directory_iterator file(pack_dir, error), end; !error && file != end;
       file.increment(error)) {
    const fs::path& path = file->path();
    if (path.extension() != ".idx" || !path.filename().string().starts_with("pack-")) continue;
    fs::path pack = path;
    if (!fs::exists(pack.replace_extension(".pack"))) continue;  // git and libgit2 skip it too
    auto index = read_index(path, false);
    if (!index) return std::unexpected(index.error());
    fs::path keep = path;
    packs.push_back({path, index->count(), fs::exists(keep.replace_extension(".keep"))});
  }
  if (error && error != std::errc::no_such_file_or_directory) {
    return make_error(ErrorCode::kIo, pack_dir.string() + ": cannot list: " + error.message());
  }
  std::ranges::sort(packs, [](const PackFile& a, const PackFile& b) {
    return a.objects != b.objects ? a.objects < b.objects : a.index < b.index;
  });
  return packs;
}

std::size_t geometric_split(const std::vector<std::uint64_t>& objects, std::uint64_t factor) {
  // git's builtin/repack.c (split_pack_geometry): from the largest pack
  // down, find the first pair that breaks the progression...
  if (objects.empty()) return 0;
  std::size_t split = objects.size() - 1;
  for (; split > 0; --split) {
    if (objects[split] < factor * objects[split - 1]) break;
  }
  if (split > 0) ++split;  // the upper one of the breaking pair goes too
  // ...then the new pack may be too big for the packs above it: take them
  // until the progression holds.
  std::uint64_t rolled = 0;
  for (std::size_t i = 0; i < split; ++i) rolled += objects[i];
  for (; split < objects.size() && objects[split] < factor * rolled; ++split)
    rolled += objects[split];
  return split;
}

Result<void> remove_unfinished_packs(const fs::path& git_dir) {
  std::error_code error;
  for (fs::directory_iterator entry(git_dir, error), end; !error && entry != end;
       entry.increment(error)) {
    if (!entry->path().filename().string().starts_with(kTempPrefix)) continue;
    fs::remove_all(entry->path(), error);
    if (error)
      return make_error(ErrorCode::kIo,
                        entry->path().string() + ": cannot remove: " + error.message());
  }
  if (error)
    return make_error(ErrorCode::kIo, git_dir.string() + ": cannot list: " + error.message());
  return {};
}

Result<void> pack_history(const fs::path& root) {
  auto repository = open_git_repository(root);
  if (!repository) return std::unexpected(repository.error());
  git_repository* repo = repository->get();
  const fs::path git_dir = git_repository_path(repo);
  const fs::path objects_dir = git_dir / "objects";
  auto packs = list_packs(objects_dir);
  if (!packs) return std::unexpected(packs.error());
  auto loose = list_loose_objects(objects_dir);
  if (!loose) return std::unexpected(loose.error());

  std::vector<PackFile> candidates;
  for (const PackFile& pack : *packs) {
    if (!pack.kept) candidates.push_back(pack);
  }
  std::vector<std::uint64_t> sizes;
  for (const PackFile& pack : candidates) sizes.push_back(pack.objects);
  const std::size_t split = geometric_split(sizes, 2);
  const std::size_t rolled_packs = split;
  if (loose->empty() && rolled_packs < 2) return {};

  git_packbuilder* raw_builder = nullptr;
  if (git_packbuilder_new(&raw_builder, repo) != 0) return git_failure(root, "cannot start a pack");
  GitPackbuilder builder(raw_builder);
  git_packbuilder_set_threads(builder.get(), 0);  // one delta search per core
  for (std::size_t i = 0; i < rolled_packs; ++i) {
    auto index = read_index(candidates[i].index, true);
    if (!index) return std::unexpected(index.error());
    const auto* ids = reinterpret_cast<const unsigned char*>(index->bytes.data()) + kIndexHeader;
    for (std::uint32_t n = 0; n < index->count(); ++n) {
      git_oid oid;
      git_oid_fromraw(&oid, ids + std::size_t{n} * GIT_OID_RAWSZ);
      if (git_packbuilder_insert(builder.get(), &oid, nullptr) != 0) {
        return git_failure(candidates[i].index, "cannot read an object to pack");
      }
    }
  }
  std::vector<fs::path> packed_loose;
  for (const LooseObject& object : *loose) {
    // A loose object libgit2 cannot read (damaged) stays where it is.
    if (git_packbuilder_insert(builder.get(), &object.oid, nullptr) != 0) continue;
    packed_loose.push_back(object.path);
  }
  if (git_packbuilder_object_count(builder.get()) == 0) return {};

  auto folder = make_temp_folder(git_dir);
  if (!folder) return std::unexpected(folder.error());
  struct RemoveFolder {
    fs::path path;
    ~RemoveFolder() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } remove_folder{*folder};
  if (git_packbuilder_write(builder.get(), folder->c_str(), 0, nullptr, nullptr) != 0) {
    return git_failure(*folder, "cannot write a pack");
  }
  const std::string name = std::string("pack-") + git_packbuilder_name(builder.get());
  if (auto installed = install_pack(*folder / (name + ".pack"), *folder / (name + ".idx"),
                                    objects_dir / "pack", name);
      !installed) {
    return installed;
  }
  // The new pack is on the disk: what it replaces can go. The index first,
  // so no reader finds an index whose pack is gone.
  for (std::size_t i = 0; i < rolled_packs; ++i) {
    const fs::path index = candidates[i].index;
    if (index.stem() == name) continue;  // the same objects, packed the same way
    for (const char* extension : {".idx", ".pack", ".rev", ".bitmap"}) {
      fs::path file = index;
      std::error_code error;
      fs::remove(file.replace_extension(extension), error);
      if (error)
        return make_error(ErrorCode::kIo, file.string() + ": cannot remove: " + error.message());
    }
  }
  if (rolled_packs > 0) {
    // A multi-pack index (`git repack --write-midx`) would name packs that
    // are gone; git reads the packs without it.
    std::error_code error;
    fs::remove(objects_dir / "pack" / "multi-pack-index", error);
  }
  for (const fs::path& path : packed_loose) {
    std::error_code error;
    fs::remove(path, error);
    if (error)
      return make_error(ErrorCode::kIo, path.string() + ": cannot remove: " + error.message());
    fs::remove(path.parent_path(), error);  // once empty; an error here only means it is not
  }
  return {};
}

}  // namespace newsvault::publish
