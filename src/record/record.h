// record: the archive's evidence. What newsvault received, kept as it came
// (WARC 1.1 files of every HTTP request and response), and what it wrote,
// listed by day with each file's SHA-256 and signed with an SSH key
// (manifests), so that anyone can check both without newsvault.
//
//   HttpClient ─► RecordingClient ─► Response (+ record: "FILE.warc.gz:OFFSET")
//                      │
//                      └─► WarcWriter ─► .newsvault/warc/newsvault-YYYYMMDD-NNNNN.warc.gz
//                            (one gzip member per record, rotated by size and day)
//   paths written today ─► update_manifest ─► manifests/YYYY-MM-DD.sha256 (+ .sig: ssh-keygen -Y sign)
//   verify_manifests ─► every listed file hashed again, every signature checked
//
// A WarcWriter, and the RecordingClient over it, is used from one thread at
// a time. Nothing here throws across this header.
#ifndef NEWSVAULT_RECORD_RECORD_H_
#define NEWSVAULT_RECORD_RECORD_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/core.h"
#include "fetch/fetch.h"

struct z_stream_s;  // zlib's
struct libdeflate_compressor;

namespace newsvault::record {

// Where the archive keeps its WARC files, relative to its root: inside the
// store's folder, which the git history leaves out.
inline constexpr std::string_view kWarcDirectory = ".newsvault/warc";

inline constexpr std::string_view kDefaultWarcPrefix = "newsvault";

struct WarcOptions {
  std::filesystem::path dir;  // made when missing
  // Files are named PREFIX-YYYYMMDD-NNNNN.warc.gz. Writers that share a
  // folder (or whose files meet in one later) each need a prefix of their
  // own: a worker's names its worker ("newsvault-worker-ID"). Letters,
  // digits, '.', '_' and '-' only.
  std::string file_prefix = std::string(kDefaultWarcPrefix);
  // A file that reached this size is closed and the next record starts a
  // new one (IIPC's usual 1 GB); so is one from an earlier day (UTC).
  std::uintmax_t max_file_bytes = 1ull << 30;
  // The warcinfo record each file segment a writer opens starts with, as
  // WARC named fields ("software", "format", settings); no secrets.
  std::vector<std::pair<std::string, std::string>> info;
};

// Where one record was written: the file's name (in WarcOptions::dir) and
// the offset of its gzip member. As text "NAME:OFFSET".
struct RecordLocation {
  std::string file;
  std::uint64_t offset = 0;
  std::string text() const { return file + ":" + std::to_string(offset); }
};

// Appends WARC 1.1 records (each its own gzip member: a reader can seek to
// any one) to the newest file of the day, or a new one. Memory does not
// grow with the file: each record is digested and compressed as it goes.
//
// Crash safety: while a writer appends, the file and its length before the
// first append are named in a marker in `dir`. A writer that finds a
// marker (the last one was killed) reads the records after that length and
// cuts the file after the last whole one, so a torn record never stays.
class WarcWriter {
 public:
  // Touches nothing on disk until the first record: then makes
  // `options.dir` and mends a file a killed writer left, so a writer made
  // before a run's lock is held does no harm.
  explicit WarcWriter(WarcOptions options) : options_(std::move(options)) {}
  ~WarcWriter();  // close(), its error dropped
  WarcWriter(const WarcWriter&) = delete;
  WarcWriter& operator=(const WarcWriter&) = delete;

  // Appends `exchange`: its response (a `response` record, or a `revisit`
  // one for a 304; none when no response came) and its request (`request`,
  // WARC-Concurrent-To the response). Returns where the response went (the
  // request's when there was none). Fails with kIo naming the folder or
  // file that cannot be made, read, mended or written.
  Result<RecordLocation> write_exchange(const fetch::Exchange& exchange);

  // Flushes to disk what was appended (fdatasync). Fails with kIo.
  Result<void> sync();

  // Syncs, then ends the file segment (the marker removed).
  Result<void> close();

  // The files this writer appended to, by name, each once.
  const std::vector<std::string>& files_written() const { return files_written_; }

 private:
  Result<void> start_file(std::chrono::system_clock::time_point now);
  Result<RecordLocation> append(const std::string& header, std::string_view first,
                                std::string_view second, bool second_is_compressed = false);

