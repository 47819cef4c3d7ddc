// Mozilla Readability (with linkedom as its DOM) over the same pages as
// extract_pages_bench, timed the same way: every page read into memory
// first, then parse + extract on each page, the whole set REPEAT times, the
// fastest pass counting. Prints one line: pages bytes seconds empty
// (empty: pages where Readability returned nothing).
//
// usage: node bench/extract_pages.mjs [--repeat R] LIST
//   LIST: one page per line, "PATH<TAB>URL".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Readability } = require('@mozilla/readability');
const { parseHTML } = require('linkedom');

let repeat = 1;
const args = process.argv.slice(2);
if (args[0] === '--repeat') {
  repeat = Number(args[1]);
  args.splice(0, 2);
}
const pages = readFileSync(args[0], 'utf8').split('\n').filter(Boolean).map((line) => {
  const [path, url] = line.split('\t');
  return { html: readFileSync(path, 'utf8'), bytes: readFileSync(path).length, url };
});

let best = Infinity;
let empty = 0;
for (let pass = 0; pass < repeat; pass++) {
  empty = 0;
  const start = process.hrtime.bigint();
  for (const page of pages) {
    const { document } = parseHTML(page.html);
    const article = new Readability(document, { url: page.url }).parse();
    if (!article || !article.textContent || !article.textContent.trim()) empty++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  best = Math.min(best, seconds);
}
const bytes = pages.reduce((sum, page) => sum + page.bytes, 0);
console.log(`${pages.length} ${bytes} ${best.toFixed(6)} ${empty}`);
