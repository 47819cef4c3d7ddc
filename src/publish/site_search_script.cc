// search/search.js: the static site's search, run by search.html.
#include "publish/site_search.h"

namespace newsvault::publish {

std::string_view site_search_script() {
  return R"js(// newsvault's site search: reads the index under search/ (made by
// newsvault publish) by adding <script> elements, since a page opened from
// disk may not fetch() files, and finds the articles holding every term of
// the query, as `newsvault search` does (docs/internals/publish.md).
(function () {
  "use strict";
  var loaded = {};
  var pending = {};
  var files = [];
  window.newsvaultSearch = { load: function (name, data) { loaded[name] = data; } };

  // The index file NAME (search/NAME.js): a promise of its data, null when
  // there is no such file. Each file is added once.
  function load(name) {
    if (Object.prototype.hasOwnProperty.call(loaded, name)) return Promise.resolve(loaded[name]);
    if (pending[name]) return pending[name];
    pending[name] = new Promise(function (resolve) {
      var element = document.createElement("script");
      element.src = "search/" + name + ".js";
      element.onload = function () {
        files.push(name);
        resolve(loaded[name] === undefined ? null : loaded[name]);
      };
      element.onerror = function () { loaded[name] = null; resolve(null); };
      document.head.appendChild(element);
    });
    return pending[name];
  }

  // Folding, as core/fold.cc does it: one code point for one code point.
  var t2s = new Map();
  function isHan(c) {
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
  }
  function isCjk(c) {
    return isHan(c) || (c >= 0x2E80 && c <= 0x2FDF) || (c >= 0x3040 && c <= 0x30FF) ||
           (c >= 0x3100 && c <= 0x312F) || (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xAC00 && c <= 0xD7AF);
  }
  function isWord(c) {
    if (c < 0x80) return (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39);
    if (c < 0xC0 || c === 0xD7 || c === 0xF7 || c === 0xFFFD) return false;
    if (c >= 0x2000 && c <= 0x2BFF) return false;
    if (c >= 0x3000 && c <= 0x303F) return false;
    if (c >= 0xFE30 && c <= 0xFE4F) return false;
    if (c >= 0xFF00 && c <= 0xFFEF) return false;
    if (c >= 0xD800 && c <= 0xDFFF) return false;
    return !isCjk(c);
  }
  function fold(c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (c >= 0x41 && c <= 0x5A) return c + 0x20;
    if (c < 0x80) return c;
    if ((c >= 0xC0 && c <= 0xDE && c !== 0xD7) || (c >= 0x391 && c <= 0x3A9) || (c >= 0x410 && c <= 0x42F)) {
      return c + 0x20;
    }
    if (c >= 0x400 && c <= 0x40F) return c + 0x50;
    if (c >= 0x100 && c <= 0x17F && c % 2 === 0 && c !== 0x130 && c !== 0x138) return c + 1;
    var simplified = t2s.get(c);
    return simplified === undefined ? c : simplified;
  }

  // The positions FTS5 counts in a text: a word, or one CJK character with
  // the next character of its run. start and end index the original text.
  function positions(text) {
    var points = [];
    for (var i = 0; i < text.length;) {
      var c = text.codePointAt(i);
      var length = c > 0xFFFF ? 2 : 1;
      points.push({ c: fold(c), start: i, end: i + length });
      i += length;
    }
    var out = [];
    for (var k = 0; k < points.length;) {
      if (isWord(points[k].c)) {
        var word = "", start = points[k].start;
        for (; k < points.length && isWord(points[k].c); ++k) word += String.fromCodePoint(points[k].c);
        out.push({ word: word, start: start, end: points[k - 1].end });
      } else if (isCjk(points[k].c)) {
        var runEnd = k;
        while (runEnd < points.length && isCjk(points[runEnd].c)) ++runEnd;
        for (; k < runEnd; ++k) {
          var last = k + 1 === runEnd;
          out.push({ ch: String.fromCodePoint(points[k].c), next: last ? "" : String.fromCodePoint(points[k + 1].c),
                     start: points[k].start, end: points[k].end, nextEnd: last ? points[k].end : points[k + 1].end });
        }
      } else {
        ++k;
      }
    }
    return out;
  }

  // A term's tokens as a query has them: a word; a run of one character as
  // itself; a longer run as its bigrams, which must stand in a row.
  function termTokens(term) {
    var found = positions(term), out = [];
    for (var i = 0; i < found.length;) {
      if (found[i].word !== undefined) { out.push({ kind: "word", text: found[i].word }); ++i; continue; }
      var j = i;
      while (found[j].next !== "") ++j;
      if (j === i) out.push({ kind: "char", text: found[i].ch });
      for (var k = i; k < j; ++k) out.push({ kind: "bigram", text: found[k].ch + found[k].next });
      i = j + 1;
    }
    return out;
  }

  // Where a term stands in a text: [start, end) of each occurrence.
  function occurrences(places, tokens) {
    var out = [];
    for (var p = 0; p + tokens.length <= places.length; ++p) {
      var ok = true;
      for (var k = 0; k < tokens.length && ok; ++k) {
        var place = places[p + k], token = tokens[k];
        if (token.kind === "word") ok = place.word === token.text;
        else if (token.kind === "char") ok = place.ch === token.text;
        else ok = place.ch !== undefined && place.ch + place.next === token.text;
      }
      if (ok) {
        var lastPlace = places[p + tokens.length - 1];
        out.push([places[p].start, tokens[tokens.length - 1].kind === "bigram" ? lastPlace.nextEnd : lastPlace.end]);
      }
    }
    return out;
  }

  // FNV-1a over the token's UTF-8, as site_search.cc names files.
  function hash(token) {
    var bytes = new TextEncoder().encode(token), h = 0x811C9DC5;
    for (var i = 0; i < bytes.length; ++i) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
    return h >>> 0;
  }
  function hex(value, width) { return value.toString(16).padStart(width, "0"); }

  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function decode(text) {
    var ids = [];
    if (!text) return ids;
    if (text[0] === "m") {
      for (var i = 1; i < text.length; ++i) {
        var bits = DIGITS.indexOf(text[i]);
        for (var bit = 0; bit < 6; ++bit) if (bits & (1 << bit)) ids.push((i - 1) * 6 + bit);
      }
    } else {
      var previous = 0, gap = 0, scale = 1;
      for (var k = 1; k < text.length; ++k) {
        var digit = DIGITS.indexOf(text[k]);
        gap += (digit & 31) * scale;
        scale *= 32;
        if (!(digit & 32)) { previous += gap; ids.push(previous); gap = 0; scale = 1; }
      }
    }
    return ids;
  }
  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); ++i; ++j; } else if (a[i] < b[j]) ++i; else ++j;
    }
    return out;
  }

  // A token's postings: in its bucket, or (the bucket says 0) in a file of
  // its own. Both are asked for at once, so that a common token costs one
  // load in a row, not two; a token with no file of its own leaves only a
  // failed load behind.
  function postings(token, buckets) {
    var bucketFile = load("b/" + hex(hash(token) % buckets, 3));
    var ownFile = load("t/" + hex(hash(token), 8));
    return bucketFile.then(function (bucket) {
      var entry = bucket ? bucket[token] : undefined;
      if (entry !== 0) return entry || null;
      return ownFile.then(function (own) { return own ? own[token] || null : null; });
    });
  }

  var form, input, status, list, more, buckets = 0, started = performance.now();
  var state = { terms: [], candidates: [], next: 0, shown: 0, verify: false };

  function setStatus(text) { status.textContent = text; }
  function finished() {
    document.body.setAttribute("data-search-ms", String(Math.round(performance.now() - started)));
    document.body.setAttribute("data-search-files", files.join(" "));
    document.body.setAttribute("data-search-state", "done");
  }

  function snippet(text, terms) {
    var places = positions(text), ranges = [];
    terms.forEach(function (term) { ranges = ranges.concat(occurrences(places, term.tokens)); });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var from = ranges.length ? Math.max(0, ranges[0][0] - 40) : 0;
    var to = Math.min(text.length, from + 160);
    var paragraph = document.createElement("p");
    paragraph.className = "snippet";
    var at = from;
    if (from > 0) paragraph.appendChild(document.createTextNode("…"));
    ranges.forEach(function (range) {
      if (range[0] < at || range[1] > to) return;
      paragraph.appendChild(document.createTextNode(text.slice(at, range[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(range[0], range[1]);
      paragraph.appendChild(mark);
      at = range[1];
    });
    paragraph.appendChild(document.createTextNode(text.slice(at, to) + (to < text.length ? "…" : "")));
    return paragraph;
  }

  function matches(article, terms) {
    var title = positions(article.t), text = positions(article.x);
    return terms.every(function (term) {
      return term.tokens.length < 2 || occurrences(title, term.tokens).length > 0 ||
             occurrences(text, term.tokens).length > 0;
    });
  }

  function show(article) {
    var item = document.createElement("li");
    var heading = document.createElement("a");
    heading.href = article.p;
    heading.textContent = article.t || article.p;
    item.appendChild(heading);
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = " " + article.f + " · " + article.d;
    item.appendChild(meta);
    item.appendChild(snippet(article.x, state.terms));
    list.appendChild(item);
    state.shown += 1;
  }

  // Shows the next results: 20 articles, each read from its own small
  // file. A term of several tokens (a CJK term of three characters or more,
  // or words joined by punctuation) is checked in the article's text, since
  // the index says only which articles hold each token.
  function showMore() {
    var goal = state.shown + 20;
    function round() {
      if (state.shown >= goal || state.next >= state.candidates.length) return Promise.resolve();
      var batch = state.candidates.slice(state.next, state.next + 20);
      state.next += batch.length;
      return Promise.all(batch.map(function (id) { return load("a/" + Math.floor(id / 1000) + "/" + id); }))
        .then(function (articles) {
          articles.forEach(function (article) {
            if (article && state.shown < goal && (!state.verify || matches(article, state.terms))) show(article);
          });
          return round();
        });
    }
    return round().then(function () {
      var total = state.candidates.length;
      more.hidden = state.next >= total;
      if (state.verify) {
        setStatus(state.shown + " articles shown" + (more.hidden ? "." : ", of at most " + total + "."));
      } else {
        setStatus(total + (total === 1 ? " article." : " articles.") + (total > state.shown ? " Showing " + state.shown + "." : ""));
      }
      finished();
    });
  }

  function search(query) {
    started = performance.now();
    var terms = [];
    query.split(/[\s\u3000]+/).forEach(function (text) {
      var tokens = termTokens(text);
      if (tokens.length) terms.push({ text: text, tokens: tokens });
    });
    if (!terms.length) { setStatus("Type the words to search for."); finished(); return; }
    setStatus("Searching…");
    (buckets ? Promise.resolve({ buckets: buckets }) : load("meta")).then(function (meta) {
      if (!meta) { setStatus("This site has no search index yet: publish it again with newsvault."); finished(); return; }
      var wanted = [];
      terms.forEach(function (term) {
        term.tokens.forEach(function (token) { if (wanted.indexOf(token.text) < 0) wanted.push(token.text); });
      });
      return Promise.all(wanted.map(function (token) { return postings(token, meta.buckets); })).then(function (entries) {
        var found = {};
        wanted.forEach(function (token, i) {
          found[token] = entries[i] ? { all: decode(entries[i][0]), title: new Set(decode(entries[i][1])) } : null;
        });
        var lists = wanted.map(function (token) { return found[token] ? found[token].all : []; });
        lists.sort(function (a, b) { return a.length - b.length; });
        var candidates = lists.reduce(function (acc, next) { return intersect(acc, next); });
        // Titles first: the terms whose every token the title holds; then newest.
        var score = function (id) {
          return terms.filter(function (term) {
            return term.tokens.every(function (token) { return found[token.text].title.has(id); });
          }).length;
        };
        var scored = candidates.map(function (id) { return { id: id, score: score(id) }; });
        scored.sort(function (a, b) { return b.score - a.score || b.id - a.id; });
        state = { terms: terms, candidates: scored.map(function (entry) { return entry.id; }), next: 0, shown: 0,
                  verify: terms.some(function (term) { return term.tokens.length > 1; }) };
        if (!state.candidates.length) { setStatus("No article holds " + query.trim() + "."); finished(); return; }
        return showMore();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("search");
    input = document.getElementById("q");
    status = document.getElementById("status");
    list = document.getElementById("results");
    more = document.getElementById("more");
    buckets = parseInt(form.getAttribute("data-buckets") || "0", 10) || 0;
    var pairs = Array.from(form.getAttribute("data-t2s") || "");
    for (var i = 0; i + 1 < pairs.length; i += 2) t2s.set(pairs[i].codePointAt(0), pairs[i + 1].codePointAt(0));
    more.addEventListener("click", function () { started = performance.now(); showMore(); });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) { input.value = query; search(query); } else { finished(); }
  });
})();
)js";
}

}  // namespace newsvault::publish
