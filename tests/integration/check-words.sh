#!/usr/bin/env bash
# check-words.sh - every explanation (mtls.message) and verdict reason
# (mtls.verdict.reason) the plugin gives on the captures of pcaps/ starts with
# one short sentence that states the cause and the fix; the detail follows.
#
# Runs real tshark (-2) once per capture, with the options of its lines in
# pcaps/expected.tsv and pcaps/expected-stacks.tsv merged (key log, trust
# stores, ...; a second run only where two lines set one preference to two
# values), collects every distinct text, prints the statistics and fails on:
#   - a first sentence (up to the first ". ", or the end) longer than 120
#     characters, each quoted name ('...': subjects, CA and server names, which
#     come from the capture and can be of any length) counted as 10;
#   - a doubled word ("the the");
#   - "(s)";
#   - a phrase repeated at once in parentheses ("not checked (not checked: ...").
#
# usage: check-words.sh BUILD_DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=../lib/plugin-env.sh
source "$(dirname "$0")/../lib/plugin-env.sh" "$1"
pcaps=$MTLS_TEST_ROOT/pcaps
out=$MTLS_TEST_ROOT/words
mkdir -p "$out"

# The runs: "capture<TAB>options", one per line.
python3 - "$pcaps" >"$out/runs.tsv" <<'PY'
import os, shlex, sys
pcaps = sys.argv[1]
runs = {}  # capture -> list of option sets, each a dict key -> tokens
def add(capture, options):
    tokens = options.split()
    items, i = [], 0
    while i < len(tokens):
        if tokens[i] in ("-o", "-d") and i + 1 < len(tokens):
            value = tokens[i + 1]
            key = tokens[i] + " " + (value.split(":", 1)[0] if tokens[i] == "-o" else value)
            items.append((key, [tokens[i], value]))
            i += 2
        else:
            items.append((tokens[i], [tokens[i]]))
            i += 1
    sets = runs.setdefault(capture, [])
    for merged in sets:
        if all(merged.get(key, words) == words for key, words in items):
            merged.update(items)
            return
    sets.append(dict(items))
for name in ("expected.tsv", "expected-stacks.tsv"):
    for line in open(os.path.join(pcaps, name)):
        if line.startswith("#") or not line.strip():
            continue
        columns = line.rstrip("\n").split("\t")
        add(columns[0], columns[1] if len(columns) > 1 else "")
# A capture with no line still counts, with the key log beside it if any.
for folder, _, files in os.walk(pcaps):
    for file in sorted(files):
        if file.endswith((".pcap", ".pcapng", ".pcap.gz", ".pcapng.gz")):
            capture = os.path.relpath(os.path.join(folder, file), pcaps)
            if capture not in runs:
                keys = os.path.join(folder, file.split(".pcap")[0] + ".keys")
                add(capture, "-o tls.keylog_file:" + keys if os.path.exists(keys) else "")
for capture in sorted(runs):
    for merged in runs[capture]:
        print(capture + "\t" + " ".join(word for words in merged.values() for word in words))
PY

index=0
while IFS=$'\t' read -r capture options; do
    index=$((index + 1))
    read -r -a extra <<<"${options//@PCAPS@/$pcaps}"
    printf '%s\n' "$capture${options:+ ($options)}" >"$out/$index.name"
    mtls_tshark -n -2 -r "$pcaps/$capture" "${extra[@]}" -Y 'mtls.message || mtls.verdict.reason' -T json \
        -e mtls.message -e mtls.verdict.reason >"$out/$index.json" 2>/dev/null || true
done <"$out/runs.tsv"

python3 - "$out" "$index" <<'PY'
import json, re, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
LIMIT, NAME_LENGTH = 120, 10
texts = {}  # text -> (kind, first capture)
for i in range(1, runs + 1):
    capture = open(f"{out}/{i}.name").read().strip()
    content = open(f"{out}/{i}.json").read()
    for packet in json.loads(content) if content.strip() else []:
        layers = packet["_source"]["layers"]
        for field, kind in (("mtls.message", "explanation"), ("mtls.verdict.reason", "reason")):
            for text in layers.get(field, []):
                texts.setdefault(text, (kind, capture))

# A quoted name: ' after no letter, up to ' before no letter (the client's ... is no quote).
QUOTED = re.compile(r"(?<![A-Za-z])'[^']*'(?![A-Za-z])")
def first_sentence(text):
    named = QUOTED.sub("'" + "x" * (NAME_LENGTH - 2) + "'", text)
    end = named.find(". ")
    return named if end < 0 else named[:end + 1]
def faults(text):
    unquoted = QUOTED.sub("'name'", text)
    found = []
    first = first_sentence(text)
    if len(first) > LIMIT:
        found.append(f"first sentence of {len(first)} characters (names as {NAME_LENGTH})")
    for match in re.finditer(r"\b([A-Za-z]+)\s+\1\b", unquoted, re.IGNORECASE):
        found.append(f"doubled word '{match.group(0)}'")
    if "(s)" in unquoted:
        found.append("'(s)'")
    for match in re.finditer(r"\b(\w+(?: \w+)+) \(\1\b", unquoted, re.IGNORECASE):
        found.append(f"repeated in parentheses '{match.group(0)}'")
    return found

def describe(kind):
    chosen = [text for text, (k, _) in texts.items() if k == kind]
    if not chosen:
        return f"{kind}s: none"
    whole = [len(text) for text in chosen]
    first = [len(first_sentence(text)) for text in chosen]
    return (f"{kind}s: {len(chosen)} distinct; whole: median {statistics.median(whole):.0f}, max {max(whole)}, "
            f"over 500: {sum(n > 500 for n in whole)}; first sentence: median {statistics.median(first):.0f}, "
            f"max {max(first)}, over {LIMIT}: {sum(n > LIMIT for n in first)}")

print(f"{runs} tshark runs")
print(describe("explanation"))
print(describe("reason"))
offenders = 0
for text, (kind, capture) in sorted(texts.items(), key=lambda item: item[1][1]):
    found = faults(text)
    if found:
        offenders += 1
        print(f"\nFAIL {kind} ({capture}): {'; '.join(found)}\n    {text}")
print(f"\n{offenders} of {len(texts)} texts fail")
sys.exit(1 if offenders or not texts else 0)
PY
