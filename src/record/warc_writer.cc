// WARC 1.1 (IIPC, warc-specifications/warc-format/warc-1.1): records, each
// gzipped as a member of its own (Annex D: "record-at-time compression"),
// appended to files rotated by size and day.
#include <fcntl.h>
#include <libdeflate.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cctype>
#include <charconv>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "record/files.h"
#include "record/record.h"

namespace newsvault::record {
namespace fs = std::filesystem;
namespace {

// "FILE LENGTH": the file being appended. One per file name prefix, so
// that writers of different prefixes share a folder without mending each
// other's files.
fs::path marker_path(const WarcOptions& options) {
  return options.dir / (options.file_prefix == kDefaultWarcPrefix ? std::string("open") : "open-" + options.file_prefix);
}
constexpr std::size_t kChunk = 64 * 1024;

// SHA-256 over pieces, as WARC labels it ("sha256:" and lowercase hex, as
// webrecorder's tools write it).
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr);
  }
  void add(std::string_view bytes) { EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size()); }
  std::string label() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_.get(), digest.data(), &size);
    return "sha256:" + to_hex(digest.data(), size);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

// RFC 4122 version 4, as WARC-Record-ID's <urn:uuid:...>.
std::string new_record_id() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // OpenSSL's generator failed: the clock and the address of a local
    // still make an id no other record of this file has.
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    std::memcpy(bytes.data(), &now, sizeof now);
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  const std::string text = to_hex(bytes.data(), bytes.size());
  return "<urn:uuid:" + text.substr(0, 8) + "-" + text.substr(8, 4) + "-" + text.substr(12, 4) + "-" +
         text.substr(16, 4) + "-" + text.substr(20) + ">";
}

// WARC 1.1 §5.4: W3C-ISO8601 in UTC, to the microsecond.
std::string warc_date(std::chrono::system_clock::time_point time) {
  const auto micros = std::chrono::time_point_cast<std::chrono::microseconds>(time);
  const std::time_t seconds = std::chrono::system_clock::to_time_t(micros);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[96];
  const long fraction =
      static_cast<long>((micros.time_since_epoch() % std::chrono::seconds(1)).count());
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                fraction < 0 ? 0 : fraction);
  return text;
}

std::string day_digits(std::chrono::system_clock::time_point time) {
  const std::string date = warc_date(time);
  return date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2);
}

