// Main-content detection. The shape is Readability's (Mozilla's
// Readability.js, "grabArticle"): paragraphs give points to their parent
// and ancestors, scaled by commas and length; class and id names add or
// take points; link-heavy candidates lose in proportion; the best candidate
// takes its siblings that score close to it. The clean-up after it is
// Readability's "prepArticle" with trafilatura's boilerplate rules on top:
// share bars, newsletter boxes, "related" lists and captions of ads go even
// when they sit inside the article's own container.
#include "extract/main_content.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "extract/body_html.h"

namespace newsvault::extract {
namespace {

// Readability's REGEXPS.unlikelyCandidates / okMaybeItsACandidate, as plain
// substrings of the lower-case class and id.
bool is_unlikely_candidate(std::string_view hints) {
  return contains_any(hints, {"-ad-", "ai2html", "banner", "breadcrumb", "combx", "comment",
                              "community", "cover-wrap", "disqus", "extra", "footer", "gdpr",
                              "header", "legends", "menu", "related", "remark", "replies", "rss",
                              "shoutbox", "sidebar", "skyscraper", "social", "sponsor",
                              "supplemental", "ad-break", "agegate", "pagination", "pager",
                              "popup", "yom-remote", "newsletter", "cookie", "consent",
                              "recirc", "outbrain", "taboola"}) &&
         !contains_any(hints, {"and", "article", "body", "column", "content", "main", "shadow"});
}

bool has_unlikely_role(const xmlNode* node) {
  const std::string role = attribute(node, "role");
  return role == "menu" || role == "menubar" || role == "complementary" || role == "navigation" ||
         role == "alert" || role == "alertdialog" || role == "dialog";
}

// Readability's getClassWeight: ±25 for each of class and id.
int class_weight(const xmlNode* node) {
  int weight = 0;
  for (const char* name : {"class", "id"}) {
    const std::string value = lower_ascii(attribute(node, name));
    if (value.empty()) continue;
    if (contains_any(value, {"-ad-", "hidden", "banner", "combx", "comment", "com-", "contact",
                             "foot", "footnote", "gdpr", "masthead", "media", "meta", "outbrain",
                             "promo", "related", "scroll", "share", "shoutbox", "sidebar",
                             "skyscraper", "sponsor", "shopping", "tags", "tool", "widget",
                             "newsletter", "recirc", "teaser"})) {
      weight -= 25;
    }
    if (contains_any(value, {"article", "body", "content", "entry", "hentry", "h-entry", "main",
                             "page", "pagination", "post", "text", "blog", "story"})) {
      weight += 25;
    }
  }
  return weight;
}

constexpr std::array<std::string_view, 9> kDivToParagraphBlocks = {
    "blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul"};

bool is_inline_only_block_free(const xmlNode* node) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (!is_element(child)) continue;
    const std::string_view tag = tag_of(child);
    if (std::ranges::find(kDivToParagraphBlocks, tag) != kDivToParagraphBlocks.end()) return false;
    if (tag == "figure" || tag == "section" || tag == "article" || tag == "h1" || tag == "h2" ||
        tag == "h3" || tag == "h4" || tag == "h5" || tag == "h6" || tag == "picture") {
      return false;
    }
    if (!is_inline_only_block_free(child)) return false;
  }
  return true;
}

std::size_t count_commas(std::string_view text) {
  std::size_t commas = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ',') ++commas;
    // U+FF0C FULLWIDTH COMMA and U+3001 IDEOGRAPHIC COMMA: the commas of CJK text.
    if (text.compare(i, 3, "\xEF\xBC\x8C") == 0 || text.compare(i, 3, "\xE3\x80\x81") == 0) ++commas;
  }
  return commas;
}

std::size_t link_text_length(const xmlNode* node) {
  std::size_t length = 0;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (!is_element(child)) continue;
    if (is_tag(child, "a")) {
      const std::string href = attribute(child, "href");
      // Readability: in-page anchors are footnotes and tables of contents,
      // weighed at 0.3.
      const double coefficient = href.starts_with("#") ? 0.3 : 1.0;
      length += static_cast<std::size_t>(static_cast<double>(text_length(child)) * coefficient);
    } else {
      length += link_text_length(child);
    }
  }
  return length;
}

double link_density(const xmlNode* node) {
  const std::size_t length = text_length(node);
  if (length == 0) return 0;
  return static_cast<double>(link_text_length(node)) / static_cast<double>(length);
}

