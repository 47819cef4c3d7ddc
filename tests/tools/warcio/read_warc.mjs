// Prints each record of a WARC file as warcio.js reads it, one JSON object a
// line: its WARC fields, its HTTP status, the SHA-256 of its payload as
// recorded and its content with every encoding undone.
//   node read_warc.mjs FILE.warc.gz
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { WARCParser } from "warcio";

const parser = new WARCParser(createReadStream(process.argv[2]));
for await (const record of parser) {
  const out = {
    offset: parser.offset,
    type: record.warcType,
    target: record.warcTargetURI ?? null,
    date: record.warcDate ?? null,
    ip: record.warcHeader("WARC-IP-Address") ?? null,
    payloadDigest: record.warcPayloadDigest ?? null,
    blockDigest: record.warcBlockDigest ?? null,
    concurrentTo: record.warcHeader("WARC-Concurrent-To") ?? null,
    profile: record.warcHeader("WARC-Profile") ?? null,
    status: record.httpHeaders ? record.httpHeaders.statusCode ?? null : null,
    method: record.httpHeaders ? record.httpHeaders.method ?? null : null,
  };
  if (record.warcType === "response") {
    const raw = await record.readFully(false);
    out.payloadSha256 = "sha256:" + createHash("sha256").update(raw).digest("hex");
    out.content = new TextDecoder().decode(await record.readFully(true));
  } else if (record.warcType === "warcinfo") {
    out.content = new TextDecoder().decode(await record.readFully(false));
  }
  console.log(JSON.stringify(out));
}
