#include "publish/site_style.h"

namespace newsvault::publish {

std::string_view site_stylesheet() {
  // System fonts first (no web fonts: nothing to fetch), then the CJK
  // families of each platform, Traditional before Simplified unless the
  // page says it is Simplified Chinese: the same code points take the
  // glyph shapes of the family that supplies them.
  return R"css(:root {
  color-scheme: light dark;
  --text: #1f1f1f;
  --muted: #62626a;
  --background: #fdfdfb;
  --link: #0b57d0;
  --visited: #6a3ab2;
  --rule: #e2e2de;
  --added: #d9f2df;
  --removed: #fbe1e1;
  --notice: #fff6d6;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial,
    "PingFang TC", "PingFang SC", "Hiragino Sans", "Hiragino Sans GB", "Microsoft JhengHei",
    "Microsoft YaHei", "Noto Sans CJK TC", "Noto Sans CJK SC", "Source Han Sans TC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
}
:root:lang(zh-Hans), :root:lang(zh-CN), :root:lang(zh-SG) {
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial,
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #e4e4e0;
    --muted: #a3a3ab;
    --background: #151517;
    --link: #8ab4f8;
    --visited: #c4a7f5;
    --rule: #2e2e33;
    --added: #173a22;
    --removed: #45201f;
    --notice: #3a3115;
  }
}
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--background);
  color: var(--text);
  font-family: var(--sans);
  font-size: 1.0625rem;
  line-height: 1.8;
  overflow-wrap: break-word;
}
header.site, main, footer.site { max-width: 42rem; margin: 0 auto; padding: 0 1.25rem; }
header.site { padding-top: 1rem; padding-bottom: .5rem; border-bottom: 1px solid var(--rule); font-size: .95rem; }
header.site nav a { margin-right: 1rem; }
footer.site { margin-top: 3rem; padding-bottom: 2rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .85rem; }
a { color: var(--link); }
a:visited { color: var(--visited); }
h1 { font-size: 1.8rem; line-height: 1.35; margin: 1.5rem 0 .5rem; }
h2 { font-size: 1.3rem; line-height: 1.4; margin: 2rem 0 .5rem; }
h3 { font-size: 1.1rem; }
.meta, .unchanged { color: var(--muted); font-size: .9rem; }
.notice { background: var(--notice); padding: .5rem .75rem; border-radius: .25rem; }
.body img, .body video { max-width: 100%; height: auto; display: block; margin: 1rem 0 .25rem; }
.body blockquote { margin: 1rem 0; padding-left: 1rem; border-left: 3px solid var(--rule); }
.body pre { overflow-x: auto; }
.body table { display: block; overflow-x: auto; border-collapse: collapse; }
.body small { font-size: .85rem; }
ul.articles, ul.feeds, ul.days { list-style: none; padding: 0; }
ul.articles li, ul.feeds li, ul.days li { padding: .4rem 0; border-bottom: 1px solid var(--rule); }
ul.articles time { color: var(--muted); margin-right: .5rem; font-variant-numeric: tabular-nums; }
.tag { font-size: .75rem; color: var(--muted); border: 1px solid var(--rule); border-radius: .25rem; padding: 0 .3rem; margin-left: .3rem; white-space: nowrap; }
ol.revisions { padding-left: 1.25rem; }
.diff { border-left: 3px solid var(--rule); padding-left: .75rem; }
ins { background: var(--added); text-decoration: none; }
del { background: var(--removed); }
@media (max-width: 40rem) {
  body { font-size: 1rem; line-height: 1.75; }
  h1 { font-size: 1.45rem; }
  header.site, main, footer.site { padding: 0 1rem; }
  header.site { padding-top: .75rem; }
}
)css";
}

}  // namespace newsvault::publish