bool is_heading(std::string_view tag) {
  return tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6';
}

bool has_media(xmlNode* node) {
  return is_tag(node, "img") || find_first(node, "img") != nullptr ||
         find_first(node, "video") != nullptr || find_first(node, "picture") != nullptr;
}

bool is_without_content(xmlNode* node) { return !has_text(node) && !has_media(node); }

xmlNode* body_of(xmlDoc* doc) {
  xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr) return nullptr;
  if (is_tag(root, "body")) return root;
  for (xmlNode* child = root->children; child != nullptr; child = child->next) {
    if (is_tag(child, "body")) return child;
  }
  return nullptr;
}

// Removes each of `nodes` (in document order, as find_all gives them) that
// `doomed` selects, innermost first: removing an element then never frees
// one still to be looked at.
template <typename Predicate>
void remove_where(const std::vector<xmlNode*>& nodes, Predicate doomed) {
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    if (doomed(*it)) remove_node(*it);
  }
}

class ContentFinder {
 public:
  ContentFinder(xmlDoc* doc, const ContentFlags& flags, std::string_view title)
      : doc_(doc), flags_(flags), title_(title) {}

  xmlNode* run() {
    xmlNode* body = body_of(doc_);
    if (body == nullptr) return nullptr;
    collect_and_normalize(body);
    score_paragraphs();
    xmlNode* top = pick_top_candidate(body);
    xmlNode* content = gather(top, body);
    clean(content);
    return content;
  }

 private:
  // One pass over the body: unlikely nodes go, empty containers go, divs
  // holding only phrasing become paragraphs, and what may be scored is
  // collected.
  void collect_and_normalize(xmlNode* body) {
    xmlNode* node = body->children;
    while (node != nullptr) {
      if (!is_element(node)) {
        node = next_node(node, true);
        continue;
      }
      const std::string_view tag = tag_of(node);
      const std::string hints = class_and_id(node);
      if (flags_.strip_unlikely) {
        if ((is_unlikely_candidate(hints) || has_unlikely_role(node)) && tag != "body" && tag != "a" &&
            !has_ancestor(node, "table") && !has_ancestor(node, "code")) {
          node = remove_and_next(node);
          continue;
        }
        if (tag == "nav" || tag == "aside" || tag == "footer") {
          node = remove_and_next(node);
          continue;
        }
      }
      if ((tag == "div" || tag == "section" || tag == "header" || is_heading(tag)) && is_without_content(node)) {
        node = remove_and_next(node);
        continue;
      }
      if (tag == "p" || tag == "pre" || tag == "td" || tag == "section" || tag == "h2" || tag == "h3" ||
          tag == "h4" || tag == "h5" || tag == "h6") {
        to_score_.push_back(node);
      }
      if (tag == "div") {
        if (is_inline_only_block_free(node)) {
          rename_node(node, "p");
          to_score_.push_back(node);
          node = next_node(node, true);
          continue;
        }
        wrap_phrasing_runs(node);
      }
      node = next_node(node, false);
    }
  }

  // Readability: text and inline elements directly inside a div that also
  // holds blocks are paragraphs of their own.
  void wrap_phrasing_runs(xmlNode* div) {
    xmlNode* child = div->children;
    while (child != nullptr) {
      if (!is_phrasing(child)) {
        child = child->next;
        continue;
      }
      xmlNode* paragraph = nullptr;
      while (child != nullptr && is_phrasing(child)) {
        xmlNode* next = child->next;
        if (paragraph == nullptr) {
          bool has_text = false;
          for (xmlNode* probe = child; probe != nullptr && is_phrasing(probe); probe = probe->next) {
            if (probe->type == XML_TEXT_NODE
                    ? !trim_ascii(reinterpret_cast<const char*>(probe->content)).empty()
                    : text_length(probe) > 0) {
              has_text = true;
              break;
            }
          }
          if (!has_text) break;
          paragraph = xmlNewDocNode(doc_, nullptr, reinterpret_cast<const xmlChar*>("p"), nullptr);
          xmlAddPrevSibling(child, paragraph);
        }
        xmlUnlinkNode(child);
        xmlAddChild(paragraph, child);
        child = next;
      }
      if (paragraph != nullptr) to_score_.push_back(paragraph);
      while (child != nullptr && is_phrasing(child)) child = child->next;
    }
  }

