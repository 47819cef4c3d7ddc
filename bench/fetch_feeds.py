#!/usr/bin/python3
"""Helper for bench/fetch_feeds.sh: makes the feeds, serves them, counts.

  fetch_feeds.py generate DIR [--feeds N] [--items M] [--seed S]
      Writes N deterministic RSS 2.0 feeds of M items each (default 1,000 of
      50) to DIR/feed-0001.xml ... Prints: feeds items bytes.
  fetch_feeds.py serve DIR --port-file FILE [--port P] [--max-seconds S]
      Serves DIR's feeds at http://127.0.0.1:PORT/feeds/NAME (port P, or by
      default an ephemeral one, written to FILE once the socket listens) with ETag and
      Last-Modified, and answers 304 to a matching If-None-Match or
      If-Modified-Since. HTTP/1.1 with keep-alive, one thread per connection.
      GET /_stats answers the counts as JSON; /_stats?reset also zeroes them.
      Stops by itself after S seconds (default 3600), whatever happens to
      the script that started it.
  fetch_feeds.py lists DIR BASE_URL OPML URLS
      Writes the OPML file (for newsvault import-opml) and the urls file (for
      newsboat) naming the same feeds at BASE_URL.
  fetch_feeds.py count newsvault|newsboat DATABASE
      Prints: feeds items, read from the tool's own store: feeds that were
      fetched without an error, and the articles (items) it holds.
  fetch_feeds.py report RESULTS.tsv
      Prints the comparison table from the rows fetch_feeds.sh collected.

Standard library only; runs under /usr/bin/python3.
"""

import argparse
import datetime
import email.utils
import hashlib
import html
import json
import os
import random
import sqlite3
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# ---------------------------------------------------------------------------
# generate

# News-like vocabulary with accented Latin words mixed in, so that the feeds
# are not pure ASCII.
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
    "café São Paulo Zürich Málaga Kraków Łódź naïve résumé déjà Gdańsk "
    "Curaçao façade über Düsseldorf Straße señora año Bogotá Québec"
).split()

# Whole sentences in other scripts: real feeds carry runs of them.
_OTHER_SCRIPTS = (
    "国家统计局今天公布的数据显示，第一季度国内生产总值同比增长百分之五点三。",
    "北京市政府宣布将在明年扩大地铁网络，新增三条线路。",
    "受强降雨影响，南方多个省份发布了洪水预警。",
    "Центральный банк сохранил ключевую ставку без изменений.",
    "Правительство объявило о новых мерах поддержки экономики.",
    "وقالت الوزارة إن المحادثات ستستأنف الأسبوع المقبل.",
    "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την ενέργεια.",
)

_SECTIONS = ("world", "business", "politics", "technology", "science",
             "sport", "culture", "health", "climate", "asia")
_AUTHORS = ("Jane Doe", "John Smith", "María José Fernández", "Zoë Müller",
            "李明", "François Lefèvre", "Ngozi Okafor", "Kenji Tanaka")
_CATEGORIES = ("World", "Europe", "Asia", "Economy", "Markets", "Elections",
               "Climate", "Technology", "Football", "Health", "Science",
               "Culture", "中国", "Économie", "España")

# Every feed was last changed at this moment (its Last-Modified); items go
# back in time from it.
_EPOCH = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)


# Where the generated articles' pictures are: the serving process puts its
# own address in its place, so that a fetch with images on (the default)
# downloads real images from 127.0.0.1 as it would from an outlet's CDN.
_IMAGES = "http://bench-images.invalid"


def _png(seed, width=160, height=90):
    """A width x height RGB PNG of noise drawn from seed: about 43 KB that
    does not compress, a different picture for each seed."""
    rng = random.Random(seed)
    raw = b"".join(b"\0" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1))
            + chunk(b"IEND", b""))