// A field's value on one line: a server's header (or a URL) with a line
// break would forge fields of our own.
std::string one_line(std::string_view value) {
  std::string line(value);
  std::replace_if(line.begin(), line.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return line;
}

Error io_error(const std::string& what) { return Error(ErrorCode::kIo, what + ": " + std::strerror(errno)); }

// Appends `bytes` to the WARC file open as `fd` at `path`. On failure the
// record begun at `record_start` is cut (and `file_size` set back to it),
// so the file ends with a whole record; a cut that fails is left to the
// repair.
Result<void> append_bytes(int fd, std::string_view bytes, const fs::path& path, std::uint64_t record_start,
                          std::uint64_t& file_size) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const Error failed = io_error(path.string() + ": cannot append");
      if (::ftruncate(fd, static_cast<off_t>(record_start)) == 0) file_size = record_start;
      return std::unexpected(failed);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// The status code of a response head ("HTTP/1.1 304 Not Modified"), or 0.
int status_of(std::string_view head) {
  const auto space = head.find(' ');
  if (space == std::string_view::npos || head.size() < space + 4) return 0;
  int status = 0;
  std::from_chars(head.data() + space + 1, head.data() + space + 4, status);
  return status;
}

// Whether a payload is compressed already, so deflating it again would
// save nothing: the response says it has a Content-Encoding other than
// identity, or the bytes start as a compressed format does (JPEG, PNG, GIF,
// WebP, AVIF/MP4, gzip, zstd, zip).
bool is_compressed(std::string_view head, std::string_view payload) {
  for (std::size_t at = head.find("\r\n"); at != std::string_view::npos; at = head.find("\r\n", at + 2)) {
    const std::string_view line = head.substr(at + 2, head.find("\r\n", at + 2) - (at + 2));
    constexpr std::string_view kName = "content-encoding:";
    if (line.size() <= kName.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < kName.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    }
    if (!same) continue;
    std::string_view value = line.substr(kName.size());
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    return !value.empty() && !value.starts_with("identity");
  }
  return starts_as_compressed_format(payload);
}

// Reads gzip members one after another from `in`, from `offset`. For each
// whole member, calls `on_member(offset, its first bytes up to `keep`,
// inflated size)`; stops at the first member that is not whole and
// returns the offset where the whole ones end.
std::uint64_t scan_members(std::istream& in, std::uint64_t offset, std::size_t keep,
                           const std::function<bool(std::uint64_t, const std::string&, std::uint64_t)>& on_member,
                           bool& stopped) {
  stopped = false;
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return offset;
  std::unique_ptr<z_stream, decltype(&inflateEnd)> owner(&stream, &inflateEnd);
  std::string input(kChunk, '\0');
  std::string output(kChunk, '\0');
  std::uint64_t member_start = offset;
  std::uint64_t consumed = offset;  // of the file, up to the end of stream.next_in
  std::string head;
  std::uint64_t inflated = 0;
  for (;;) {
    if (stream.avail_in == 0) {
      in.read(input.data(), static_cast<std::streamsize>(input.size()));
      const auto got = static_cast<uInt>(in.gcount());
      if (got == 0) return member_start;  // the end: a member begun and not ended is torn
      stream.next_in = reinterpret_cast<Bytef*>(input.data());
      stream.avail_in = got;
      consumed += got;
    }
    stream.next_out = reinterpret_cast<Bytef*>(output.data());
    stream.avail_out = static_cast<uInt>(output.size());
    const int status = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = output.size() - stream.avail_out;
    if (head.size() < keep) head.append(output.data(), std::min(produced, keep - head.size()));
    inflated += produced;
    if (status == Z_STREAM_END) {
      const std::uint64_t end = consumed - stream.avail_in;
      if (!on_member(member_start, head, inflated)) {
        stopped = true;
        return end;
      }
      member_start = end;
      head.clear();
      inflated = 0;
      inflateReset(&stream);
      continue;
    }
    if (status != Z_OK && status != Z_BUF_ERROR) return member_start;  // damaged: cut here
    if (status == Z_BUF_ERROR && stream.avail_in != 0) return member_start;
  }
}

// A killed writer's marker names a file and the length it had before; the
// records after it are read and the file cut after the last whole one.
Result<void> repair_after_kill(const WarcOptions& options) {
  const fs::path& dir = options.dir;
  const fs::path marker = marker_path(options);
  std::ifstream text(marker);
  if (!text) return {};
  const std::string whole((std::istreambuf_iterator<char>(text)), std::istreambuf_iterator<char>());
  text.close();
  std::string name;
  std::uint64_t length = 0;
  // A marker cut short (write_marker) was being written before anything
  // was appended: there is nothing to mend.
  if (whole.ends_with('\n')) std::istringstream(whole) >> name >> length;
  if (!name.empty() && name.find('/') == std::string::npos && fs::exists(dir / name)) {
    const fs::path file = dir / name;
    std::uint64_t good = length;
    {
      std::ifstream in(file, std::ios::binary);
      if (!in) return make_error(ErrorCode::kIo, file.string() + ": cannot read to repair it");
      bool stopped = false;
      good = scan_members(in, length, 8, [](std::uint64_t, const std::string& head, std::uint64_t) {
        return head.starts_with("WARC/");
      }, stopped);
    }
    std::error_code error;
    if (fs::file_size(file, error) != good) {
      if (::truncate(file.c_str(), static_cast<off_t>(good)) != 0) {
        return std::unexpected(io_error(file.string() + ": cannot cut the torn record at " + std::to_string(good)));
      }
    }
  }
  std::error_code error;
  fs::remove(marker, error);
  return {};
}

// The marker written in place, not through a temporary file: a writer
// killed meanwhile would leave a temporary file that no writer of another
// prefix knows to remove. Nothing is appended before it is on disk, so one
// cut short (no final newline) names nothing to mend.
Result<void> write_marker(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected(io_error(path.string() + ": cannot write"));
  const bool good = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const Error failed = io_error(path.string() + ": cannot write");
  ::close(fd);
  if (!good) return std::unexpected(failed);
  return {};
}

}  // namespace