  double initial_score(const xmlNode* node) const {
    const std::string_view tag = tag_of(node);
    double score = 0;
    if (tag == "div" || tag == "article" || tag == "main") score = 5;
    if (tag == "pre" || tag == "td" || tag == "blockquote") score = 3;
    if (tag == "address" || tag == "ol" || tag == "ul" || tag == "dl" || tag == "dd" || tag == "dt" ||
        tag == "li" || tag == "form") {
      score = -3;
    }
    if (is_heading(tag) || tag == "th") score = -5;
    if (flags_.weight_classes) score += class_weight(node);
    // schema.org microdata names the body outright.
    if (attribute(node, "itemprop") == "articleBody") score += 25;
    return score;
  }

  double& score_of(xmlNode* node) {
    auto [it, inserted] = scores_.try_emplace(node, 0.0);
    if (inserted) {
      it->second = initial_score(node);
      candidates_.push_back(node);
    }
    return it->second;
  }

  // The tree does not change while candidates are scored and picked, so
  // each node's text is measured once.
  std::size_t cached_length(const xmlNode* node) {
    auto [it, inserted] = lengths_.try_emplace(node, 0);
    if (inserted) it->second = text_length(node);
    return it->second;
  }

  double cached_link_density(const xmlNode* node) {
    const std::size_t length = cached_length(node);
    if (length == 0) return 0;
    return static_cast<double>(link_text_length(node)) / static_cast<double>(length);
  }

  void score_paragraphs() {
    for (xmlNode* paragraph : to_score_) {
      if (paragraph->parent == nullptr || !is_element(paragraph->parent)) continue;
      const std::size_t length = cached_length(paragraph);
      if (length < 25) continue;
      const std::string text = normalized_text(paragraph);
      double points = 1 + static_cast<double>(count_commas(text)) +
                      std::min(std::floor(static_cast<double>(length) / 100.0), 3.0);
      int level = 0;
      for (xmlNode* ancestor = paragraph->parent; ancestor != nullptr && is_element(ancestor) && level < 5;
           ancestor = ancestor->parent, ++level) {
        if (ancestor->parent == nullptr || !is_element(ancestor->parent)) break;  // <html>
        const double divider = level == 0 ? 1 : level == 1 ? 2 : level * 3;
        score_of(ancestor) += points / divider;
      }
    }
    for (xmlNode* candidate : candidates_) scores_[candidate] *= 1 - cached_link_density(candidate);
  }

  double known_score(xmlNode* node) const {
    auto found = scores_.find(node);
    return found == scores_.end() ? 0 : found->second;
  }

  xmlNode* pick_top_candidate(xmlNode* body) {
    std::vector<xmlNode*> ranked = candidates_;
    std::ranges::stable_sort(ranked, [&](xmlNode* a, xmlNode* b) { return known_score(a) > known_score(b); });
    if (ranked.empty() || ranked.front() == body) return body;
    xmlNode* top = ranked.front();
    const double top_score = known_score(top);

    // Readability: when several of the best candidates share an ancestor,
    // the article is that ancestor (a body split into sections).
    std::vector<std::vector<xmlNode*>> alternative_ancestors;
    for (std::size_t i = 1; i < std::min<std::size_t>(ranked.size(), 5); ++i) {
      if (known_score(ranked[i]) / top_score >= 0.75) {
        std::vector<xmlNode*> ancestors;
        for (xmlNode* up = ranked[i]->parent; up != nullptr && is_element(up); up = up->parent) {
          ancestors.push_back(up);
        }
        alternative_ancestors.push_back(std::move(ancestors));
      }
    }
    if (alternative_ancestors.size() >= 3) {
      for (xmlNode* parent = top->parent; parent != nullptr && parent != body && is_element(parent);
           parent = parent->parent) {
        int lists_containing = 0;
        for (const auto& ancestors : alternative_ancestors) {
          if (std::ranges::find(ancestors, parent) != ancestors.end()) ++lists_containing;
        }
        if (lists_containing >= 3) {
          top = parent;
          break;
        }
      }
    }
    score_of(top);

    // A parent scoring higher than the candidate while climbing means more
    // content sits beside it.
    double last_score = known_score(top);
    const double threshold = last_score / 3;
    for (xmlNode* parent = top->parent; parent != nullptr && parent != body && is_element(parent);
         parent = parent->parent) {
      if (!scores_.contains(parent)) continue;
      const double score = known_score(parent);
      if (score < threshold) break;
      if (score > last_score) {
        top = parent;
        break;
      }
      last_score = score;
    }
    // An only child says nothing its parent does not.
    while (top->parent != nullptr && top->parent != body && is_element(top->parent) &&
           element_children(top->parent).size() == 1) {
      top = top->parent;
    }
    score_of(top);
    return top;
  }

