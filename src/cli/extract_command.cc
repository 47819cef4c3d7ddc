// `newsvault extract FILE_OR_URL [--url PAGE_URL] [--json]`: the article a
// web page holds.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/commands.h"
#include "extract/extract.h"
#include "fetch/fetch.h"

namespace newsvault::cli {
namespace {

struct ExtractArguments {
  std::string input;
  std::string page_url;
  std::string content_type;
  std::string rules_file;
  bool json = false;
  std::size_t max_bytes = 64u * 1024 * 1024;
};

struct Page {
  std::string bytes;
  std::string url;
  std::string content_type;
};

bool is_web_url(std::string_view input) {
  return input.starts_with("http://") || input.starts_with("https://");
}

Result<Page> read_page(const ExtractArguments& arguments) {
  if (!is_web_url(arguments.input)) {
    auto bytes = read_input_file(arguments.input, arguments.max_bytes);
    if (!bytes) return std::unexpected(bytes.error());
    return Page{std::move(*bytes), arguments.page_url, arguments.content_type};
  }
  fetch::ClientOptions options;
  options.max_response_bytes = arguments.max_bytes;
  auto client = fetch::make_http_client(options);
  fetch::Response response;
  client->fetch_all({fetch::Request{arguments.input, "", ""}},
                    [&](std::size_t, fetch::Response done) { response = std::move(done); });
  if (response.outcome != fetch::FetchOutcome::kOk) {
    return make_error(ErrorCode::kIo, response.error);
  }
  Page page{std::move(response.body), arguments.page_url, std::move(response.content_type)};
  if (page.url.empty()) page.url = response.final_url;
  if (!arguments.content_type.empty()) page.content_type = arguments.content_type;
  return page;
}

std::string article_to_json(const extract::PageArticle& page) {
  const extract::Article& article = page.article;
  nlohmann::ordered_json out;
  out["title"] = article.title;
  out["byline"] = page.byline;
  out["published"] = article.published ? nlohmann::ordered_json(format_iso8601_seconds(*article.published))
                                        : nlohmann::ordered_json(nullptr);
  out["lead_image"] = article.lead_image ? nlohmann::ordered_json(article.lead_image->url)
                                         : nlohmann::ordered_json(nullptr);
  out["html"] = article.body_html;
  out["text"] = page.text;
  out["language"] = page.language;
  out["url"] = article.url;
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

void print_summary(const extract::PageArticle& page) {
  std::cout << page.article.title << "\n";
  if (!page.byline.empty()) std::cout << page.byline << "\n";
  if (page.article.published) std::cout << format_iso8601_seconds(*page.article.published) << "\n";
  std::cout << "\n" << page.text << "\n";
}

int run_extract(const ExtractArguments& arguments) {
  extract::SiteRules rules;
  extract::ExtractOptions options;
  if (!arguments.rules_file.empty()) {
    auto text = read_input_file(arguments.rules_file, 16u * 1024 * 1024);
    if (!text) {
      std::cerr << "newsvault extract: " << text.error().message() << "\n";
      return kExitFailure;
    }
    auto parsed = extract::parse_site_rules(*text, arguments.rules_file);
    if (!parsed) {
      std::cerr << "newsvault extract: " << parsed.error().message() << "\n";
      return kExitFailure;
    }
    rules = std::move(*parsed);
    options.site_rules = &rules;
  }
  auto page = read_page(arguments);
  if (!page) {
    std::cerr << "newsvault extract: " << page.error().message() << "\n";
    return kExitFailure;
  }
  auto article = extract::extract_article(page->bytes, page->url, page->content_type, options);
  if (!article) {
    std::cerr << "newsvault extract: " << article.error().message() << "\n";
    return kExitFailure;
  }
  if (arguments.json) {
    std::cout << article_to_json(*article) << "\n";
  } else {
    print_summary(*article);
  }
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "newsvault extract: cannot write the output\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_extract_command(CLI::App& app, CommandAction& action) {
  auto arguments = std::make_shared<ExtractArguments>();
  CLI::App* command =
      app.add_subcommand("extract", "Read a web page and print the article it holds.");
  command->add_option("FILE_OR_URL", arguments->input, "The page: a file (- for stdin) or an http(s) URL")
      ->required();
  command->add_option("--url", arguments->page_url,
                      "The page's address, for relative links and images (default: the URL fetched)");
  command->add_option("--content-type", arguments->content_type,
                      "The HTTP Content-Type the page came with (its charset is honoured)");
  command->add_option("--rules", arguments->rules_file, "A site-rules file (docs/internals/extract.md)");
  command->add_flag("--json", arguments->json,
                    "Print {title, byline, published, lead_image, html, text, language, url} as JSON");
  command->add_option("--max-bytes", arguments->max_bytes, "Refuse pages larger than this")
      ->capture_default_str();
  command->callback([&action, arguments] { action = [arguments] { return run_extract(*arguments); }; });
}

}  // namespace newsvault::cli