WarcWriter::~WarcWriter() { (void)close(); }

Result<void> WarcWriter::start_file(std::chrono::system_clock::time_point now) {
  RECORD_TRY(close());
  if (!ready_) {
    std::error_code error;
    fs::create_directories(options_.dir, error);
    if (error) {
      return make_error(ErrorCode::kIo, options_.dir.string() + ": cannot make the folder: " + error.message());
    }
    RECORD_TRY(repair_after_kill(options_));
    ready_ = true;
  }
  const std::string day = day_digits(now);
  // The day's newest file, if it has room; else the next number.
  const std::string prefix = options_.file_prefix + "-" + day + "-";
  int newest = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(options_.dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(".warc.gz")) continue;
    int number = 0;
    const char* digits = name.data() + prefix.size();
    std::from_chars(digits, name.data() + name.size(), number);
    newest = std::max(newest, number);
  }
  auto name_of = [&](int number) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%05d", number);
    return prefix + digits + ".warc.gz";
  };
  int number = std::max(newest, 1);
  if (newest > 0 && fs::file_size(options_.dir / name_of(newest), error) >= options_.max_file_bytes) {
    number = newest + 1;
  }
  file_ = name_of(number);
  file_day_ = day;
  const fs::path path = options_.dir / file_;
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return std::unexpected(io_error(path.string() + ": cannot open"));
  struct stat status {};
  if (::fstat(fd_, &status) != 0) return std::unexpected(io_error(path.string()));
  size_ = static_cast<std::uint64_t>(status.st_size);
  RECORD_TRY(write_marker(marker_path(options_), file_ + " " + std::to_string(size_) + "\n"));
  if (std::find(files_written_.begin(), files_written_.end(), file_) == files_written_.end()) {
    files_written_.push_back(file_);
  }

  // WARC 1.1 §6.1: warcinfo describes the records that follow it.
  std::string fields;
  for (const auto& [name, value] : options_.info) fields += one_line(name) + ": " + one_line(value) + "\r\n";
  warcinfo_id_ = new_record_id();
  Sha256 block;
  block.add(fields);
  const std::string header = "WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: " + warcinfo_id_ +
                             "\r\nWARC-Date: " + warc_date(now) + "\r\nWARC-Filename: " + file_ +
                             "\r\nWARC-Block-Digest: " + block.label() +
                             "\r\nContent-Type: application/warc-fields\r\nContent-Length: " +
                             std::to_string(fields.size()) + "\r\n\r\n";
  RECORD_TRY(append(header, fields, {}));
  return {};
}