  bool sentence_like(const std::string& text) const {
    const auto dot = text.find(". ");
    return dot != std::string::npos || text.ends_with(".") || text.ends_with("\xE3\x80\x82");
  }

  // The candidate and the siblings that score close to it, moved into one
  // new <div>.
  xmlNode* gather(xmlNode* top, xmlNode* body) {
    xmlNode* content = xmlNewDocNode(doc_, nullptr, reinterpret_cast<const xmlChar*>("div"), nullptr);
    if (top == body) {
      for (xmlNode* child : element_children(body)) {
        xmlUnlinkNode(child);
        xmlAddChild(content, child);
      }
      xmlAddChild(body, content);
      return content;
    }
    const double top_score = known_score(top);
    const double threshold = std::max(10.0, top_score * 0.2);
    const std::string top_class = attribute(top, "class");
    xmlNode* parent = top->parent;
    std::vector<xmlNode*> kept;
    for (xmlNode* sibling : element_children(parent)) {
      bool append = sibling == top;
      if (!append) {
        double bonus = 0;
        if (!top_class.empty() && attribute(sibling, "class") == top_class) bonus = top_score * 0.2;
        if (scores_.contains(sibling) && known_score(sibling) + bonus >= threshold) {
          append = true;
        } else if (is_tag(sibling, "p")) {
          const double density = cached_link_density(sibling);
          const std::string text = normalized_text(sibling);
          const std::size_t length = cached_length(sibling);
          if (length > 80 && density < 0.25) {
            append = true;
          } else if (length < 80 && length > 0 && density == 0 && sentence_like(text)) {
            append = true;
          }
        }
      }
      // Never the <body> the gathered <div> goes into, nor what holds it
      // (content libxml2 put beside <body>, after a stray </body>): moving
      // it would make the tree a cycle.
      if (append && !contains(sibling, body)) kept.push_back(sibling);
    }
    for (xmlNode* node : kept) {
      xmlUnlinkNode(node);
      xmlAddChild(content, node);
    }
    xmlAddChild(body, content);
    return content;
  }

  // --- clean-up (Readability's prepArticle, trafilatura's boilerplate) ---

  void clean(xmlNode* content) {
    if (flags_.clean_conditionally) {
      for (const char* tag : {"form", "fieldset"}) clean_conditionally(content, tag);
    }
    for (const char* tag : {"object", "embed", "footer", "link", "aside", "nav"}) {
      remove_where(find_all(content, tag), [](xmlNode*) { return true; });
    }
    remove_boilerplate_blocks(content);
    if (flags_.weight_classes) {
      for (const char* tag : {"h1", "h2"}) {
        remove_where(find_all(content, tag), [](xmlNode* node) { return class_weight(node) < 0; });
      }
    }
    remove_title_headings(content);
    if (flags_.clean_conditionally) {
      for (const char* tag : {"table", "ul", "ol", "div", "section"}) clean_conditionally(content, tag);
    }
    remove_link_lines(content);
    remove_orphan_headings(content);
    remove_trailing_headings(content);
    for (xmlNode* heading : find_all(content, "h1")) rename_node(heading, "h2");
    remove_where(find_all(content, "p"), is_without_content);
  }

  // Share bars, newsletter sign-ups, "read more" and related-story boxes:
  // small blocks whose class or id names them, wherever they sit.
  void remove_boilerplate_blocks(xmlNode* content) {
    xmlNode* node = content->children;
    while (node != nullptr && node != content) {
      if (!is_element(node)) {
        node = next_node(node, true);
        continue;
      }
      const std::string hints = class_and_id(node);
      const bool boilerplate =
          contains_any(hints, {"share", "sharing", "social", "newsletter", "subscribe", "signup",
                               "sign-up", "related", "recommend", "read-more", "readmore", "more-stories",
                               "promo", "advert", "sponsor", "outbrain", "taboola", "comment",
                               "cookie", "consent", "breadcrumb", "byline", "author-bio",
                               "toolbar", "print-", "tags", "newsletter"}) &&
          !contains_any(hints, {"article-body", "articlebody", "story-body", "post-body", "entry-content",
                                "main-content"}) &&
          text_length(node) < 500;
      // Datelines, bylines and credits: a line or two about the article.
      const std::string itemprop = attribute(node, "itemprop");
      const bool about_article =
          (contains_any(hints, {"date", "time", "published", "posted", "updated", "created", "byline",
                                "author", "meta", "credit", "dateline", "postinfo", "post-info"}) ||
           itemprop == "datePublished" || itemprop == "dateModified" || itemprop == "author") &&
          !contains_any(hints, {"article-body", "articlebody", "story-body", "post-body", "entry-content",
                                "main-content"}) &&
          text_length(node) < 160 && find_first(node, "p") == nullptr;
      if (boilerplate || about_article || is_hidden(node)) {
        node = remove_and_next(node);
        continue;
      }
      node = next_node(node, false);
    }
  }

