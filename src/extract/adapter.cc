// Site adapters: the declarative mapping (parse_adapter) and the article it
// reads from a site's API document (read_adapter_article).
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/core.h"
#include "extract/body_html.h"
#include "extract/builtin_adapters.h"
#include "extract/extract.h"

namespace newsvault::extract {
namespace {

using nlohmann::json;

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

// The value at a dotted path ("mainContentImageLink.targetId"), or nullptr
// when a step is missing or not an object.
const json* find_path(const json& root, std::string_view path) {
  const json* current = &root;
  while (true) {
    const auto dot = path.find('.');
    const std::string_view step = path.substr(0, dot);
    if (!current->is_object()) return nullptr;
    const auto found = current->find(step);
    if (found == current->end()) return nullptr;
    current = &*found;
    if (dot == std::string_view::npos) return current;
    path.remove_prefix(dot + 1);
  }
}

// A string or an integral number as text ("65952775" either way); nullopt
// for anything else, and for an empty string.
std::optional<std::string> scalar_text(const json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) {
    std::string text(trim_ascii(value->get_ref<const std::string&>()));
    if (text.empty()) return std::nullopt;
    return text;
  }
  if (value->is_number_unsigned()) return std::to_string(value->get<std::uint64_t>());
  if (value->is_number_integer()) return std::to_string(value->get<std::int64_t>());
  if (value->is_number_float()) {
    const double number = value->get<double>();
    if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 9e15) {
      return std::to_string(static_cast<std::int64_t>(number));
    }
  }
  return std::nullopt;
}

// RFC 3986 §2.3: only unreserved characters go into a template unencoded,
// so an id can never add a path segment or a query.
std::string encode_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' || byte == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string replace_all(std::string text, std::string_view placeholder, std::string_view value) {
  for (auto at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
  return text;
}

std::string image_url(const Adapter& adapter, std::string_view image_id) {
  std::string url = replace_all(adapter.image_url_template, "{id}", encode_component(image_id));
  return replace_all(std::move(url), "{format}", encode_component(adapter.image_format));
}

Result<json> parse_json(std::string_view text, std::string_view source_name) {
  try {
    return json::parse(text);
  } catch (const json::exception& error) {
    // A syntax error (parse_error), or a number beyond a double's range
    // (out_of_range 406, "number overflow parsing '1E400'"). nlohmann's
    // message opens with its own exception id; the byte offset and the
    // cause are what a person needs.
    std::string cause = error.what();
    if (const auto close = cause.find("] "); close != std::string::npos) cause.erase(0, close + 2);
    return make_error(ErrorCode::kParse, std::string(source_name) + ": not JSON: " + cause);
  }
}

// Reads the mapping's keys, each a required non-empty string, naming the
// first that is missing or mistyped.
class MappingReader {
 public:
  MappingReader(const json& root, std::string_view source_name)
      : root_(root), source_name_(source_name) {}

  void read(std::string_view path, std::string& out) {
    if (error_) return;
    const json* value = find_path(root_, path);
    if (value == nullptr) {
      error_ = std::string(source_name_) + ": missing " + in_quotes(path);
    } else if (value->is_number_integer() && path == "image_url.format") {
      out = std::to_string(value->get<std::int64_t>());  // "format": 303 means "303"
    } else if (!value->is_string()) {
      error_ = std::string(source_name_) + ": " + in_quotes(path) + " is not a string";
    } else if (value->get_ref<const std::string&>().empty()) {
      error_ = std::string(source_name_) + ": " + in_quotes(path) + " is empty";
    } else {
      out = value->get<std::string>();
    }
  }

  void require_placeholder(std::string_view path, const std::string& value,
                           std::string_view placeholder) {
    if (error_ || value.find(placeholder) != std::string::npos) return;
    error_ =
        std::string(source_name_) + ": " + in_quotes(path) + " has no " + std::string(placeholder);
  }

  const std::optional<std::string>& error() const { return error_; }

 private:
  const json& root_;
  std::string_view source_name_;
  std::optional<std::string> error_;
};

// The captions of the inline images: content link id -> caption.
std::map<std::string, std::string, std::less<>> image_captions(const Adapter& adapter,
                                                               const json& article) {
  std::map<std::string, std::string, std::less<>> captions;
  const json* links = find_path(article, adapter.content_links_field);
  if (links == nullptr || !links->is_array()) return captions;
  for (const json& link : *links) {
    const auto id = scalar_text(find_path(link, adapter.link_id_field));
    const json* caption = find_path(link, adapter.link_caption_field);
    if (!id || caption == nullptr || !caption->is_string()) continue;
    captions.emplace(*id, std::string(trim_ascii(caption->get_ref<const std::string&>())));
  }
  return captions;
}

Result<std::string> required_string(const json& article, std::string_view path,
                                    std::string_view what, std::string_view source_name) {
  const json* value = find_path(article, path);
  if (value == nullptr || value->is_null()) {
    return make_error(ErrorCode::kParse, std::string(source_name) + ": no " + std::string(what) +
                                             " (" + in_quotes(path) + ")");
  }
  if (!value->is_string()) {
    return make_error(ErrorCode::kParse,
                      std::string(source_name) + ": " + in_quotes(path) + " is not a string");
  }
  return value->get<std::string>();
}

}  // namespace

