#!/usr/bin/env python3
"""Validates a veto report against the schema of its format; used by the Swift tests.

    python3 Tests/Schemas/validate.py FORMAT REPORT
    FORMAT: sarif | junit | json | html | csv

Exit 0 valid, 1 invalid (the reasons on stdout), 77 a Python module it needs is missing
(the test is skipped: pip install jsonschema xmlschema junitparser).
"""
import csv
import html.parser
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
problems = []


def need(module):
    try:
        return __import__(module)
    except ImportError:
        print(f"python module {module} is missing: pip install {module}")
        sys.exit(77)


def field_spans(line, delimiter):
    """(start, end) code-point columns, 1-based, of each field of a CSV line (quotes honoured)."""
    spans, start, quoted = [], 0, False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            spans.append((start + 1, i + 1))
            start = i + 1
    spans.append((start + 1, len(line) + 1))
    return spans


def physical_lines(path, encoding):
    data = open(path, "rb").read()
    codec = {"utf-8": "utf-8", "gb18030": "gb18030", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be"}[encoding]
    text = data.decode(codec, errors="replace").lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def sarif(path):
    jsonschema = need("jsonschema")
    doc = json.load(open(path, encoding="utf-8"))
    schema = json.load(open(os.path.join(HERE, "sarif-2.1.0.json"), encoding="utf-8"))
    v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    for e in sorted(v.iter_errors(doc), key=lambda e: list(e.path)):
        problems.append(f"schema: {'/'.join(map(str, e.path))}: {e.message}")
    for run in doc.get("runs", []):
        if run.get("columnKind") != "unicodeCodePoints":
            problems.append("columnKind is not unicodeCodePoints")
        rules = run["tool"]["driver"].get("rules", [])
        ids = [r["id"] for r in rules]
        if len(ids) != len(set(ids)):
            problems.append("duplicate rule ids")
        for r in rules:  # what GitHub code scanning requires of each rule
            for k in ("shortDescription", "fullDescription", "help"):
                if not r.get(k, {}).get("text"):
                    problems.append(f"rule {r['id']}: no {k}")
        results = run.get("results", [])
        if len(results) > 25000:
            problems.append("more than 25,000 results")
        artifacts = run.get("artifacts", [])
        lines_of = {}
        for res in results:
            if res["ruleId"] not in ids:
                problems.append(f"result {res['ruleId']}: no rule descriptor")
            if "ruleIndex" in res and ids[res["ruleIndex"]] != res["ruleId"]:
                problems.append(f"result {res['ruleId']}: ruleIndex points elsewhere")
            if res.get("level") not in ("error", "warning", "note"):
                problems.append(f"result {res['ruleId']}: level {res.get('level')}")
            loc = res["locations"][0]["physicalLocation"]
            region = loc.get("region")
            props = res.get("properties", {})
            idx = loc["artifactLocation"].get("index")
            if region is None or idx is None or "columnNote" in props or props.get("fieldNumber") is None:
                continue
            art = artifacts[idx]
            file = os.path.join(ROOT, props_path(art["location"]["uri"]))
            if file not in lines_of:
                lines_of[file] = physical_lines(file, art.get("encoding", "utf-8"))
            line = lines_of[file][region["startLine"] - 1]
            spans = field_spans(line, detect_delimiter(lines_of[file][0]))
            want = spans[props["fieldNumber"] - 1]
            got = (region["startColumn"], region.get("endColumn", region["startColumn"]))
            if want != got:
                problems.append(f"result {res['ruleId']} line {region['startLine']} field {props['fieldNumber']}: columns {got}, the line has {want}")


def props_path(uri):
    from urllib.parse import unquote
    return unquote(uri[len("file://"):] if uri.startswith("file://") else uri)


def detect_delimiter(header):
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def junit(path):
    xmlschema = need("xmlschema")
    schema = xmlschema.XMLSchema(os.path.join(HERE, "junit-10.xsd"))
    for e in schema.iter_errors(path):
        problems.append(f"schema: {e.path}: {e.reason}")
    junitparser = need("junitparser")
    seen = set()
    for suite in junitparser.JUnitXml.fromfile(path):
        for case in suite:
            key = (case.classname, case.name)
            if key in seen:
                problems.append(f"duplicate classname+name {key}")
            seen.add(key)


def report_json(path):
    jsonschema = need("jsonschema")
    schema = json.load(open(os.path.join(ROOT, "schemas", "veto-report-v1.schema.json"), encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    for e in v.iter_errors(json.load(open(path, encoding="utf-8"))):
        problems.append(f"schema: {'/'.join(map(str, e.path))}: {e.message}")


class Page(html.parser.HTMLParser):
    VOID = {"meta", "br", "img", "hr", "input", "link", "rect", "circle", "line", "polygon", "path"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.svgs, self.in_svg = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            problems.append("a <script> element")
        for k, val in attrs:
            if k.startswith("on"):
                problems.append(f"an event handler attribute {k}")
            if k in ("src", "href") and val and ("://" in val or val.startswith("//")):
                problems.append(f"a network reference {k}={val}")
        if tag == "svg":
            self.in_svg = {"data": 0}
            self.svgs.append(self.in_svg)
        elif self.in_svg is not None and tag in ("rect", "circle", "polygon", "path") and any(k.startswith("data-") for k in a):
            self.in_svg["data"] += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        saved = list(self.stack)
        self.handle_starttag(tag, attrs)
        self.stack = saved

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()
        if tag == "svg":
            self.in_svg = None


def page(path):
    text = open(path, encoding="utf-8").read()
    p = Page()
    p.feed(text)
    p.close()
    if p.stack:
        problems.append(f"unclosed elements {p.stack}")
    if not text.startswith("<!DOCTYPE html>"):
        problems.append("no doctype")
    for i, s in enumerate(p.svgs):
        if s["data"] == 0:
            problems.append(f"svg {i + 1} has no data elements")
    if "@import" in text or "url(" in text:
        problems.append("an external resource in the style sheet")
    print(f"{len(p.svgs)} svg charts")


def report_csv(path):
    text = open(path, encoding="utf-8-sig", newline="").read()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or rows[0][:2] != ["file", "line"]:
        problems.append("no header")
    for n, row in enumerate(rows[1:], 2):
        if len(row) != len(rows[0]):
            problems.append(f"row {n}: {len(row)} cells")
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                try:
                    float(cell)
                except ValueError:
                    problems.append(f"row {n}: cell {cell!r} starts with a formula character")
    print(f"{len(rows) - 1} findings")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    {"sarif": sarif, "junit": junit, "json": report_json, "html": page, "csv": report_csv}[sys.argv[1]](sys.argv[2])
    for p in problems[:50]:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