  // trafilatura: a paragraph or heading that is mostly a link is a
  // pointer to another article ("Related: ...", "READ MORE: ...").
  void remove_link_lines(xmlNode* content) {
    for (const char* tag : {"p", "h2", "h3", "h4", "h5", "h6"}) {
      remove_where(find_all(content, tag), [](xmlNode* node) {
        if (find_first(node, "img") != nullptr) return false;
        // A sentence that links a few words of its own is still prose: the
        // words around the links must be few too.
        const std::size_t length = text_length(node);
        const std::size_t linked = link_text_length(node);
        return linked * 2 > length && length - linked < 40;
      });
    }
  }

  // A block left holding only its heading lost what the heading announced
  // ("You may also like" over a removed list).
  void remove_orphan_headings(xmlNode* content) {
    // Removing a block frees the headings in it: look again after each.
    auto remove_one = [&] {
      for (const char* tag : {"h2", "h3", "h4", "h5", "h6"}) {
        for (xmlNode* heading : find_all(content, tag)) {
          xmlNode* block = heading->parent;
          if (block == nullptr || block == content || has_media(block)) continue;
          const std::string_view block_tag = tag_of(block);
          if (block_tag != "div" && block_tag != "section" && block_tag != "aside") continue;
          if (text_length(block) == text_length(heading)) {
            remove_node(block);
            return true;
          }
        }
      }
      return false;
    };
    while (remove_one()) {
    }
  }

  // A heading with nothing after it introduced what the clean-up removed
  // ("Related stories", "You may also like").
  void remove_trailing_headings(xmlNode* content) {
    while (true) {
      xmlNode* last = last_block(content);
      if (last == nullptr) return;
      const bool heading = is_heading(tag_of(last)) ||
                           (text_length(last) < 80 && contains_any(class_and_id(last), {"head", "title"}));
      if (!heading) return;
      remove_node(last);
    }
  }

  // The last element in document order that holds text, descending into
  // containers.
  static xmlNode* last_block(xmlNode* node) {
    for (xmlNode* child = node->last; child != nullptr; child = child->prev) {
      if (child->type == XML_TEXT_NODE) {
        if (!trim_ascii(reinterpret_cast<const char*>(child->content)).empty()) return node;
        continue;
      }
      if (!is_element(child) || is_without_content(child)) continue;
      if (is_heading(tag_of(child)) || is_tag(child, "p")) return child;
      const std::string_view tag = tag_of(child);
      if (tag == "div" || tag == "section" || tag == "article" || tag == "main") {
        xmlNode* inner = last_block(child);
        return inner == nullptr ? child : inner;
      }
      return child;
    }
    return nullptr;
  }

  // The title repeated at the top of the body is not body (the archive
  // prints the title itself); nor is the <header> that holds it with the
  // standfirst, byline and date.
  void remove_title_headings(xmlNode* content) {
    remove_where(find_all(content, "header"), [](xmlNode* header) {
      return find_first(header, "h1") != nullptr && text_length(header) < 600;
    });
    if (title_.empty()) return;
    for (const char* tag : {"h1", "h2"}) {
      remove_where(find_all(content, tag), [&](xmlNode* heading) {
        const std::string text = normalized_text(heading);
        // The heading is the title, or the title without the site's name.
        return !text.empty() &&
               (title_.starts_with(text) ||
                (text.size() * 2 >= title_.size() && title_.find(text) != std::string::npos) ||
                text.find(title_) != std::string::npos);
      });
    }
  }

