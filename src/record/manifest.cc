// Daily manifests in sha256sum's format, signed with ssh-keygen's SSHSIG
// (OpenSSH PROTOCOL.sshsig), so that `sha256sum -c` and `ssh-keygen -Y
// verify` check them with no newsvault installed.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "record/files.h"
#include "record/record.h"

namespace newsvault::record {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kAllowedSignersName = "allowed_signers";
// The identity allowed_signers names the key by (ssh-keygen -Y verify -I).
constexpr std::string_view kSignerIdentity = "newsvault";

// sha256sum's lines ("HASH  PATH"), by path. Lines that are not one are
// skipped: a manifest is ours, and verify reads what it can.
std::map<std::string, std::string> read_manifest(const fs::path& file) {
  std::map<std::string, std::string> listed;
  std::ifstream in(file, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*')) continue;
    listed[line.substr(66)] = line.substr(0, 64);
  }
  return listed;
}

// A path sha256sum reads back as written: no line breaks or backslashes
// (it would escape them), relative, never leaving the root.
bool listable(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find_first_of("\n\r\\") != std::string::npos) return false;
  return path != ".." && !path.starts_with("../") && path.find("/../") == std::string::npos;
}

// "ssh-ed25519 AAAA... comment" of the key: its .pub beside it, else what
// ssh-keygen derives from the private key.
Result<std::string> public_key_of(const SignOptions& sign) {
  fs::path pub = sign.ssh_key;
  pub += ".pub";
  std::ifstream in(pub);
  std::string line;
  if (in && std::getline(in, line) && !line.empty()) return line;
  auto derived = run_program({"ssh-keygen", "-y", "-f", sign.ssh_key.string()}, {}, sign.timeout);
  RECORD_TRY(derived);
  if (derived->exit_status != 0) {
    return make_error(ErrorCode::kInternal, "ssh-keygen -y -f " + sign.ssh_key.string() + ": " + derived->output);
  }
  std::string key = derived->output;
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  return key;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::string day_of(Timestamp time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

Result<ManifestSummary> update_manifest(const fs::path& root, const std::string& day,
                                        const std::set<std::string>& paths, const SignOptions& sign) {
  const fs::path dir = root / kManifestDirectory;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return make_error(ErrorCode::kIo, dir.string() + ": cannot make the folder: " + error.message());
  ManifestSummary summary;
  summary.manifest = std::string(kManifestDirectory) + "/" + day + ".sha256";
  const fs::path manifest = root / summary.manifest;
  std::map<std::string, std::string> listed = read_manifest(manifest);
  for (const std::string& path : paths) {
    if (!listable(path) || !fs::is_regular_file(root / path, error)) continue;
    auto hash = file_sha256(root / path);
    RECORD_TRY(hash);
    listed[path] = *hash;
  }
  std::string text;
  for (const auto& [path, hash] : listed) text += hash + "  " + path + "\n";
  summary.files = listed.size();
  if (sign.ssh_key.empty()) {
    RECORD_TRY(write_atomically(manifest, text));
    return summary;
  }

  // Signed beside under a temporary name, then both renamed: the
  // signature never stands beside a manifest it was not made for for
  // longer than between two renames, and the next run mends even that.
  const fs::path pending = dir / ("." + day + ".sha256.new");
  fs::path pending_signature = pending;
  pending_signature += ".sig";
  fs::remove(pending_signature, error);
  RECORD_TRY(write_atomically(pending, text));
  auto signed_it = run_program({"ssh-keygen", "-q", "-Y", "sign", "-f", sign.ssh_key.string(), "-n",
                                std::string(kSignatureNamespace), pending.string()},
                               {}, sign.timeout);
  if (!signed_it || signed_it->exit_status != 0 || !fs::exists(pending_signature, error)) {
    const std::string why = signed_it ? trimmed(signed_it->output) : signed_it.error().message();
    fs::remove(pending, error);
    fs::remove(pending_signature, error);
    return make_error(ErrorCode::kInternal, "signing " + summary.manifest + " with " + sign.ssh_key.string() +
                                                ": " + why);
  }
  auto public_key = public_key_of(sign);
  RECORD_TRY(public_key);
  const std::string signers = std::string(kSignerIdentity) + " namespaces=\"" +
                              std::string(kSignatureNamespace) + "\" " + *public_key + "\n";
  const fs::path allowed = dir / kAllowedSignersName;
  std::ifstream current(allowed, std::ios::binary);
  std::stringstream current_text;
  current_text << current.rdbuf();
  if (current_text.str() != signers) RECORD_TRY(write_atomically(allowed, signers));
  summary.signature = summary.manifest + ".sig";
  fs::rename(pending_signature, root / summary.signature, error);
  if (!error) fs::rename(pending, manifest, error);
  if (error) return make_error(ErrorCode::kIo, manifest.string() + ": cannot write: " + error.message());
  return summary;
}

Result<VerifyReport> verify_manifests(const fs::path& root, const fs::path& allowed_signers,
                                      bool include_warc, std::chrono::seconds timeout) {
  VerifyReport report;
  const fs::path dir = root / kManifestDirectory;
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return make_error(ErrorCode::kNotFound, dir.string() + ": no manifests (set [publish.sign] ssh_key)");
  }
  std::vector<fs::path> manifests;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(".") && name.ends_with(".sha256")) manifests.push_back(entry.path());
  }
  if (error) return make_error(ErrorCode::kIo, dir.string() + ": cannot read: " + error.message());
  std::sort(manifests.begin(), manifests.end());
  const fs::path signers = allowed_signers.empty() ? dir / kAllowedSignersName : allowed_signers;
  for (const fs::path& manifest : manifests) {
    ++report.manifests;
    const std::string name = std::string(kManifestDirectory) + "/" + manifest.filename().string();
    for (const auto& [path, hash] : read_manifest(manifest)) {
      if (!include_warc && path.starts_with(".newsvault/")) continue;
      ++report.files;
      if (!listable(path) || !fs::exists(root / path, error)) {
        report.problems.push_back({path, "missing (listed in " + name + ")"});
        continue;
      }
      auto now = file_sha256(root / path);
      if (!now) {
        report.problems.push_back({path, now.error().message()});
      } else if (*now != hash) {
        report.problems.push_back({path, "changed since " + name + " listed it"});
      }
    }
    fs::path signature = manifest;
    signature += ".sig";
    if (!fs::exists(signature, error)) {
      if (fs::exists(signers, error)) report.problems.push_back({name, "not signed (no " + name + ".sig)"});
      continue;
    }
    auto verified = run_program({"ssh-keygen", "-Y", "verify", "-f", signers.string(), "-I",
                                 std::string(kSignerIdentity), "-n", std::string(kSignatureNamespace), "-s",
                                 signature.string()},
                                manifest, timeout);
    if (!verified) {
      report.problems.push_back({name, "signature not checked: " + verified.error().message()});
    } else if (verified->exit_status != 0) {
      report.problems.push_back({name, "bad signature: " + trimmed(verified->output)});
    } else {
      ++report.signatures;
    }
  }
  return report;
}

}  // namespace newsvault::record
