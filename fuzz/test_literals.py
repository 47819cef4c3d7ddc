#!/usr/bin/env python3
"""Writes the string literals of C++ test files as fuzzing seeds.

The tests' fixtures are mostly literals beside their assertions (a feed in
a raw string, a date in quotes); each literal of at least --min-length
bytes becomes one file in OUT_DIR, named by its content's hash, with
--prefix before it. Adjacent literals ("a" "b") are joined as the compiler
joins them.

  test_literals.py [--prefix TEXT] [--min-length N] OUT_DIR FILE...
"""
import argparse
import hashlib
import pathlib
import re

# A raw string R"delim(...)delim", or an ordinary "..." with escapes.
LITERAL = re.compile(r'u8?R"([^(\s]*)\((.*?)\)\1"|R"([^(\s]*)\((.*?)\)\3"|"((?:[^"\\\n]|\\.)*)"',
                     re.S)
ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'",
           'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v', '?': '?'}


def unescape(body):
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != '\\' or i + 1 == len(body):
            out += c.encode('utf-8')
            i += 1
            continue
        e = body[i + 1]
        if e == 'x':
            m = re.match(r'[0-9a-fA-F]+', body[i + 2:])
            out.append(int(m.group(0), 16) & 0xFF if m else 0)
            i += 2 + (len(m.group(0)) if m else 0)
        elif e in '01234567':
            m = re.match(r'[0-7]{1,3}', body[i + 1:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += 1 + len(m.group(0))
        elif e in 'uU':
            width = 4 if e == 'u' else 8
            out += chr(int(body[i + 2:i + 2 + width], 16)).encode('utf-8', 'surrogatepass')
            i += 2 + width
        else:
            out += ESCAPES.get(e, e).encode('utf-8')
            i += 2
    return bytes(out)


def literals(source):
    joined, last_end = None, None
    for m in LITERAL.finditer(source):
        if m.group(2) is not None:
            value = m.group(2).encode('utf-8')
        elif m.group(4) is not None:
            value = m.group(4).encode('utf-8')
        else:
            value = unescape(m.group(5))
        if joined is not None and source[last_end:m.start()].strip() == '':
            joined += value
        else:
            if joined is not None:
                yield joined
            joined = value
        last_end = m.end()
    if joined is not None:
        yield joined


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--prefix', default='')
    parser.add_argument('--min-length', type=int, default=8)
    parser.add_argument('out_dir')
    parser.add_argument('files', nargs='+')
    args = parser.parse_args()
    out = pathlib.Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for name in args.files:
        source = pathlib.Path(name).read_text(encoding='utf-8', errors='replace')
        for value in literals(source):
            if len(value) < args.min_length:
                continue
            seed = args.prefix.encode('utf-8') + value
            (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
            count += 1
    print(count)


if __name__ == '__main__':
    main()