  bool is_data_table(xmlNode* table) const {
    if (attribute(table, "role") == "presentation") return false;
    if (find_first(table, "caption") != nullptr || find_first(table, "th") != nullptr ||
        find_first(table, "thead") != nullptr) {
      return true;
    }
    if (find_first(table, "table") != nullptr) return false;
    return find_all(table, "tr").size() >= 10;
  }

  // Readability's _cleanConditionally.
  void clean_conditionally(xmlNode* content, const char* tag) {
    std::vector<xmlNode*> nodes = find_all(content, tag);
    const bool tag_is_list = std::string_view(tag) == "ul" || std::string_view(tag) == "ol";
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
      xmlNode* node = *it;
      if (node->parent == nullptr) continue;
      if (std::string_view(tag) == "table" && is_data_table(node)) continue;
      if (has_ancestor(node, "code")) continue;
      if (should_remove(node, tag_is_list) || (tag_is_list && is_link_list(node))) remove_node(node);
    }
  }

  // trafilatura: a list whose every item points elsewhere is a list of
  // other articles ("More stories"), whatever its words around the links.
  static bool is_link_list(xmlNode* list) {
    std::size_t items = 0, linked = 0;
    for (xmlNode* item : element_children(list)) {
      if (!is_tag(item, "li")) continue;
      ++items;
      if (find_first(item, "a") != nullptr) ++linked;
    }
    return items >= 2 && linked == items && link_density(list) > 0.3;
  }

  // A container around one paragraph of prose: its class names how the
  // site styles it ("sourced-paragraph", "leafmedia"), not boilerplate.
  static bool is_paragraph_wrapper(xmlNode* node) {
    const std::vector<xmlNode*> children = element_children(node);
    return children.size() == 1 && is_tag(children.front(), "p") && text_length(node) >= 80 &&
           link_density(node) < 0.5 && text_length(children.front()) == text_length(node);
  }

  bool should_remove(xmlNode* node, bool tag_is_list) {
    const std::size_t length = text_length(node);
    bool is_list = tag_is_list;
    if (!is_list && length > 0) {
      std::size_t list_length = 0;
      for (const char* list : {"ul", "ol"}) {
        for (xmlNode* item : find_all(node, list)) list_length += text_length(item);
      }
      is_list = static_cast<double>(list_length) / static_cast<double>(length) > 0.9;
    }
    const int weight = flags_.weight_classes ? class_weight(node) : 0;
    if (weight < 0 && !is_paragraph_wrapper(node)) return true;
    const std::string text = normalized_text(node);
    if (count_commas(text) >= 10) return false;

    const double paragraphs = static_cast<double>(find_all(node, "p").size());
    const double images = static_cast<double>(find_all(node, "img").size());
    const double inputs = static_cast<double>(find_all(node, "input").size());
    std::size_t heading_length = 0;
    for (const char* heading : {"h1", "h2", "h3", "h4", "h5", "h6"}) {
      for (xmlNode* h : find_all(node, heading)) heading_length += text_length(h);
    }
    const double heading_density =
        length == 0 ? 0 : static_cast<double>(heading_length) / static_cast<double>(length);
    const double density = link_density(node);
    const bool in_figure = has_ancestor(node, "figure");
    const std::size_t videos = find_all(node, "video").size();

    bool remove = (images > 1 && paragraphs / images < 0.5 && !in_figure) ||
                  (inputs > std::floor(paragraphs / 3)) ||
                  (!is_list && heading_density < 0.9 && length < 25 && (images == 0 || images > 2) &&
                   !in_figure && videos == 0) ||
                  (!is_list && weight < 25 && density > 0.2) || (weight >= 25 && density > 0.5);
    // A list of images (a gallery) stays.
    if (is_list && remove) {
      std::size_t items = 0, item_images = 0;
      for (xmlNode* child : element_children(node)) {
        if (element_children(child).size() > 1) return remove;
        ++items;
        item_images += find_all(child, "img").size();
      }
      if (items > 0 && items == item_images) return false;
    }
    return remove;
  }

  xmlDoc* doc_;
  const ContentFlags& flags_;
  std::string title_;
  std::vector<xmlNode*> to_score_;
  std::vector<xmlNode*> candidates_;
  std::unordered_map<xmlNode*, double> scores_;
  std::unordered_map<const xmlNode*, std::size_t> lengths_;  // valid until gather() moves nodes
};

}  // namespace

xmlNode* find_main_content(xmlDoc* doc, const ContentFlags& flags, std::string_view title) {
  return ContentFinder(doc, flags, title).run();
}

}  // namespace newsvault::extract
