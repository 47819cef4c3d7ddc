// The site's labels in English, Simplified and Traditional Chinese, and its
// times in a time zone of the TZ database (through localtime_r: libstdc++
// 12 has no std::chrono::locate_zone).
#include "publish/site_locale.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "publish/publish.h"

namespace newsvault::publish {
namespace {

constexpr SiteLabels kEnglish = {
    "Archive", "Days", "Changes", "Search",
    "Archived with newsvault. Images load through an image proxy; each article links to its source.",
    "No longer listed by its feed since ", "Removed at the source: found gone ",
    "changed", "removed", "delisted",
    "No articles yet.",
    "article", "articles", "revision", "revisions",
    "Original", "published ", "archived ", ", updated ", "source",
    "Changed at the source: ", "What changed",
    "Title:", "Address:", "Published:", "none", "The text is the same; only markup, links or images changed.",
    " · changed at the source", " · a processing change by newsvault",
    "Revision ", "first archived ", "seen ",
    "Changed or removed at the source",
    "Articles the source edited after they were archived, each revision with what changed (removed words "
    "<del>struck through</del>, added ones <ins>marked</ins>), and articles their feed stopped listing while "
    "it still lists older ones. Newest first.",
    "No article has changed yet.",
    " · feed: ",
    "Feeds", "No feeds yet.", ", latest ", "Articles by day", "Changed or removed at the source", "Latest",
    "By publication date (UTC), else the day the article was archived.",
    ". ", ", ",
};

constexpr SiteLabels kSimplified = {
    "存档", "日期", "变更", "搜索",
    "由 newsvault 存档。图片经图片代理加载；每篇文章均链接至其来源。",
    "订阅源自此不再列出：", "已在来源删除：发现消失于 ",
    "已变更", "已删除", "已下架",
    "尚无文章。",
    "篇文章", "篇文章", "个版本", "个版本",
    "原文", "发布于 ", "存档于 ", "，更新于 ", "来源",
    "来源已变更：", "变更内容",
    "标题：", "地址：", "发布时间：", "无", "文字相同；仅标记、链接或图片有变。",
    " · 来源变更", " · newsvault 的处理变更",
    "版本 ", "首次存档于 ", "见于 ",
    "来源已变更或删除",
    "存档后被来源编辑的文章，每个版本附变更内容（删除的文字<del>划线</del>，新增的<ins>标出</ins>），"
    "以及订阅源不再列出、但仍列出更早文章的文章。最新的在前。",
    "尚无文章变更。",
    " · 订阅源：",
    "订阅源", "尚无订阅源。", "，最新 ", "按日期浏览", "来源已变更或删除", "最新",
    "按发布日期（UTC），否则按存档日期。",
    "。", "，",
};

constexpr SiteLabels kTraditional = {
    "存檔", "日期", "變更", "搜尋",
    "由 newsvault 存檔。圖片經圖片代理載入；每篇文章均連結至其來源。",
    "訂閱源自此不再列出：", "已在來源刪除：發現消失於 ",
    "已變更", "已刪除", "已下架",
    "尚無文章。",
    "篇文章", "篇文章", "個版本", "個版本",
    "原文", "發布於 ", "存檔於 ", "，更新於 ", "來源",
    "來源已變更：", "變更內容",
    "標題：", "網址：", "發布時間：", "無", "文字相同；僅標記、連結或圖片有變。",
    " · 來源變更", " · newsvault 的處理變更",
    "版本 ", "首次存檔於 ", "見於 ",
    "來源已變更或刪除",
    "存檔後被來源編輯的文章，每個版本附變更內容（刪除的文字<del>劃線</del>，新增的<ins>標出</ins>），"
    "以及訂閱源不再列出、但仍列出更早文章的文章。最新的在前。",
    "尚無文章變更。",
    " · 訂閱源：",
    "訂閱源", "尚無訂閱源。", "，最新 ", "按日期瀏覽", "來源已變更或刪除", "最新",
    "按發布日期（UTC），否則按存檔日期。",
    "。", "，",
};

constexpr std::string_view kZoneInfo = "/usr/share/zoneinfo";

const SiteLabels& labels_for(std::string_view language) {
  if (language == "zh-Hans") return kSimplified;
  if (language == "zh-Hant") return kTraditional;
  return kEnglish;
}

bool is_english(std::string_view language) { return language != "zh-Hans" && language != "zh-Hant"; }

// The broken-down time in `zone`: TZ is process-wide, so it is set, read
// and put back under one lock.
std::tm local_time(Timestamp time, const std::string& zone, std::string& abbreviation) {
  static std::mutex mutex;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(time));
  std::tm out{};
  std::lock_guard lock(mutex);
  const char* previous = std::getenv("TZ");
  const std::optional<std::string> saved = previous ? std::optional<std::string>(previous) : std::nullopt;
  ::setenv("TZ", (":" + zone).c_str(), 1);
  ::tzset();
  ::localtime_r(&seconds, &out);
  abbreviation = out.tm_zone ? out.tm_zone : "";
  if (saved) ::setenv("TZ", saved->c_str(), 1);
  else ::unsetenv("TZ");
  ::tzset();
  return out;
}

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

}  // namespace

