// The site's interface language and time zone: the labels of its pages and
// how they show a time ([publish] language, time_zone).
#pragma once

#include <string>
#include <string_view>

#include "core/core.h"

namespace newsvault::publish {

// The words the site's pages are made of, in one language.
struct SiteLabels {
  std::string_view archive, days, changes, search;
  std::string_view footer;
  std::string_view delisted_since, removed_found_gone;
  std::string_view tag_changed, tag_removed, tag_delisted;
  std::string_view no_articles;
  std::string_view article_one, article_many, revision_one, revision_many;
  std::string_view original, published, archived, updated, source;
  std::string_view changed_at_source_count, what_changed;
  std::string_view diff_title, diff_address, diff_published, diff_none, diff_unchanged;
  std::string_view revision_changed_at_source, revision_processing_change;
  std::string_view revision, first_archived, seen;
  std::string_view changes_heading, changes_intro, no_changes;
  std::string_view feed;
  std::string_view feeds, no_feeds, latest_day, articles_by_day, changed_or_removed, latest;
  std::string_view days_note;
  std::string_view sentence_end;  // ". " or "。"
  std::string_view list_separator;  // ", " or "，"
};

// How the site speaks: its language (BCP 47 as [publish] language gives it)
// and the time zone its times are shown in.
class SiteLocale {
 public:
  SiteLocale(std::string_view language, std::string_view time_zone);

  const std::string& language() const { return language_; }
  const SiteLabels& labels() const { return *labels_; }
  // "N articles" / "N 篇文章".
  std::string count(std::size_t count, std::string_view one, std::string_view many) const;
  // A <time> element: the instant (ISO 8601, UTC) as its datetime, shown
  // to the minute in the time zone with its abbreviation.
  std::string time_element(Timestamp time) const;
  // A day ("2023-06-19", UTC) shown in the language's date form.
  std::string day_text(std::string_view day) const;

 private:
  std::string language_;
  std::string time_zone_;
  const SiteLabels* labels_;
};

}  // namespace newsvault::publish
