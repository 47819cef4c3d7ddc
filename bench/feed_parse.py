#!/usr/bin/python3
"""Helper for bench/feed_parse.sh: makes the large feed, times feedparser,
prints the table.

  feed_parse.py generate OUT [--mb N] [--seed S]
      Writes a deterministic RSS 2.0 feed of at least N MB (default 52) to OUT.
  feed_parse.py feedparser [--repeat R] FILE...
      Times feedparser.parse() on each file inside this one process, so the
      interpreter's start-up and imports are not counted. Prints one line:
      files bytes seconds bozo entries (bozo: feeds feedparser flagged).
  feed_parse.py report RESULTS.tsv
      Prints the comparison table from the rows feed_parse.sh collected
      (tools: newsvault-lib, newsvault-cli, feedparser, xmllint).

Runs under /usr/bin/python3: Debian's python3-feedparser (6.0.10) is installed
for that interpreter, not for a pyenv or venv python that may come first on
PATH.
"""

import argparse
import datetime
import email.utils
import html
import random
import sys
import time

# ---------------------------------------------------------------------------
# generate

# News-like vocabulary. A few accented Latin words are mixed in so that the
# feed is not pure ASCII: a parser whose fast path is ASCII-only would look
# better here than on real feeds.
_WORDS = (
    "the a of to and in on for with by from at as is was were will said after "
    "before government minister market shares rose fell percent economy growth "
    "inflation central bank rates election vote parliament city council police "
    "report study researchers climate energy prices oil gas company chief "
    "executive quarter profit losses investors football season league cup match "
    "coach players health hospital patients vaccine school students university "
    "court judge ruling appeal law security officials talks agreement trade "
    "tariffs exports workers strike union weather storm flooding wildfire "
    "technology software startup platform users data privacy regulators "
    "museum festival film music album tour award critics readers weekend "
    "café São Paulo Zürich Málaga Kraków Łódź Ærøskøbing naïve résumé déjà "
    "Gdańsk Curaçao façade über Düsseldorf Straße señora año Bogotá Québec"
).split()

# Whole Chinese sentences rather than characters picked at random: real feeds
# carry runs of CJK text, and a run is what a UTF-8 decoder sees.
_CHINESE = (
    "国家统计局今天公布的数据显示，第一季度国内生产总值同比增长百分之五点三。",
    "上海证券交易所的主要指数收盘上涨，科技股表现强劲。",
    "北京市政府宣布将在明年扩大地铁网络，新增三条线路。",
    "专家表示，人工智能技术的发展将深刻改变新闻行业。",
    "受强降雨影响，南方多个省份发布了洪水预警。",
    "中国女子足球队在昨晚的比赛中以二比一战胜对手。",
    "研究人员在《自然》杂志上发表了关于气候变化的新论文。",
    "香港国际电影节将于下月开幕，共展映两百多部影片。",
)

_SECTIONS = ("world", "business", "politics", "technology", "science",
             "sport", "culture", "health", "climate", "asia")
_AUTHORS = ("Jane Doe", "John Smith", "María José Fernández", "Zoë Müller",
            "李明", "王芳", "François Lefèvre", "Søren Kierkegaard Jr.",
            "Ngozi Okafor", "Kenji Tanaka")
_CATEGORIES = ("World", "Europe", "Asia", "Economy", "Markets", "Elections",
               "Climate", "Technology", "AI", "Football", "Health", "Science",
               "Culture", "Film", "中国", "经济", "Économie", "España")