Result<RecordLocation> WarcWriter::append(const std::string& header, std::string_view first,
                                          std::string_view second, bool second_is_compressed) {
  const std::uint64_t offset = size_;
  const std::string_view trailer = "\r\n\r\n";
  if (!second_is_compressed) {
    // One gzip member of the whole record, made in memory at libdeflate's
    // fastest level.
    if (!whole_) {
      whole_ = decltype(whole_)(libdeflate_alloc_compressor(1), &libdeflate_free_compressor);
      if (!whole_) return make_error(ErrorCode::kInternal, "libdeflate cannot start a compressor");
    }
    record_.clear();
    record_.reserve(header.size() + first.size() + second.size() + trailer.size());
    record_.append(header).append(first).append(second).append(trailer);
    compressed_.resize(libdeflate_gzip_compress_bound(whole_.get(), record_.size()));
    const std::size_t made =
        libdeflate_gzip_compress(whole_.get(), record_.data(), record_.size(), compressed_.data(), compressed_.size());
    if (made == 0) return make_error(ErrorCode::kInternal, "libdeflate could not compress a record");
    RECORD_TRY(append_bytes(fd_, std::string_view(compressed_.data(), made), options_.dir / file_, offset, size_));
    // A record of a large page leaves no large buffers behind.
    if (record_.capacity() > kChunk * 16) {
      record_ = std::string();
      compressed_ = std::string();
    }
    size_ += made;
    return RecordLocation{file_, offset};
  }
  // The head at zlib's fastest level, as git uses for its loose objects.
  constexpr int kLevel = 1;
  if (!deflater_) {
    std::unique_ptr<z_stream_s, void (*)(z_stream_s*)> made(new z_stream_s{}, [](z_stream_s* stream) {
      deflateEnd(stream);
      delete stream;
    });
    if (deflateInit2(made.get(), kLevel, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return make_error(ErrorCode::kInternal, "zlib cannot start a gzip member");
    }
    deflater_ = std::move(made);
  } else if (deflateReset(deflater_.get()) != Z_OK ||
             deflateParams(deflater_.get(), kLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    return make_error(ErrorCode::kInternal, "zlib cannot start a gzip member");
  }
  z_stream& stream = *deflater_;
  std::string output(kChunk, '\0');
  std::uint64_t written = 0;
  // Writes what zlib put in `output`.
  auto drain = [&]() -> Result<void> {
    const std::size_t produced = output.size() - stream.avail_out;
    RECORD_TRY(append_bytes(fd_, std::string_view(output.data(), produced), options_.dir / file_, offset, size_));
    written += produced;
    stream.next_out = reinterpret_cast<Bytef*>(output.data());
    stream.avail_out = static_cast<uInt>(output.size());
    return {};
  };
  stream.next_out = reinterpret_cast<Bytef*>(output.data());
  stream.avail_out = static_cast<uInt>(output.size());
  // Switches the level between pieces: what was given at the old level is
  // flushed to a block boundary first, as deflateParams asks.
  int level = kLevel;
  auto set_level = [&](int wanted) -> Result<void> {
    if (wanted == level) return {};
    int status = Z_OK;
    do {
      status = deflate(&stream, Z_BLOCK);
      RECORD_TRY(drain());
    } while (status == Z_OK && stream.avail_out == 0);
    while ((status = deflateParams(&stream, wanted, Z_DEFAULT_STRATEGY)) == Z_BUF_ERROR) RECORD_TRY(drain());
    if (status != Z_OK) return make_error(ErrorCode::kInternal, "zlib cannot change its level");
    RECORD_TRY(drain());
    level = wanted;
    return {};
  };
  const std::string_view pieces[] = {header, first, second, trailer};
  for (std::size_t i = 0; i < std::size(pieces); ++i) {
    std::string_view piece = pieces[i];
    const bool last = i + 1 == std::size(pieces);
    // A payload that is compressed already (gzip-encoded, an image) is
    // kept in stored blocks: deflating it again costs time and saves nothing.
    RECORD_TRY(set_level(i == 2 && second_is_compressed ? 0 : kLevel));
    do {
      const std::size_t take = std::min<std::size_t>(piece.size(), kChunk);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
      stream.avail_in = static_cast<uInt>(take);
      piece.remove_prefix(take);
      const int flush = last && piece.empty() ? Z_FINISH : Z_NO_FLUSH;
      int status = Z_OK;
      do {
        status = deflate(&stream, flush);
        if (stream.avail_out == 0 || flush == Z_FINISH) RECORD_TRY(drain());
      } while (stream.avail_in != 0 || (flush == Z_FINISH && status != Z_STREAM_END));
    } while (!piece.empty());
  }
  size_ += written;
  return RecordLocation{file_, offset};
}

Result<RecordLocation> WarcWriter::write_exchange(const fetch::Exchange& exchange) {
  const auto now = exchange.date.time_since_epoch().count() != 0 ? exchange.date
                                                                   : std::chrono::system_clock::now();
  if (fd_ < 0 || file_day_ != day_digits(now) || size_ >= options_.max_file_bytes) {
    RECORD_TRY(start_file(now));
  }
  const std::string date = warc_date(now);
  const std::string target = one_line(exchange.url);
  std::string common = "\r\nWARC-Date: " + date + "\r\nWARC-Target-URI: " + target;
  if (!exchange.ip_address.empty()) common += "\r\nWARC-IP-Address: " + one_line(exchange.ip_address);
  common += "\r\nWARC-Warcinfo-ID: " + warcinfo_id_;

  std::optional<RecordLocation> response_location;
  std::string response_id;
  if (!exchange.response_head.empty()) {
    response_id = new_record_id();
    const bool not_modified = status_of(exchange.response_head) == 304;
    Sha256 block;
    block.add(exchange.response_head);
    block.add(exchange.payload);
    std::string header = "WARC/1.1\r\nWARC-Type: " + std::string(not_modified ? "revisit" : "response") +
                         "\r\nWARC-Record-ID: " + response_id + common;
    if (not_modified) {
      // WARC 1.1 §6.7.2: the server said the copy held is still current.
      header += "\r\nWARC-Profile: http://netpreserve.org/warc/1.1/revisit/server-not-modified";
    } else {
      // The payload as received: the entity body after the head (§5.9).
      Sha256 payload;
      payload.add(exchange.payload);
      header += "\r\nWARC-Payload-Digest: " + payload.label();
    }
    if (!exchange.truncated.empty()) header += "\r\nWARC-Truncated: " + exchange.truncated;
    header += "\r\nWARC-Block-Digest: " + block.label() +
              "\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: " +
              std::to_string(exchange.response_head.size() + exchange.payload.size()) + "\r\n\r\n";
    auto location = append(header, exchange.response_head, exchange.payload,
                           is_compressed(exchange.response_head, exchange.payload));
    RECORD_TRY(location);
    response_location = *location;
  }

  Sha256 block;
  block.add(exchange.request_head);
  std::string header = "WARC/1.1\r\nWARC-Type: request\r\nWARC-Record-ID: " + new_record_id() + common;
  if (!response_id.empty()) header += "\r\nWARC-Concurrent-To: " + response_id;
  header += "\r\nWARC-Block-Digest: " + block.label() +
            "\r\nContent-Type: application/http;msgtype=request\r\nContent-Length: " +
            std::to_string(exchange.request_head.size()) + "\r\n\r\n";
  auto request_location = append(header, exchange.request_head, {});
  RECORD_TRY(request_location);
  return response_location ? *response_location : *request_location;
}

Result<void> WarcWriter::sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0) {
    return std::unexpected(io_error((options_.dir / file_).string() + ": cannot flush"));
  }
  return {};
}

