// The reader pages: the static site's pages rendered from the store
// (publish::render_site_page), and a search page over the search index.
// Every page carries the site's Content-Security-Policy as a header too.
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/html.h"
#include "search/search.h"
#include "serve/routes.h"

namespace newsvault::serve {
namespace {

// The site's policy (publish's page frame says it in a <meta> element):
// no script, no plugin, no <base>, no form; the search page's form may
// submit to this server.
constexpr char kPolicy[] = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";
constexpr char kMediaPolicy[] = "default-src 'none'; sandbox";
constexpr char kSearchPolicy[] = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'";
constexpr std::size_t kSearchResults = 50;

void set_page_headers(httplib::Response& response, const char* policy) {
  response.set_header("Content-Security-Policy", policy);
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Referrer-Policy", "no-referrer");
}

std::string content_type(std::string_view path) {
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  return "text/html; charset=utf-8";
}

std::string search_page(Library& library, const std::string& text, Result<std::vector<search::Hit>>* hits) {
  constexpr std::string_view kPath = "search.html";
  std::string main = "<h1>Search</h1>\n<form action=\"search.html\" method=\"get\" role=\"search\">"
                     "<input type=\"search\" name=\"q\" value=\"" +
                     html::escape_attribute(text) +
                     "\" aria-label=\"Words to find\"> <button type=\"submit\">Search</button></form>\n";
  if (hits != nullptr) {
    if (!*hits) {
      main += "<p class=\"notice\">" + html::escape_attribute(hits->error().message()) + "</p>\n";
    } else if ((*hits)->empty()) {
      main += "<p>No article holds every word of " + html::escape_attribute(text) + ".</p>\n";
    } else {
      auto snapshot = library.snapshot();
      main += "<ul class=\"articles\">\n";
      for (const search::Hit& hit : **hits) {
        const store::ArticleSummary* article = snapshot ? (*snapshot)->article(hit.id) : nullptr;
        const std::string title = hit.title.empty() ? hit.url : hit.title;
        main += "<li>";
        if (article != nullptr) {
          main += "<a href=\"" + html::escape_attribute(publish::site_href(kPath, publish::site_article_page(*article))) +
                  "\">" + html::escape_attribute(title) + "</a>";
        } else {
          main += html::escape_attribute(title);
        }
        main += " <span class=\"meta\">" + html::escape_attribute(hit.feed) + "</span><br>" +
                html::escape_attribute(hit.snippet) + "</li>\n";
      }
      main += "</ul>\n";
    }
  }
  return publish::render_site_frame(kPath, text.empty() ? "Search" : text + " · Search", main, true);
}

bool allowed(const httplib::Request& request, httplib::Response& response, Library& library) {
  if (!library.options().private_pages) return true;
  return basic_auth_reader(request, response, library, true).has_value();
}

}  // namespace

std::optional<Reader> basic_auth_reader(const httplib::Request& request, httplib::Response& response,
                                        Library& library, bool challenge) {
  auto refuse = [&](int status) -> std::optional<Reader> {
    response.status = status;
    if (status == 401 && challenge) response.set_header("WWW-Authenticate", "Basic realm=\"newsvault\", charset=\"UTF-8\"");
    if (status == 429) response.set_header("Retry-After", "60");
    response.set_content(status == 429 ? "Too many failed logins: try again later.\n" : "Unauthorized\n",
                         "text/plain; charset=utf-8");
    return std::nullopt;
  };
  const std::string header = request.get_header_value("Authorization");
  constexpr std::string_view kBasic = "Basic ";
  if (header.size() <= kBasic.size() || header.compare(0, kBasic.size(), kBasic) != 0) return refuse(401);
  const std::string encoded = header.substr(kBasic.size());
  std::string decoded(encoded.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), encoded.data(),
                        encoded.size(), " ", &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return refuse(401);
  }
  decoded.resize(length);
  const std::size_t colon = decoded.find(':');
  if (colon == std::string::npos) return refuse(401);
  const std::string name = decoded.substr(0, colon);
  const std::string password = decoded.substr(colon + 1);
  // Apps send basic auth with every request: most are answered from memory.
  Result<LoginResult> login = [&]() -> Result<LoginResult> {
    if (auto known = library.accounts().remembered_login(request.remote_addr, name, password)) return *known;
    auto store = library.lease();
    return library.accounts().log_in(*store, request.remote_addr, name, password);
  }();
  if (!login) {
    answer_failure(response, login.error());
    return std::nullopt;
  }
  if (login->outcome == Login::kRateLimited) return refuse(429);
  if (login->outcome != Login::kAccepted) return refuse(401);
  note_reader(login->reader);
  return login->reader;
}

void add_reader_pages(httplib::Server& server, Library& library) {
  server.Get("/search.html", [&library](const httplib::Request& request, httplib::Response& response) {
    if (!allowed(request, response, library)) return;
    const std::string text = request.get_param_value("q");
    std::string page;
    if (text.empty()) {
      page = search_page(library, text, nullptr);
    } else {
      Result<std::vector<search::Hit>> hits = [&] {
        auto store = library.lease();
        return search::search(*store, {.text = text, .limit = kSearchResults});
      }();
      page = search_page(library, text, &hits);
    }
    set_page_headers(response, kSearchPolicy);
    response.set_content(page, "text/html; charset=utf-8");
  });
  // The local copies of images: named by their hash, so never changing.
  // Only the sniffed types media.h keeps, each with its own type and
  // nosniff; the policy forbids anything but showing the image.
  server.Get(R"(/media/sha256/[0-9a-f]{2}/[0-9a-f]{64}\.(png|jpg|gif|webp|avif))",
             [&library](const httplib::Request& request, httplib::Response& response) {
               if (!allowed(request, response, library)) return;
               const std::filesystem::path& root = library.options().media_root;
               std::ifstream in(root / request.path.substr(1), std::ios::binary);
               if (root.empty() || !in) {
                 response.status = 404;
                 return;
               }
               std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
               const std::string extension = request.matches[1].str();
               const std::string type = extension == "jpg" ? "image/jpeg" : "image/" + extension;
               response.set_header("Content-Security-Policy", kMediaPolicy);
               response.set_header("X-Content-Type-Options", "nosniff");
               response.set_header("Cache-Control", "public, max-age=31536000, immutable");
               response.set_content(std::move(bytes), type);
             });
  server.Get("/.*", [&library](const httplib::Request& request, httplib::Response& response) {
    // A client configured with the server's address and a trailing slash
    // asks for //v1/feeds: sent on to the one path meant, as Miniflux does.
    if (request.path.find("//") != std::string::npos) {
      std::string path = request.path;
      for (std::size_t at; (at = path.find("//")) != std::string::npos;) path.erase(at, 1);
      const std::size_t query = request.target.find('?');
      if (query != std::string::npos) path += request.target.substr(query);
      response.set_redirect(path, 301);
      return;
    }
    if (!allowed(request, response, library)) return;
    std::string path = request.path.substr(1);
    if (path.empty() || path.ends_with('/')) path += "index.html";
    auto page = library.site_page(path);
    if (!page) return answer_failure(response, page.error());
    set_page_headers(response, kPolicy);
    if (!*page) {
      response.status = 404;
      response.set_content(publish::render_site_frame("404.html", "Not found", "<h1>Not found</h1>\n<p>The archive has no page here.</p>\n"),
                           "text/html; charset=utf-8");
      return;
    }
    response.set_content(***page, content_type(path));
  });
}

}  // namespace newsvault::serve
