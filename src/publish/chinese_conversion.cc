// Traditional and Simplified Chinese copies of articles, with OpenCC.
//
//   Article ─► title, lead caption ──────────────► OpenCC ─► converted Article
//          └─► body ─► core/html parse ─► text nodes ─► OpenCC ─► serialize
#include <opencc.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "core/html.h"
#include "publish/publish.h"

namespace newsvault::publish {
namespace {

struct ConversionInfo {
  ChineseConversion conversion;
  std::string_view name;      // OpenCC's configuration is NAME.json
  std::string_view language;  // BCP 47 (RFC 5646): script, then region
};

constexpr std::array<ConversionInfo, 6> kConversions = {{
    {ChineseConversion::kS2T, "s2t", "zh-Hant"},
    {ChineseConversion::kT2S, "t2s", "zh-Hans"},
    {ChineseConversion::kS2TW, "s2tw", "zh-Hant-TW"},
    {ChineseConversion::kS2HK, "s2hk", "zh-Hant-HK"},
    {ChineseConversion::kS2TWP, "s2twp", "zh-Hant-TW"},
    {ChineseConversion::kTW2SP, "tw2sp", "zh-Hans"},
}};

const ConversionInfo& info(ChineseConversion conversion) {
  for (const ConversionInfo& known : kConversions) {
    if (known.conversion == conversion) return known;
  }
  return kConversions.front();  // unreachable: every enumerator is listed
}

std::string opencc_reason() {
  const char* reason = opencc_error();
  return reason != nullptr && *reason != '\0' ? reason : "unknown error";
}

Result<void> convert_text_nodes(std::vector<html::Node>& nodes, const ChineseConverter& converter) {
  for (html::Node& node : nodes) {
    if (node.is_text()) {
      auto converted = converter.convert(node.text);
      if (!converted) return std::unexpected(converted.error());
      node.text = std::move(*converted);
    } else if (auto done = convert_text_nodes(node.children, converter); !done) {
      return done;
    }
  }
  return {};
}

}  // namespace

std::optional<ChineseConversion> chinese_conversion_named(std::string_view name) {
  for (const ConversionInfo& known : kConversions) {
    if (known.name == name) return known.conversion;
  }
  return std::nullopt;
}

std::string_view chinese_conversion_name(ChineseConversion conversion) { return info(conversion).name; }

std::string_view chinese_conversion_language(ChineseConversion conversion) {
  return info(conversion).language;
}

// The one owner of an opencc_t.
struct ChineseConverter::Handle {
  explicit Handle(opencc_t opened) : opencc(opened) {}
  ~Handle() { opencc_close(opencc); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  opencc_t opencc;
};

ChineseConverter::ChineseConverter(ChineseConversion conversion, std::unique_ptr<Handle> handle)
    : conversion_(conversion), handle_(std::move(handle)) {}
ChineseConverter::ChineseConverter(ChineseConverter&& other) noexcept = default;
ChineseConverter& ChineseConverter::operator=(ChineseConverter&& other) noexcept = default;
ChineseConverter::~ChineseConverter() = default;

Result<ChineseConverter> ChineseConverter::open(ChineseConversion conversion) {
  const std::string config = std::string(info(conversion).name) + ".json";
  opencc_t opened = opencc_open(config.c_str());
  // opencc.h: "On error the return value will be (opencc_t) -1."
  if (opened == reinterpret_cast<opencc_t>(-1) || opened == nullptr) {
    return make_error(ErrorCode::kNotFound, "OpenCC " + config + ": " + opencc_reason());
  }
  return ChineseConverter(conversion, std::make_unique<Handle>(opened));
}

Result<std::string> ChineseConverter::convert(std::string_view text) const {
  // OpenCC reads C strings: a NUL byte would end the text early, so the
  // pieces between NULs are converted one by one.
  std::string out;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\0', start), text.size());
    if (start > 0) out += '\0';
    const std::string_view piece = text.substr(start, end - start);
    if (!piece.empty()) {
      char* converted = opencc_convert_utf8(handle_->opencc, piece.data(), piece.size());
      if (converted == nullptr) {
        return make_error(ErrorCode::kInternal,
                          "OpenCC " + std::string(info(conversion_).name) + ": " + opencc_reason());
      }
      out += converted;
      opencc_convert_utf8_free(converted);
    }
    start = end + 1;
  }
  return out;
}

Result<extract::Article> convert_article(const extract::Article& article,
                                         const ChineseConverter& converter) {
  extract::Article converted = article;
  auto title = converter.convert(article.title);
  if (!title) return std::unexpected(title.error());
  converted.title = std::move(*title);
  if (converted.lead_image) {
    auto caption = converter.convert(converted.lead_image->caption);
    if (!caption) return std::unexpected(caption.error());
    converted.lead_image->caption = std::move(*caption);
  }
  std::vector<html::Node> body = html::parse_fragment(article.body_html);
  if (auto done = convert_text_nodes(body, converter); !done) return std::unexpected(done.error());
  converted.body_html = html::serialize(body);
  return converted;
}

std::string converted_document_path(std::string_view document_path, ChineseConversion conversion) {
  const std::size_t slash = document_path.find('/');
  const std::string language(chinese_conversion_language(conversion));
  if (slash == std::string_view::npos) return language + "/" + std::string(document_path);
  return std::string(document_path.substr(0, slash + 1)) + language + "/" +
         std::string(document_path.substr(slash + 1));
}

}  // namespace newsvault::publish
