#include "pipeline/converted_copies.h"

namespace newsvault::pipeline {

Result<void> ConvertedCopies::write(const std::string& feed_name, const extract::Article& article,
                                    Timestamp archived_at, const std::string& path,
                                    std::map<std::string, std::size_t>& written, std::vector<std::string>& errors) {
  const auto settings = archive_.config().feeds.find(feed_name);
  if (settings == archive_.config().feeds.end()) return {};
  for (publish::ChineseConversion conversion : settings->second.convert) {
    auto converter = converters_.find(conversion);
    if (converter == converters_.end()) {
      converter = converters_.emplace(conversion, publish::ChineseConverter::open(conversion)).first;
    }
    Result<extract::Article> converted = converter->second ? publish::convert_article(article, *converter->second)
                                                           : std::unexpected(converter->second.error());
    if (!converted) {
      errors.push_back(feed_name + ": " + path + ": " + converted.error().message());
      continue;
    }
    const std::string copy = publish::converted_document_path(path, conversion);
    const std::string content = publish::render_document(*converted, archived_at, archive_.config().publish);
    if (auto saved = publish::write_file_atomically(archive_.root(), copy, content, publish::Durability::kBatched);
        !saved) {
      return saved;
    }
    written[copy] = std::hash<std::string_view>{}(content);
  }
  return {};
}

}  // namespace newsvault::pipeline