  WarcOptions options_;
  bool ready_ = false;  // the folder made and mended
  int fd_ = -1;
  std::string file_;          // name of the open file
  std::string file_day_;      // YYYYMMDD of the open file
  std::uint64_t size_ = 0;    // of the open file
  std::string warcinfo_id_;   // of the open segment's warcinfo record
  std::vector<std::string> files_written_;
  // One deflate state for every record (reset per gzip member): making a
  // new one per record costs more than compressing a small record.
  std::unique_ptr<z_stream_s, void (*)(z_stream_s*)> deflater_{nullptr, nullptr};
  // Records of text (most of them) are compressed whole by libdeflate,
  // about 1.7 times as fast as zlib at its fastest level and smaller;
  // zlib's stream keeps an already compressed payload in stored blocks.
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> whole_{nullptr, nullptr};
  std::string record_;      // the record being compressed whole, reused
  std::string compressed_;  // what libdeflate made of it, reused
};

// An HttpClient that answers as `inner` does and records every exchange of
// every http(s) response in `writer` (fetch::ClientOptions::record_exchanges
// must be set on `inner`). Response::record is where the last response went.
// A record that cannot be written never fails the request: its error is
// kept in errors() (each once) and the response goes on unrecorded. After
// each fetch_all the writer is synced, so a record is on disk before any
// revision that points at it is saved.
class RecordingClient final : public fetch::HttpClient {
 public:
  RecordingClient(fetch::HttpClient& inner, WarcWriter& writer) : inner_(inner), writer_(writer) {}
  void fetch_all(const std::vector<fetch::Request>& requests,
                 const std::function<void(std::size_t, fetch::Response)>& on_done) override;
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  void keep_error(const std::string& error);
  fetch::HttpClient& inner_;
  WarcWriter& writer_;
  std::vector<std::string> errors_;
};

// One record read back: its WARC named fields and where it is.
struct StoredRecord {
  std::uint64_t offset = 0;
  std::string type;        // WARC-Type
  std::string target_uri;  // WARC-Target-URI
  std::string header;      // the WARC header, as written
  std::uint64_t block_bytes = 0;
};

// Reads the records of a .warc.gz file one gzip member at a time, calling
// `on_record` for each; stops early when it returns false. Fails with
// kInvalidArgument naming the file and offset of a member that is not a
// whole WARC record, kIo when it cannot be read.
Result<void> read_warc(const std::filesystem::path& file,
                       const std::function<bool(const StoredRecord&)>& on_record);

// ---- Manifests ----

inline constexpr std::string_view kManifestDirectory = "manifests";
// The namespace every signature is made in (ssh-keygen -Y sign -n).
inline constexpr std::string_view kSignatureNamespace = "newsvault";

struct SignOptions {
  std::filesystem::path ssh_key;  // an OpenSSH private key (ed25519); empty: not signed
  std::chrono::seconds timeout{30};  // ssh-keygen is killed after this
};

// What update_manifest wrote, relative to the root.
struct ManifestSummary {
  std::string manifest;   // manifests/YYYY-MM-DD.sha256
  std::string signature;  // manifests/YYYY-MM-DD.sha256.sig; "" when not signed
  std::size_t files = 0;  // listed in it
};

// Lists `paths` (relative to `root`) with their SHA-256 in
// manifests/`day`.sha256 (day "YYYY-MM-DD"), in sha256sum's format, sorted
// by path; what the manifest listed already stays, a path listed again
// with its hash now. Paths that are missing are left out. Then signs it
// with `sign` (manifests/DAY.sha256.sig, and manifests/allowed_signers
// naming the key), each written atomically. Fails with kIo naming the
// file, or kInternal with ssh-keygen's words when it cannot sign.
Result<ManifestSummary> update_manifest(const std::filesystem::path& root, const std::string& day,
                                        const std::set<std::string>& paths, const SignOptions& sign);

// A file a manifest lists that no longer has the hash it lists, or a
// manifest whose signature does not verify.
struct VerifyProblem {
  std::string path;  // relative to the root
  std::string what;  // "changed since manifests/2026-12-04.sha256", "missing", "bad signature: ..."
};

struct VerifyReport {
  std::size_t manifests = 0;
  std::size_t files = 0;       // checked, over every manifest
  std::size_t signatures = 0;  // checked and good
  std::vector<VerifyProblem> problems;
};

// Checks every manifests/*.sha256 of `root`: each file it lists hashed
// again (the WARC files under .newsvault too, unless `include_warc` is
// false: a copy of the history has none), and each signature with
// `ssh-keygen -Y verify` against `allowed_signers` (empty:
// manifests/allowed_signers). Fails only when the manifests cannot be read.
Result<VerifyReport> verify_manifests(const std::filesystem::path& root,
                                      const std::filesystem::path& allowed_signers, bool include_warc,
                                      std::chrono::seconds timeout = std::chrono::seconds(30));

// "YYYY-MM-DD" of `time`, UTC.
std::string day_of(Timestamp time);

}  // namespace newsvault::record

#endif  // NEWSVAULT_RECORD_RECORD_H_