std::span<const std::string_view> site_languages() {
  static constexpr std::string_view kLanguages[] = {"en", "zh-Hans", "zh-Hant"};
  return kLanguages;
}

Result<void> check_site_time_zone(std::string_view time_zone) {
  const std::filesystem::path path(time_zone);
  bool plain = !time_zone.empty() && !path.is_absolute();
  for (const auto& part : path) {
    if (part.string().empty() || part.string().starts_with('.')) plain = false;
  }
  std::error_code error;
  if (!plain || !std::filesystem::is_regular_file(std::filesystem::path(kZoneInfo) / path, error)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "\"" + std::string(time_zone) + "\" is not a time zone of the TZ database (" +
                          std::string(kZoneInfo) + "), e.g. \"UTC\" or \"Asia/Taipei\"");
  }
  return {};
}

SiteLocale::SiteLocale(std::string_view language, std::string_view time_zone)
    : language_(language), time_zone_(time_zone), labels_(&labels_for(language)) {}

std::string SiteLocale::count(std::size_t count, std::string_view one, std::string_view many) const {
  if (!is_english(language_)) return std::to_string(count) + " " + std::string(many);
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

std::string SiteLocale::time_element(Timestamp time) const {
  const std::string iso = format_iso8601_seconds(time);
  std::string shown;
  if (time_zone_.empty() || time_zone_ == "UTC") {
    // "2023-06-19T01:41:50Z" shown as "2023-06-19 01:41 UTC".
    shown = day_text(iso.substr(0, 10)) + " " + iso.substr(11, 5) + " UTC";
  } else {
    std::string abbreviation;
    const std::tm local = local_time(time, time_zone_, abbreviation);
    const std::string day = std::to_string(local.tm_year + 1900) + "-" + two_digits(local.tm_mon + 1) + "-" +
                            two_digits(local.tm_mday);
    shown = day_text(day) + " " + two_digits(local.tm_hour) + ":" + two_digits(local.tm_min) + " " + abbreviation;
  }
  return "<time datetime=\"" + iso + "\">" + shown + "</time>";
}

std::string SiteLocale::day_text(std::string_view day) const {
  if (is_english(language_) || day.size() != 10) return std::string(day);
  // "2023-06-19" as "2023年6月19日".
  auto number = [&](std::size_t at, std::size_t size) { return std::to_string(std::stoi(std::string(day.substr(at, size)))); };
  return std::string(day.substr(0, 4)) + "年" + number(5, 2) + "月" + number(8, 2) + "日";
}

}  // namespace newsvault::publish