Result<Adapter> parse_adapter(std::string_view json_text, std::string_view source_name) {
  auto root = parse_json(json_text, source_name);
  if (!root) return std::unexpected(root.error());
  if (!root->is_object()) {
    return make_error(ErrorCode::kParse, std::string(source_name) + ": not a JSON object");
  }
  Adapter adapter;
  MappingReader reader(*root, source_name);
  reader.read("name", adapter.name);
  reader.read("entry_id.namespace", adapter.id_namespace);
  reader.read("entry_id.element", adapter.id_element);
  reader.read("article_api", adapter.article_api_template);
  reader.read("fields.id", adapter.id_field);
  reader.read("fields.title", adapter.title_field);
  reader.read("fields.published", adapter.published_field);
  reader.read("fields.url", adapter.url_field);
  reader.read("fields.body", adapter.body_field);
  reader.read("lead_image.id", adapter.lead_image_id_field);
  reader.read("lead_image.caption", adapter.lead_image_caption_field);
  reader.read("inline_images.attribute", adapter.inline_image_attribute);
  reader.read("inline_images.links", adapter.content_links_field);
  reader.read("inline_images.link_id", adapter.link_id_field);
  reader.read("inline_images.caption", adapter.link_caption_field);
  reader.read("image_url.template", adapter.image_url_template);
  reader.read("image_url.format", adapter.image_format);
  reader.require_placeholder("article_api", adapter.article_api_template, "{id}");
  reader.require_placeholder("image_url.template", adapter.image_url_template, "{id}");
  if (reader.error()) return make_error(ErrorCode::kParse, *reader.error());
  return adapter;
}

Result<Adapter> builtin_adapter(std::string_view name) {
  const auto mapping = builtin_adapter_mapping(name);
  if (!mapping) {
    return make_error(ErrorCode::kNotFound, "no built-in adapter named " + in_quotes(name));
  }
  return parse_adapter(*mapping, "builtin adapter " + std::string(name));
}

std::string adapter_article_id(const Adapter& adapter, const feed::Entry& entry) {
  const feed::Extension* id = entry.find_extension(adapter.id_namespace, adapter.id_element);
  if (id == nullptr) return {};
  return std::string(trim_ascii(id->value));
}

std::string adapter_article_url(const Adapter& adapter, std::string_view article_id) {
  return replace_all(adapter.article_api_template, "{id}", encode_component(article_id));
}

Result<Article> read_adapter_article(const Adapter& adapter, std::string_view json_bytes,
                                     std::string_view source_name) {
  auto root = parse_json(json_bytes, source_name);
  if (!root) return std::unexpected(root.error());
  if (!root->is_object()) {
    return make_error(ErrorCode::kParse, std::string(source_name) + ": not a JSON object");
  }
  const json& document = *root;

  Article article;
  if (auto id = scalar_text(find_path(document, adapter.id_field))) article.source_id = *id;

  auto title = required_string(document, adapter.title_field, "title", source_name);
  if (!title) return std::unexpected(title.error());
  article.title = std::string(trim_ascii(*title));

  auto url = required_string(document, adapter.url_field, "address", source_name);
  if (!url) return std::unexpected(url.error());
  article.url = std::string(trim_ascii(*url));

  if (const json* published = find_path(document, adapter.published_field);
      published != nullptr && !published->is_null()) {
    std::optional<Timestamp> time;
    if (published->is_string()) time = parse_date(published->get_ref<const std::string&>());
    if (!time) {
      return make_error(ErrorCode::kParse, std::string(source_name) + ": " +
                                               in_quotes(adapter.published_field) +
                                               " is not a date: " + published->dump());
    }
    article.published = time;
  }

  if (auto lead_id = scalar_text(find_path(document, adapter.lead_image_id_field))) {
    Image lead{image_url(adapter, *lead_id), ""};
    if (const json* caption = find_path(document, adapter.lead_image_caption_field);
        caption != nullptr && caption->is_string()) {
      lead.caption = std::string(trim_ascii(caption->get_ref<const std::string&>()));
    }
    article.lead_image = std::move(lead);
  }

  auto body = required_string(document, adapter.body_field, "body", source_name);
  if (!body) return std::unexpected(body.error());
  const auto captions = image_captions(adapter, document);
  // The HTML parser gives attribute names in lower case.
  const std::string id_attribute = lower_ascii(adapter.inline_image_attribute);
  BodyOptions options;
  options.resolve_image = [&](const html::Node& img) -> std::optional<Image> {
    const std::string* image_id = img.attribute(id_attribute);
    if (image_id != nullptr && !trim_ascii(*image_id).empty()) {
      const std::string_view id = trim_ascii(*image_id);
      const auto caption = captions.find(id);
      return Image{image_url(adapter, id), caption == captions.end() ? "" : caption->second};
    }
    // An ordinary image in the site's HTML: kept when its address is absolute.
    if (auto address = image_address(img, "")) return Image{*address, ""};
    return std::nullopt;
  };
  article.body_html = rewrite_body(*body, options);
  return article;
}

}  // namespace newsvault::extract