def _sentence(rng, low, high):
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _paragraph(rng, host):
    """One paragraph of article HTML with the inline markup CMSs emit."""
    parts = [_sentence(rng, 8, 20) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.3:
        parts.append(rng.choice(_OTHER_SCRIPTS))
    where = rng.randrange(len(parts))
    parts[where] = f'<a href="https://{host}/topic/{rng.choice(_SECTIONS)}">{parts[where]}</a>'
    where = rng.randrange(len(parts))
    parts[where] = f"<strong>{parts[where]}</strong>" if rng.random() < 0.5 else f"<em>{parts[where]}</em>"
    text = " ".join(parts)
    roll = rng.random()
    if roll < 0.1:
        return f"<blockquote><p>{text}</p></blockquote>"
    if roll < 0.2:
        n = rng.randrange(1_000_000)
        return (f'<figure><img src="{_IMAGES}/cdn.{host}/img/{n}.png" alt="{_sentence(rng, 3, 6)}"/>'
                f"<figcaption>{_sentence(rng, 4, 10)}</figcaption></figure><p>{text}</p>")
    return f"<p>{text}</p>"


def _item(rng, feed_number, i, host, when):
    section = rng.choice(_SECTIONS)
    slug = "-".join(w.lower() for w in rng.choices(_WORDS[:100], k=5))
    link = f"https://{host}/{when:%Y/%m/%d}/{section}/{slug}-{feed_number}-{i}"
    title = _sentence(rng, 5, 12)[:-1]
    if i % 9 == 0:
        title = rng.choice(_OTHER_SCRIPTS)
    # description: a few paragraphs of HTML, escaped once, as most feeds send it.
    body = "\n".join(_paragraph(rng, host) for _ in range(rng.randint(2, 5)))
    body += f'\n<p><a href="{link}?utm_source=rss">Read more</a> Q&amp;A &#8212; “quotes”.</p>'
    if i % 2:
        guid = f'<guid isPermaLink="true">{html.escape(link)}</guid>'
    else:
        guid = f'<guid isPermaLink="false">urn:uuid:{rng.getrandbits(128):032x}</guid>'
    categories = "".join(f"      <category>{html.escape(tag, quote=False)}</category>\n"
                         for tag in rng.sample(_CATEGORIES, rng.randint(1, 3)))
    return f"""    <item>
      <title>{html.escape(title, quote=False)}</title>
      <link>{html.escape(link)}</link>
      {guid}
      <pubDate>{email.utils.format_datetime(when, usegmt=True)}</pubDate>
      <dc:creator>{html.escape(rng.choice(_AUTHORS), quote=False)}</dc:creator>
{categories}      <description>{html.escape(body, quote=False)}</description>
    </item>
"""


def _feed(seed, number, items):
    rng = random.Random(f"{seed}/{number}")  # one stream per feed: the same bytes every run
    host = f"news{number % 97}.example.org"
    title = f"Example News {number:04d} – {rng.choice(_SECTIONS).capitalize()}"
    parts = [f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{html.escape(title, quote=False)}</title>
    <link>https://{host}/</link>
    <description>Generated by newsvault bench/fetch_feeds.py (seed {seed}).</description>
    <language>en</language>
    <lastBuildDate>{email.utils.format_datetime(_EPOCH, usegmt=True)}</lastBuildDate>
"""]
    for i in range(items):
        # A few minutes apart, at a pace of its own per feed.
        when = _EPOCH - datetime.timedelta(seconds=i * (300 + number % 600) + number)
        parts.append(_item(rng, number, i, host, when))
    parts.append("  </channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


def generate(args):
    os.makedirs(args.dir, exist_ok=True)
    total = 0
    for number in range(1, args.feeds + 1):
        data = _feed(args.seed, number, args.items)
        with open(os.path.join(args.dir, f"feed-{number:04d}.xml"), "wb") as out:
            out.write(data)
        total += len(data)
    print(args.feeds, args.feeds * args.items, total)


# ---------------------------------------------------------------------------
# serve

class _Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.requests = self.ok = self.not_modified = self.not_found = 0
        self.bytes = self.connections = self.images = 0

    def snapshot(self):
        return dict(requests=self.requests, ok=self.ok, not_modified=self.not_modified,
                    not_found=self.not_found, bytes=self.bytes, connections=self.connections,
                    images=self.images)


class _FeedHandler(BaseHTTPRequestHandler):
    # HTTP/1.1: connections stay open between requests (keep-alive) unless
    # the client says "Connection: close".
    protocol_version = "HTTP/1.1"
    server_version = "newsvault-bench"
    # Headers and body go out in separate writes; without TCP_NODELAY the
    # body can wait for the client's delayed ACK (40 ms on Linux) each time.
    disable_nagle_algorithm = True

    def setup(self):
        super().setup()
        with self.server.stats.lock:
            self.server.stats.connections += 1

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass  # thousands of lines of access log would cost more than serving

    def _send(self, status, headers, body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        stats = self.server.stats
        if self.path.startswith("/_stats"):
            with stats.lock:
                body = json.dumps(stats.snapshot()).encode()
                if self.path.endswith("?reset"):
                    stats.reset()
            self._send(200, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))], body)
            return
        if self.path == "/_advance":
            body = json.dumps({"round": self.server.advance()}).encode()
            self._send(200, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))], body)
            return
        if self.path.startswith("/img/"):
            body = _png(self.path)
            with stats.lock:
                stats.images += 1
            self._send(200, [("Content-Type", "image/png"), ("Content-Length", str(len(body)))], body)
            return
        feed = self.server.feeds.get(self.path)
        if feed is None:
            with stats.lock:
                stats.requests += 1
                stats.not_found += 1
            self._send(404, [("Content-Length", "0")])
            return
        body, etag, last_modified, last_modified_time = feed
        validators = [("ETag", etag), ("Last-Modified", last_modified)]
        if self._not_modified(etag, last_modified_time):
            with stats.lock:
                stats.requests += 1
                stats.not_modified += 1
            # RFC 9110 §15.4.5: a 304 has no body and repeats the validators.
            self._send(304, validators)
            return
        with stats.lock:
            stats.requests += 1
            stats.ok += 1
            stats.bytes += len(body)
        self._send(200, [("Content-Type", "application/rss+xml; charset=utf-8"),
                         ("Content-Length", str(len(body)))] + validators, body)

    def _not_modified(self, etag, last_modified_time):
        # RFC 9110 §13.1.2: If-None-Match compares weakly (W/ ignored); §13.1.3:
        # If-Modified-Since counts only when there is no If-None-Match.
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is None:
            return False
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False  # an unreadable date is ignored, as §13.1.3 says
        if since.tzinfo is None:
            since = since.replace(tzinfo=datetime.timezone.utc)
        return last_modified_time <= since


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: 32 clients connecting at
    # once would see dropped SYNs and one-second retransmits.
    request_queue_size = 1024
    rounds = 0

    def advance(self):
        """The steady state: every feed publishes one new item, at the top,
        a minute after the last; its validators change with it. Returns
        the number of rounds so far."""
        self.rounds += 1
        when = _EPOCH + datetime.timedelta(minutes=self.rounds)
        for path, (body, _, _, _) in list(self.feeds.items()):
            number = int(path.rsplit("-", 1)[1].split(".")[0])
            rng = random.Random(f"{self.seed}/{number}/new/{self.rounds}")
            host = f"news{number % 97}.example.org"
            item = _item(rng, number, 100000 + self.rounds, host, when).encode("utf-8")
            item = item.replace(_IMAGES.encode(), self.images)
            at = body.index(b"    <item>")
            body = body[:at] + item + body[at:]
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            self.feeds[path] = (body, etag, email.utils.format_datetime(when, usegmt=True), when)
        return self.rounds


def serve(args):
    feeds = {}
    for name in sorted(os.listdir(args.dir)):
        if not name.endswith(".xml"):
            continue
        with open(os.path.join(args.dir, name), "rb") as f:
            body = f.read()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        feeds["/feeds/" + name] = (body, etag, email.utils.format_datetime(_EPOCH, usegmt=True), _EPOCH)
    server = _Server(("127.0.0.1", args.port), _FeedHandler)
    server.images = f"http://127.0.0.1:{server.server_address[1]}/img".encode()
    feeds = {path: (body.replace(_IMAGES.encode(), server.images),
                    '"' + hashlib.sha256(body).hexdigest()[:32] + '"', modified, when)
             for path, (body, _, modified, when) in feeds.items()}
    server.feeds = feeds
    server.seed = args.seed
    server.stats = _Stats()
    # The port file appears whole: written aside, then renamed.
    with open(args.port_file + ".tmp", "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.replace(args.port_file + ".tmp", args.port_file)
    # A bound on the server's life: it stops by itself even if the script
    # that started it never gets to.
    stopper = threading.Timer(args.max_seconds, server.shutdown)
    stopper.daemon = True
    stopper.start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


# ---------------------------------------------------------------------------
# lists, count

def lists(args):
    names = sorted(n for n in os.listdir(args.dir) if n.endswith(".xml"))
    base = args.base_url.rstrip("/")
    with open(args.opml, "w", encoding="utf-8") as opml, open(args.urls, "w", encoding="utf-8") as urls:
        opml.write('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
                   "  <head><title>fetch_feeds benchmark</title></head>\n  <body>\n")
        for name in names:
            url = f"{base}/feeds/{name}"
            opml.write(f'    <outline type="rss" text="{name[:-4]}" title="{name[:-4]}" xmlUrl="{url}"/>\n')
            urls.write(url + "\n")
        opml.write("  </body>\n</opml>\n")


def count(args):
    # Read-only, and never creating the file: a missing store is an error.
    db = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True)
    if args.tool == "newsvault":
        feeds = db.execute("SELECT count(*) FROM feeds WHERE last_fetched IS NOT NULL AND last_error = ''").fetchone()[0]
        items = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    else:
        # newsboat keeps a feed's row once it has read it at least once.
        feeds = db.execute("SELECT count(*) FROM rss_feed").fetchone()[0]
        items = db.execute("SELECT count(*) FROM rss_item").fetchone()[0]
    print(feeds, items)


# ---------------------------------------------------------------------------
# report

def report(args):
    columns = ("tool", "run", "seconds", "rss_kb", "feeds", "items", "requests", "not_modified", "cpu", "images")
    rows = []
    with open(args.results, encoding="utf-8") as f:
        for line in f:
            row = dict(zip(columns, line.rstrip("\n").split("\t")))
            row["seconds"] = float(row["seconds"])
            for key in columns[3:-2]:
                row[key] = int(row[key])
            row["cpu"] = float(row.get("cpu") or "nan")
            row["images"] = int(row.get("images") or 0)
            rows.append(row)

    header = (f"{'tool':<10} {'run':<19} {'seconds':>8} {'user+sys':>9} {'peak RSS MB':>12} {'feeds':>6} "
              f"{'items':>7} {'items/s':>9} {'requests':>9} {'304s':>6} {'images':>7}")
    print(header)
    print("-" * len(header))
    for row in rows:
        rate = row["items"] / row["seconds"] if row["seconds"] > 0 else float("inf")
        print(f"{row['tool']:<10} {row['run']:<19} {row['seconds']:>8.2f} {row['cpu']:>9.2f} "
              f"{row['rss_kb'] / 1024:>12.1f} "
              f"{row['feeds']:>6} {row['items']:>7} {rate:>9.0f} {row['requests']:>9} {row['not_modified']:>6} "
              f"{row['images']:>7}")

    by = {(r["tool"], r["run"]): r for r in rows}
    print()

    def ratio(name, top, bottom, target=None, met=None):
        if top is None or bottom is None:
            print(f"{name:<52} {'-':>8}")
            return
        value = top["seconds"] / bottom["seconds"] if bottom["seconds"] > 0 else float("inf")
        verdict = f"target {target}: {'met' if met(value) else 'MISSED'}" if target else "(no target)"
        print(f"{name:<52} {value:>8.3f}   {verdict}")

    # The default settings publish: the first run's target is on that run.
    # Without publishing is shown for what fetching alone costs.
    ratio("newsboat / newsvault, first run (publishing off)", by.get(("newsboat", "first")),
          by.get(("newsvault", "first")))
    ratio("newsvault re-run / first run (publishing off)", by.get(("newsvault", "re-run")),
          by.get(("newsvault", "first")))
    ratio("newsvault re-run / first run (default settings)", by.get(("newsvault", "re-run, publishing")),
          by.get(("newsvault", "first, publishing")), "< 0.1", lambda v: v < 0.1)
    ratio("newsboat / newsvault, first run (default settings)", by.get(("newsboat", "first")),
          by.get(("newsvault", "first, publishing")), ">= 5", lambda v: v >= 5)
    # newsboat's first run with every feed answering 304 is its third (see
    # fetch_feeds.sh); newsvault's is its re-run.
    ratio("newsboat / newsvault, every feed 304", by.get(("newsboat", "3rd run")),
          by.get(("newsvault", "re-run")))
    ratio("newsboat / newsvault, steady state", by.get(("newsboat", "steady")),
          by.get(("newsvault", "steady, publishing")), ">= 15", lambda v: v >= 15)


def steady(args):
    with open(args.tsv, encoding="utf-8") as f:
        _, growth, new_bytes, new_documents, changed, committed, commits, image_bytes = f.read().split()
    growth, new_bytes, image_bytes = int(growth), int(new_bytes), int(image_bytes)
    ratio = growth / new_bytes if new_bytes else float("inf")
    # The pictures are stored as they came (already compressed): what .git
    # grew beyond their bytes is what the documents, indexes and feeds cost.
    without = (growth - image_bytes) / new_bytes if new_bytes else float("inf")
    print(f"steady state, newsvault with publishing: {new_documents} new documents ({new_bytes / 1e6:.2f} MB), "
          f"{image_bytes / 1e6:.2f} MB of new images;")
    print(f"  .git grew {growth / 1e6:.2f} MB = {ratio:.2f}x the new documents' bytes; without the images' bytes "
          f"{without:.2f}x (target <= 4: {'met' if without <= 4 else 'MISSED'});")
    print(f"  files written (bytes changed, outside .git and the store): {changed}; "
          f"files in its commit: {committed}; commits in the history: {commits}")


def record(args):
    """Replaces the block between the markers of the results page with the table.

    The markers are named by --name (each bench script its own block)."""
    begin, end = f"<!-- {args.name}: begin -->", f"<!-- {args.name}: end -->"
    with open(args.page, encoding="utf-8") as f:
        page = f.read()
    with open(args.table, encoding="utf-8") as f:
        table = f.read()
    block = f"{begin}\n`{args.command}`\n\n```\n{table.strip()}\n```\n{end}"
    if begin in page and end in page:
        page = page[:page.index(begin)] + block + page[page.index(end) + len(end):]
    else:
        page = page.rstrip("\n") + "\n\n" + block + "\n"
    with open(args.page + ".tmp", "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(args.page + ".tmp", args.page)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate")
    gen.add_argument("dir")
    gen.add_argument("--feeds", type=int, default=1000)
    gen.add_argument("--items", type=int, default=50)
    gen.add_argument("--seed", type=int, default=20240601)
    gen.set_defaults(run=generate)

    srv = commands.add_parser("serve")
    srv.add_argument("dir")
    srv.add_argument("--port-file", required=True)
    srv.add_argument("--port", type=int, default=0, help="0: an ephemeral port")
    srv.add_argument("--max-seconds", type=float, default=3600)
    srv.add_argument("--seed", type=int, default=20240601, help="of the items /_advance adds")
    srv.set_defaults(run=serve)

    lst = commands.add_parser("lists")
    lst.add_argument("dir")
    lst.add_argument("base_url")
    lst.add_argument("opml")
    lst.add_argument("urls")
    lst.set_defaults(run=lists)

    cnt = commands.add_parser("count")
    cnt.add_argument("tool", choices=("newsvault", "newsboat"))
    cnt.add_argument("database")
    cnt.set_defaults(run=count)

    rep = commands.add_parser("report")
    rep.add_argument("results")
    rep.set_defaults(run=report)

    std = commands.add_parser("steady")
    std.add_argument("tsv")
    std.set_defaults(run=steady)

    rec = commands.add_parser("record")
    rec.add_argument("page")
    rec.add_argument("table")
    rec.add_argument("command")
    rec.add_argument("--name", default="fetch_feeds")
    rec.set_defaults(run=record)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    sys.exit(main())