def _sentence(rng, low, high):
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _paragraph(rng, index):
    """One paragraph of article HTML with the inline markup real CMSs emit."""
    parts = [_sentence(rng, 8, 24) for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.3:
        parts.append(rng.choice(_CHINESE))
    # Inline markup between the sentences, not only around them.
    where = rng.randrange(len(parts))
    parts[where] = f'<a href="https://news.example.com/topic/{rng.choice(_SECTIONS)}?ref=para{index}">{parts[where]}</a>'
    where = rng.randrange(len(parts))
    parts[where] = f"<strong>{parts[where]}</strong>" if rng.random() < 0.5 else f"<em>{parts[where]}</em>"
    text = " ".join(parts)
    roll = rng.random()
    if roll < 0.10:
        return f"<blockquote><p>{text}</p></blockquote>"
    if roll < 0.20:
        n = rng.randrange(1_000_000)
        return (f'<figure><img src="https://cdn.example.com/img/{n}.jpg" alt="{_sentence(rng, 3, 6)}" '
                f'width="1024" height="576" loading="lazy"/><figcaption>{_sentence(rng, 5, 12)}</figcaption></figure>'
                f"<p>{text}</p>")
    return f"<p>{text}</p>"


def _rfc822(dt, rng):
    # RFC 822 / RFC 2822 §3.3 dates, in the spellings feeds use: "GMT" and
    # numeric offsets.
    if rng.random() < 0.5:
        return email.utils.format_datetime(dt.astimezone(datetime.timezone.utc), usegmt=True)
    offset = datetime.timezone(datetime.timedelta(hours=rng.choice((-5, -4, 1, 2, 8, 9))))
    return email.utils.format_datetime(dt.astimezone(offset))


# RSS 2.0 lets a category name its taxonomy; the first category of an item does.
_DOMAIN = ' domain="https://news.example.com/tags"'


def _item(rng, i, when):
    section = rng.choice(_SECTIONS)
    slug = "-".join(w.lower() for w in rng.choices(_WORDS[:120], k=6))
    link = f"https://news.example.com/{when:%Y/%m/%d}/{section}/{slug}-{i}"
    title = _sentence(rng, 6, 14)[:-1]
    if i % 7 == 0:
        title = rng.choice(_CHINESE)
    # description: a summary that is itself HTML, escaped once, as most feeds
    # send it (&lt;p&gt;...), with an entity inside it (&amp;amp;, &amp;#8212;).
    summary_html = (
        f'<p>{_sentence(rng, 20, 40)} <a href="{link}?utm_source=rss&utm_medium=feed">Read more</a></p>'
        f"<p>{_sentence(rng, 10, 20)} Q&A &#8212; “quotes”.</p>")
    # content:encoded: the whole article, a few KB, in one CDATA section.
    article = "\n".join(_paragraph(rng, p) for p in range(rng.randint(4, 9)))
    assert "]]>" not in article
    image = rng.randrange(1_000_000)
    tags = rng.sample(_CATEGORIES, rng.randint(2, 5))
    categories = "".join(
        f'      <category{_DOMAIN if k == 0 else ""}>{html.escape(tag, quote=False)}</category>\n'
        for k, tag in enumerate(tags))
    if i % 2:
        guid = f'<guid isPermaLink="true">{html.escape(link)}</guid>'
    else:
        guid = f'<guid isPermaLink="false">urn:uuid:{rng.getrandbits(128):032x}</guid>'
    return f"""    <item>
      <title>{html.escape(title, quote=False)}</title>
      <link>{html.escape(link)}</link>
      {guid}
      <pubDate>{_rfc822(when, rng)}</pubDate>
      <dc:creator>{html.escape(rng.choice(_AUTHORS), quote=False)}</dc:creator>
{categories}      <description>{html.escape(summary_html, quote=False)}</description>
      <content:encoded><![CDATA[{article}]]></content:encoded>
      <enclosure url="https://cdn.example.com/audio/{image}.mp3" length="{rng.randint(100_000, 90_000_000)}" type="audio/mpeg"/>
      <media:content url="https://cdn.example.com/img/{image}.jpg" medium="image" type="image/jpeg" width="1200" height="675">
        <media:title type="plain">{html.escape(_sentence(rng, 3, 8), quote=False)}</media:title>
        <media:description type="plain">{html.escape(_sentence(rng, 8, 16), quote=False)}</media:description>
        <media:credit role="photographer">{html.escape(rng.choice(_AUTHORS), quote=False)}</media:credit>
      </media:content>
    </item>
"""


def generate(args):
    rng = random.Random(args.seed)  # fixed seed: the same bytes on every run
    target = int(args.mb * 1_000_000)
    start = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
    head = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Example News – Top Stories (benchmark feed, seed {args.seed})</title>
    <link>https://news.example.com/</link>
    <description>Generated by newsvault bench/feed_parse.py: large, realistic, deterministic.</description>
    <language>en-gb</language>
    <lastBuildDate>{email.utils.format_datetime(start, usegmt=True)}</lastBuildDate>
    <generator>newsvault bench</generator>
    <atom:link href="https://news.example.com/rss.xml" rel="self" type="application/rss+xml"/>
    <image><url>https://news.example.com/logo.png</url><title>Example News</title><link>https://news.example.com/</link></image>
"""
    tail = "  </channel>\n</rss>\n"
    written = 0
    items = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(head)
        written += len(head.encode("utf-8"))
        while written < target:
            # Items go back in time a few minutes apart, like a busy site's archive.
            when = start - datetime.timedelta(seconds=items * 397)
            text = _item(rng, items, when)
            out.write(text)
            written += len(text.encode("utf-8"))
            items += 1
        out.write(tail)
    print(f"{items} items")


# ---------------------------------------------------------------------------
# feedparser

def time_feedparser(args):
    import feedparser  # imported here: generate and report must not need it

    files = args.files
    if args.files_from:
        with open(args.files_from, "rb") as listing:
            files = [f.decode() for f in listing.read().split(b"\0") if f]
    total_bytes = 0
    total_seconds = 0.0
    bozo = 0
    entries = 0
    for path in files:
        with open(path, "rb") as f:
            data = f.read()  # read outside the timer: we measure parsing, not I/O
        best = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
            elapsed = time.perf_counter() - t0
            best = elapsed if best is None else min(best, elapsed)
            # bozo marks a feed the strict (expat) parser refused; feedparser
            # then re-reads it with its slower regex-based loose parser.
            # Counted, not fatal: some corpus feeds are broken on purpose.
            flagged = bool(result.get("bozo"))
            count = len(result.entries)
            del result  # free the tree before the next run, so peak RSS is one parse's
        total_bytes += len(data)
        total_seconds += best
        bozo += flagged
        entries += count
    print(len(files), total_bytes, f"{total_seconds:.6f}", bozo, entries)


# ---------------------------------------------------------------------------
# report

def report(args):
    rows = []
    with open(args.results, encoding="utf-8") as f:
        for line in f:
            tool, input_name, files, size, seconds, rss_kb = line.rstrip("\n").split("\t")
            rows.append(dict(tool=tool, input=input_name, files=int(files), bytes=int(size),
                             seconds=float(seconds), rss_kb=int(rss_kb) if rss_kb != "-" else None))

    def throughput(row):
        return row["bytes"] / 1e6 / row["seconds"] if row["seconds"] > 0 else float("inf")

    header = f"{'tool':<14} {'input':<24} {'files':>5} {'MB':>8} {'seconds':>9} {'MB/s':>9} {'peak RSS MB':>12}"
    print(header)
    print("-" * len(header))
    for row in rows:
        rss = f"{row['rss_kb'] / 1024:.1f}" if row["rss_kb"] is not None else "-"
        print(f"{row['tool']:<14} {row['input']:<24} {row['files']:>5} {row['bytes'] / 1e6:>8.2f} "
              f"{row['seconds']:>9.3f} {throughput(row):>9.2f} {rss:>12}")

    # Ratios are of throughput (MB/s), so they stay fair where a tool read a
    # slightly different set of files (xmllint skips the corpus's JSON Feeds).
    # Each compares like with like: the library with feedparser's parse()
    # (both in-process, no start-up, no file reading), and xmllint with the
    # library and with the CLI.
    by = {(r["tool"], r["input"]): r for r in rows}
    inputs = list(dict.fromkeys(r["input"] for r in rows))

    def ratio(fast, slow, target, at_least):
        fast_row, slow_row = by.get(fast), by.get(slow)
        if not fast_row or not slow_row:
            return "-", ""
        value = throughput(fast_row) / throughput(slow_row)
        met = value >= target if at_least else value <= target
        return (f"{value:.1f}x" if at_least else f"{value:.2f}x"), ("met" if met else "MISSED")

    print()
    columns = (("lib/feedparser", "newsvault-lib", "feedparser", 30, True),
               ("xmllint/lib", "xmllint", "newsvault-lib", 3, False),
               ("xmllint/cli", "xmllint", "newsvault-cli", 3, False))
    print(f"{'input':<24}" + "".join(f" {name:>15} {'':<6}" for name, *_ in columns))
    for input_name in inputs:
        cells = []
        for _, fast, slow, target, at_least in columns:
            value, verdict = ratio((fast, input_name), (slow, input_name), target, at_least)
            cli = by.get(("newsvault-cli", input_name))
            if slow == "newsvault-cli" and cli and cli["files"] > 1 and value != "-":
                verdict = "(a)"  # a process per file against one for all: no target
            cells.append(f" {value:>15} {verdict:<6}")
        print(f"{input_name:<24}" + "".join(cells))
    print()
    print("targets: lib/feedparser >= 30 (the library parses 30 times as fast as feedparser);")
    print("         xmllint/lib and xmllint/cli <= 3 (within 3x of libxml2's bare `xmllint --noout`)")
    print("(a) the CLI starts a process per file and xmllint one for all files: not comparable")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate")
    gen.add_argument("out")
    gen.add_argument("--mb", type=float, default=52)
    gen.add_argument("--seed", type=int, default=20240601)
    gen.set_defaults(run=generate)

    fp = commands.add_parser("feedparser")
    fp.add_argument("--repeat", type=int, default=1)
    fp.add_argument("--files-from", help="a file of NUL-separated paths")
    fp.add_argument("files", nargs="*")
    fp.set_defaults(run=time_feedparser)

    rep = commands.add_parser("report")
    rep.add_argument("results")
    rep.set_defaults(run=report)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    sys.exit(main())
