// The peer of bench/warc.sh: webrecorder's warcio.js writing the same
// exchanges as warc_write_bench (a request and a response record each, gzip
// per record, WARC/1.1, its default digests) into one .warc.gz file.
//   node bench/warc_write.mjs BODIES_DIR OUT_FILE MEGABYTES
// Prints the same lines as warc_write_bench.
import { readdirSync, readFileSync, openSync, writeSync, closeSync, statSync } from "node:fs";
import { join } from "node:path";
import { WARCRecord, WARCSerializer } from "warcio";

const [bodiesDir, outFile, megabytes] = process.argv.slice(2);
const contentType = (name) => name.includes(".xml") ? "application/rss+xml; charset=utf-8"
  : name.includes(".jpg") ? "image/jpeg" : "text/html; charset=utf-8";
const bodies = readdirSync(bodiesDir).sort().map((name) => ({
  kind: name.slice(0, name.indexOf("-")),
  contentType: contentType(name),
  gzip: name.endsWith(".gz"),
  bytes: new Uint8Array(readFileSync(join(bodiesDir, name))),
}));
const peakRssKb = () => Math.round(process.resourceUsage().maxRSS);
async function* once(bytes) { yield bytes; }

const fd = openSync(outFile, "w");
const tallies = new Map();
const rssBefore = peakRssKb();
const target = Number(megabytes) * 1e6;
let total = 0;
const started = process.hrtime.bigint();
for (let i = 0; total < target; ++i) {
  const body = bodies[i % bodies.length];
  const url = `http://127.0.0.1:8080/${body.kind}/${i}`;
  const date = new Date().toISOString();
  const start = process.hrtime.bigint();
  const httpHeaders = { "Content-Type": body.contentType, "Content-Length": String(body.bytes.length), ETag: `"${i}"` };
  if (body.gzip) httpHeaders["Content-Encoding"] = "gzip";
  const response = await WARCRecord.create(
    { url, date, type: "response", warcVersion: "WARC/1.1", statusline: "HTTP/1.1 200 OK", httpHeaders,
      warcHeaders: { "WARC-IP-Address": "127.0.0.1" } },
    once(body.bytes));
  writeSync(fd, await WARCSerializer.serialize(response, { gzip: true }));
  const request = await WARCRecord.create(
    { url, date, type: "request", warcVersion: "WARC/1.1", statusline: `GET /${body.kind}/${i} HTTP/1.1`,
      httpHeaders: { Host: "127.0.0.1:8080", "User-Agent": "newsvault/0.1", Accept: "*/*", "Accept-Encoding": "gzip, br" },
      warcHeaders: { "WARC-Concurrent-To": response.warcHeader("WARC-Record-ID") } },
    once(new Uint8Array()));
  writeSync(fd, await WARCSerializer.serialize(request, { gzip: true }));
  const end = process.hrtime.bigint();
  const tally = tallies.get(body.kind) ?? { bytes: 0, seconds: 0, records: 0 };
  tally.bytes += body.bytes.length;
  tally.seconds += Number(end - start) / 1e9;
  tally.records += 1;
  tallies.set(body.kind, tally);
  total += body.bytes.length;
}
closeSync(fd);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const rssAfter = peakRssKb();
for (const [kind, t] of [...tallies].sort()) {
  console.log(`kind ${kind} ${t.records} ${(t.bytes / 1e6).toFixed(1)} ${t.seconds.toFixed(3)}`);
}
console.log(`total ${(total / 1e6).toFixed(1)} ${seconds.toFixed(3)} ${(statSync(outFile).size / 1e6).toFixed(1)} ${((rssAfter - rssBefore) / 1024).toFixed(1)}`);
