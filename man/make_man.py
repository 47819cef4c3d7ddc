#!/usr/bin/env python3
"""Writes newsvault(1) from the program's own --help text.

    make_man.py NEWSVAULT TEMPLATE OUTPUT

TEMPLATE is the page's prose in roff with three placeholders, filled from
`NEWSVAULT --help` and `NEWSVAULT COMMAND --help` of every command it lists:
@GLOBAL_OPTIONS@ (the options every command takes), @COMMANDS@ (each
command's usage, what it does, its arguments and options) and
@EXIT_STATUS@. The page and --help are one text, so they never disagree.
"""
import re
import subprocess
import sys


def help_text(program, *words):
    return subprocess.run([program, *words, "--help"], check=True, capture_output=True,
                          text=True).stdout


def sections(text):
    """{"": first lines, "Options": [...], ...}: CLI11's "Name:" headed blocks."""
    found = {"": []}
    current = ""
    for line in text.splitlines():
        heading = re.fullmatch(r"([A-Z][A-Za-z ]*):", line)
        if heading:
            current = heading.group(1)
            found[current] = []
        else:
            found[current].append(line)
    return found


def entries(lines):
    """(term, description) of each "  term   description" line; a line
    indented deeper continues the description (CLI11 puts it there when
    the term is too long for its column)."""
    found = []
    for line in lines:
        match = re.fullmatch(r"  (\S.*?)(?: {2,}(.*))?", line)
        if match:
            found.append([match.group(1).strip(), (match.group(2) or "").strip()])
        elif line.startswith("   ") and line.strip() and found:
            found[-1][1] = (found[-1][1] + " " + line.strip()).strip()
    return [tuple(entry) for entry in found]


def roff(text):
    """Text as roff shows it: backslashes and hyphens escaped, no line
    starting with a control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def options_roff(lines):
    out = []
    for term, description in entries(lines):
        if term.startswith("-h,--help"):
            continue
        out += [".TP", ".B " + roff(term), roff(description)]
    return out


def main(program, template_path, output_path):
    top = sections(help_text(program))
    global_options = options_roff(top.get("Options", []))
    commands = []
    for name, _ in entries(top.get("Subcommands", [])):
        page = sections(help_text(program, name))
        head = [line for line in page[""] if line.strip()]
        summary = head[0] if head else ""
        usage = next((line[len("Usage: "):] for line in head if line.startswith("Usage: ")), name)
        commands += [".SS " + roff(usage), roff(summary)]
        commands += options_roff(page.get("Positionals", []))
        commands += options_roff(page.get("Options", []))
    exit_status = []
    for term, description in entries(top.get("Exit status", [])):
        exit_status += [".TP", ".B " + roff(term), roff(description)]
    with open(template_path, encoding="utf-8") as template:
        page = template.read()
    page = (page.replace("@GLOBAL_OPTIONS@\n", "\n".join(global_options) + "\n")
                .replace("@COMMANDS@\n", "\n".join(commands) + "\n")
                .replace("@EXIT_STATUS@\n", "\n".join(exit_status) + "\n"))
    with open(output_path, "w", encoding="utf-8") as output:
        output.write(page)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: make_man.py NEWSVAULT TEMPLATE OUTPUT")
    main(*sys.argv[1:])