Result<void> WarcWriter::close() {
  if (fd_ < 0) return {};
  auto synced = sync();
  ::close(fd_);
  fd_ = -1;
  RECORD_TRY(synced);
  std::error_code error;
  fs::remove(marker_path(options_), error);
  return {};
}

Result<void> read_warc(const fs::path& file, const std::function<bool(const StoredRecord&)>& on_record) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, file.string() + ": cannot read");
  std::error_code error;
  const std::uint64_t size = fs::file_size(file, error);
  std::optional<Error> bad;
  bool stopped = false;
  const std::uint64_t end = scan_members(
      in, 0, 64 * 1024,
      [&](std::uint64_t offset, const std::string& head, std::uint64_t inflated) {
        const auto header_end = head.find("\r\n\r\n");
        if (!head.starts_with("WARC/1.1\r\n") || header_end == std::string::npos) {
          bad = Error(ErrorCode::kInvalidArgument,
                      file.string() + ": offset " + std::to_string(offset) + ": not a WARC 1.1 record");
          return false;
        }
        StoredRecord record;
        record.offset = offset;
        record.header = head.substr(0, header_end + 2);
        auto field = [&](std::string_view name) -> std::string {
          const std::string key = "\r\n" + std::string(name) + ": ";
          const auto at = record.header.find(key);
          if (at == std::string::npos) return "";
          const auto begin = at + key.size();
          return record.header.substr(begin, record.header.find("\r\n", begin) - begin);
        };
        record.type = field("WARC-Type");
        record.target_uri = field("WARC-Target-URI");
        record.block_bytes = inflated - (header_end + 4) - 4;
        return on_record(record);
      },
      stopped);
  if (bad) return std::unexpected(*bad);
  if (!stopped && end != size) {
    return make_error(ErrorCode::kInvalidArgument,
                      file.string() + ": offset " + std::to_string(end) + ": a record cut short");
  }
  return {};
}

}  // namespace newsvault::record
