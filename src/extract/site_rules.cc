// Site rules: parsing the declarative file, and applying a rule to a page.
#include "extract/site_rules.h"

#include <libxml/xpath.h>

#include <memory>

#include "extract/body_html.h"

namespace newsvault::extract {
namespace {

struct XPathCompiledFree {
  void operator()(xmlXPathCompExpr* expression) const { xmlXPathFreeCompExpr(expression); }
};
struct XPathContextFree {
  void operator()(xmlXPathContext* context) const { xmlXPathFreeContext(context); }
};
struct XPathObjectFree {
  void operator()(xmlXPathObject* object) const { xmlXPathFreeObject(object); }
};

std::string without_www(std::string host) {
  if (host.starts_with("www.")) host.erase(0, 4);
  return host;
}

void ignore_error(void*, const char*, ...) {}

bool compiles(const std::string& xpath) {
  // libxml2 reports XPath syntax errors through its generic error handler;
  // the failure itself is what matters here, so silence the report.
  xmlSetGenericErrorFunc(nullptr, ignore_error);
  std::unique_ptr<xmlXPathCompExpr, XPathCompiledFree> compiled(
      xmlXPathCompile(reinterpret_cast<const xmlChar*>(xpath.c_str())));
  xmlSetGenericErrorFunc(nullptr, nullptr);
  return compiled != nullptr;
}

// Every node an XPath selects in `doc`, in document order; nothing when it
// selects no elements.
std::vector<xmlNode*> select(xmlDoc* doc, const std::string& xpath) {
  std::vector<xmlNode*> out;
  std::unique_ptr<xmlXPathContext, XPathContextFree> context(xmlXPathNewContext(doc));
  if (!context) return out;
  std::unique_ptr<xmlXPathObject, XPathObjectFree> result(
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), context.get()));
  if (!result || result->nodesetval == nullptr) return out;
  for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
    xmlNode* node = result->nodesetval->nodeTab[i];
    if (node != nullptr && node->type == XML_ELEMENT_NODE) out.push_back(node);
  }
  return out;
}

bool is_inside_any(const xmlNode* node, const std::vector<xmlNode*>& others) {
  for (const xmlNode* up = node->parent; up != nullptr; up = up->parent) {
    for (const xmlNode* other : others) {
      if (other == up) return true;
    }
  }
  return false;
}

bool names_id_or_class(const xmlNode* node, std::string_view name) {
  if (attribute(node, "id") == name) return true;
  const std::string classes = attribute(node, "class");
  std::size_t at = 0;
  while (at < classes.size()) {
    const std::size_t end = classes.find_first_of(" \t\n\r\f", at);
    const std::string_view word = std::string_view(classes).substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (word == name) return true;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return false;
}

void strip_id_or_class(xmlNode* node, std::string_view name) {
  xmlNode* child = node->children;
  while (child != nullptr) {
    xmlNode* next = child->next;
    if (is_element(child)) {
      if (names_id_or_class(child, name)) {
        remove_node(child);
      } else {
        strip_id_or_class(child, name);
      }
    }
    child = next;
  }
}

}  // namespace

std::string host_of(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.starts_with('[')) rest = rest.substr(0, rest.find(':'));
  return without_www(lower_ascii(rest));
}

const SiteRule* SiteRules::find(std::string_view page_url) const {
  const std::string host = host_of(page_url);
  const SiteRule* best = nullptr;
  for (const SiteRule& rule : rules) {
    const bool covers = host == rule.host ||
                        (host.size() > rule.host.size() && host.ends_with(rule.host) &&
                         host[host.size() - rule.host.size() - 1] == '.');
    if (covers && (best == nullptr || rule.host.size() > best->host.size())) best = &rule;
  }
  return best;
}

Result<SiteRules> parse_site_rules(std::string_view text, std::string_view source_name) {
  SiteRules rules;
  std::size_t line_number = 0;
  auto fail = [&](const std::string& what) {
    return make_error(ErrorCode::kParse,
                      std::string(source_name) + ":" + std::to_string(line_number) + ": " + what);
  };
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    std::string_view line = trim_ascii(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.starts_with('#')) continue;
    if (line.starts_with('[')) {
      if (!line.ends_with(']') || line.size() < 3) return fail("a section is [host]");
      rules.rules.push_back(SiteRule{without_www(lower_ascii(trim_ascii(line.substr(1, line.size() - 2)))), {}, {}, {}});
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return fail("expected \"key: value\"");
    const std::string key = lower_ascii(trim_ascii(line.substr(0, colon)));
    const std::string value(trim_ascii(line.substr(colon + 1)));
    if (rules.rules.empty()) return fail("\"" + key + "\" before any [host] section");
    if (value.empty()) return fail("\"" + key + "\" without a value");
    SiteRule& rule = rules.rules.back();
    if (key == "body" || key == "strip") {
      if (!compiles(value)) return fail("invalid XPath \"" + value + "\"");
      (key == "body" ? rule.body : rule.strip).push_back(value);
    } else if (key == "strip_id_or_class") {
      rule.strip_id_or_class.push_back(value);
    } else {
      return fail("unknown key \"" + key + "\" (body, strip, strip_id_or_class)");
    }
  }
  return rules;
}

void apply_strip_rules(xmlDoc* doc, const SiteRule& rule) {
  for (const std::string& xpath : rule.strip) {
    std::vector<xmlNode*> nodes = select(doc, xpath);
    // Outermost first would free the inner ones; drop only the outermost.
    std::vector<xmlNode*> outermost;
    for (xmlNode* node : nodes) {
      if (!is_inside_any(node, nodes)) outermost.push_back(node);
    }
    for (xmlNode* node : outermost) remove_node(node);
  }
  if (xmlNode* root = xmlDocGetRootElement(doc)) {
    for (const std::string& name : rule.strip_id_or_class) strip_id_or_class(root, name);
  }
}

xmlNode* apply_body_rule(xmlDoc* doc, const SiteRule& rule) {
  xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr) return nullptr;
  for (const std::string& xpath : rule.body) {
    std::vector<xmlNode*> nodes = select(doc, xpath);
    std::vector<xmlNode*> outermost;
    for (xmlNode* node : nodes) {
      if (node != root && !is_inside_any(node, nodes)) outermost.push_back(node);
    }
    if (outermost.empty()) continue;
    xmlNode* content = xmlNewDocNode(doc, nullptr, reinterpret_cast<const xmlChar*>("div"), nullptr);
    for (xmlNode* node : outermost) {
      xmlUnlinkNode(node);
      xmlAddChild(content, node);
    }
    xmlAddChild(root, content);
    return content;
  }
  return nullptr;
}

}  // namespace newsvault::extract
