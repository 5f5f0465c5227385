#!/usr/bin/env bash
# check-docs.sh - every example in the documentation is what the tools do.
#
# Documents: README.md, docs/*.md, pcaps/README.md. In each:
#   ```console blocks  lines starting "$ " are commands, run with bash from a copy of the
#                      repository root; the lines after one, up to the next "$ " or the block's
#                      end, are its standard output, compared line by line: "text..." matches a
#                      line starting with "text", a line "..." matches any number of lines. The
#                      exit status must be 0, or N when the command ends with "# exit N".
#   ```sh blocks       bash -n; each line that starts with tshark or mtls-report, and whose
#                      files exist in the repository, runs and must exit 0 (or "# exit N").
#   inline `tshark ...` / `mtls-report ...` spans: run under the same rule as sh lines.
#   everywhere         every mtls.* name is a field of the built plugin (tshark -G fields) or
#                      one of its preferences (tshark -G currentprefs); every display filter
#                      (-Y '...', or an inline `mtls.x == "..."`) compiles; relative links and
#                      their #anchors lead somewhere.
#                      Prose has no doubled word and no "(s)".
# docs/findings.md names every finding code the plugin registers and every verdict the analyzer
# prints; docs/user-guide.md names every filter button of the profile (and "N filter buttons" anywhere
# is their number); the real-software table of pcaps/README.md agrees with pcaps/expected.tsv; the
# README stays under 10,000 bytes. Commands a tshark would capture live with, or that name files not
# in the repository, are listed as not run.
# tshark and mtls-report on PATH are the real tshark with the built plugin (as an unprivileged
# user when run as root: see tests/lib/plugin-env.sh) and the built mtls-report.
#
# usage: check-docs.sh BUILD_DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/plugin-env.sh
source "$here/../lib/plugin-env.sh" "$1"

report=$mtls_build_dir/mtls-report
[ -f "$report" ] || report=$mtls_build_dir/packaging/mtls-report
[ -f "$report" ] || { echo "check-docs: no mtls-report under $mtls_build_dir (build first)" >&2; exit 1; }

# PATH for the examples: tshark (the one the tests use) and the built mtls-report.
bin=$MTLS_TEST_ROOT/bin
mkdir -p "$bin"
cp "$report" "$bin/mtls-report"
real_tshark=$(command -v "${MTLS_TSHARK:-tshark}")
printf '#!/bin/sh\nexec %q "$@"\n' "$real_tshark" >"$bin/tshark"

# A copy of the repository root the examples run in (and may write to).
repo=$MTLS_TEST_ROOT/repo
mkdir -p "$repo"
cp -r "$source_dir/README.md" "$source_dir/docs" "$source_dir/packaging" "$repo/"
ln -s ../pcaps "$repo/pcaps"
# The GUI profile, as the package installs it, for examples run with -C mtls-analyzer.
mkdir -p "$MTLS_TEST_ROOT/home/.config/wireshark/profiles"
cp -r "$source_dir/packaging/profile/mtls-analyzer" "$MTLS_TEST_ROOT/home/.config/wireshark/profiles/"
chmod -R a+rwX "$MTLS_TEST_ROOT/home/.config"
chmod -R a+rwX "$repo" "$bin"

export -f mtls_as_test_user
export MTLS_DOCS_BIN=$bin MTLS_DOCS_REPO=$repo MTLS_DOCS_SOURCE=$source_dir
python3 - <<'PY'
import os, re, shlex, subprocess, sys

source, repo, bin_dir = os.environ["MTLS_DOCS_SOURCE"], os.environ["MTLS_DOCS_REPO"], os.environ["MTLS_DOCS_BIN"]
documents = ["README.md"] + sorted("docs/" + n for n in os.listdir(os.path.join(source, "docs")) if n.endswith(".md")) \
    + ["pcaps/README.md"]
failures, passed, skipped = [], 0, []

def fail(doc, line, what):
    failures.append(f"{doc}:{line}: {what}")

def run(command, timeout=600):
    """The command in bash, as the test user, from the repository copy."""
    wrapped = ["bash", "-c", 'cd "$MTLS_DOCS_REPO" && mtls_as_test_user env PATH="$MTLS_DOCS_BIN:$PATH" '
               'bash -o pipefail -c "$0"', command]
    try:
        done = subprocess.run(wrapped, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout} s"
    return done.returncode, done.stdout, done.stderr

def wanted_status(command):
    match = re.search(r"#\s*exit\s+(\d+)\s*$", command)
    return int(match.group(1)) if match else 0

def matches(want, got):
    """Lines of the document against lines printed: "x..." a line starting x, "..." any number of lines."""
    memo = {}
    def at(i, j):
        if (i, j) not in memo:
            if i == len(want):
                memo[i, j] = j == len(got)
            elif want[i] == "...":
                memo[i, j] = any(at(i + 1, k) for k in range(j, len(got) + 1))
            elif j == len(got):
                memo[i, j] = False
            elif want[i].endswith("..."):
                memo[i, j] = got[j].startswith(want[i][:-3]) and at(i + 1, j + 1)
            else:
                memo[i, j] = got[j] == want[i] and at(i + 1, j + 1)
        return memo[i, j]
    return at(0, 0)

def first_difference(want, got):
    for n, line in enumerate(want):
        if line == "...":
            return n, line, "(the rest: " + str(len(got) - n) + " lines)"
        printed = got[n] if n < len(got) else "(nothing: the output ended)"
        if not (printed.startswith(line[:-3]) if line.endswith("...") else printed == line):
            return n, line, printed
    return len(want), "(the example ends)", got[len(want)] if len(got) > len(want) else ""

def words(command):
    try:
        return shlex.split(command, comments=True)
    except ValueError:
        return []

def files_exist(command):
    """Every relative argument that names a file or folder (a path, or a capture/key/PEM name) exists in the
    repository (absolute paths are taken as they are: an example may name a missing one on purpose), and a
    tshark command reads a file (-r) or lists what it knows (-G) rather than capturing live."""
    first = words(command.split("|")[0])
    if first[:1] == ["tshark"] and not any(w in ("-r", "-G") or w.startswith(("-r", "-G")) for w in first):
        return False
    for word in first:
        if word.startswith("-") and ":" in word:
            word = word.split(":", 1)[1]
        if word in ("-", "|") or word.startswith("-"):
            continue
        if word.startswith(("mtls.", "tls.", "frame.", "tcp.", "x509")) or " " in word or "==" in word:
            continue
        if re.search(r"\.(pcapng|pcap|keys|pem|der|keylog|gz)$", word) or "/" in word:
            if not word.startswith("/") and not os.path.exists(os.path.join(repo, word)):
                return False
    return True

def filters_of(command):
    out, w = [], words(command)
    for n, word in enumerate(w):
        if word == "-Y" and n + 1 < len(w):
            out.append(w[n + 1])
        elif word.startswith("-Y") and len(word) > 2:
            out.append(word[2:])
    return out

checked_filters = {}
def check_filter(doc, line, expression):
    global passed
    if expression not in checked_filters:
        status, _, err = run("tshark -r pcaps/sample.pcapng -c 1 -Y " + shlex.quote(expression) + " >/dev/null")
        checked_filters[expression] = (status, err.strip())
    status, err = checked_filters[expression]
    if status != 0:
        fail(doc, line, f"the display filter {expression!r} does not compile: {err}")
    else:
        passed += 1

def run_example(doc, line, command):
    """A command shown without its output: it runs, with the status it is said to end with."""
    global passed
    if not files_exist(command):
        skipped.append(f"{doc}:{line}: {command.strip()[:70]}")
        return
    status, out, err = run(command)
    if status != wanted_status(command):
        fail(doc, line, f"`{command}` exited {status}, the document says {wanted_status(command)}; it printed:\n"
             + "\n".join((out + err).splitlines()[-12:]))
    else:
        passed += 1

def check_console(doc, start, block):
    """block: [(line number, text)]; commands and their expected output."""
    global passed
    n = 0
    while n < len(block):
        number, text = block[n]
        if not text.startswith("$ "):
            fail(doc, number, f"a console block line that follows no command: {text!r}")
            n += 1
            continue
        command = text[2:]
        n += 1
        while command.endswith("\\") and n < len(block):
            command = command + "\n" + block[n][1]
            n += 1
        want = []
        while n < len(block) and not block[n][1].startswith("$ "):
            want.append(block[n][1])
            n += 1
        while want and want[-1] == "":
            want.pop()
        for expression in filters_of(command):
            check_filter(doc, number, expression)
        status, out, err = run(command)
        got = out.split("\n")
        if got and got[-1] == "":
            got.pop()
        problems = []
        if status != wanted_status(command):
            problems.append(f"exit status {status}, the document says {wanted_status(command)}")
        if not matches(want, got):
            i, said, printed = first_difference(want, got)
            where = number + 1 + i + command.count("\n")
            problems.append(f"output differs at line {where}:\n    document: {said}\n    printed:  {printed}")
        if problems:
            fail(doc, number, f"`{command}`: " + "; ".join(problems)
                 + ("\n    stderr: " + err.strip()[-400:] if err.strip() else ""))
        else:
            passed += 1

def check_sh(doc, start, block):
    global passed
    text = "\n".join(t for _, t in block) + "\n"
    done = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
    if done.returncode != 0:
        fail(doc, start, "bash -n: " + done.stderr.strip())
    else:
        passed += 1
    n = 0
    while n < len(block):
        number, command = block[n]
        n += 1
        while command.endswith("\\") and n < len(block):
            command = command + "\n" + block[n][1]
            n += 1
        if re.match(r"\s*(tshark|mtls-report)\s", command):
            for expression in filters_of(command):
                check_filter(doc, number, expression)
            run_example(doc, number, command)

# What the plugin registers.
status, fields_out, _ = run("tshark -G fields")
fields = {line.split("\t")[2] for line in fields_out.splitlines() if line.count("\t") >= 2}
status, prefs_out, _ = run("tshark -G currentprefs")
prefs = {m.group(1) for m in re.finditer(r"^#?(mtls\.[a-z0-9_]+):", prefs_out, re.M)}
if "mtls.problem" not in fields:
    print("FAIL: tshark -G fields lists no mtls.problem: the plugin is not loaded")
    sys.exit(1)

name_pattern = re.compile(r"(?<![\w/.-])mtls(?:\.[a-z0-9_]+)+")
filter_span = re.compile(r"^mtls[a-z0-9_.]*\s*(==|!=|contains|matches|>=|<=|>|<)\s")

def anchors_of(path):
    slugs = set()
    with open(path, encoding="utf-8") as f:
        fenced = False
        for line in f:
            if line.startswith("```"):
                fenced = not fenced
            elif not fenced and line.startswith("#"):
                title = line.lstrip("#").strip().lower()
                slugs.add(re.sub(r"\s", "-", re.sub(r"[^\w\- ]", "", title)))
    return slugs

for doc in documents:
    path = os.path.join(source, doc)
    lines = open(path, encoding="utf-8").read().split("\n")
    fence, block, start = None, [], 0
    for number, text in enumerate(lines, 1):
        for match in name_pattern.finditer(text):
            name = match.group(0).rstrip(".")
            if text[match.end():match.end() + 2] in (".<", ".*"):
                continue  # a family of names: mtls.expert.<code>, mtls.frame.*
            if name not in fields and name not in prefs:
                fail(doc, number, f"{name} is neither a field (tshark -G fields) nor a preference of the plugin")
            else:
                passed += 1
        if fence is None:
            opening = re.match(r"^```(\w*)\s*$", text)
            if opening:
                fence, block, start = opening.group(1), [], number
                continue
            prose = re.sub(r"`[^`]*`|\]\([^)]*\)", " CODE ", text)
            doubled = re.search(r"\b([A-Za-z]+)\s+\1\b", prose)
            if doubled and not doubled.group(1).isupper():
                fail(doc, number, f"a doubled word: {doubled.group(0)!r}")
            if "(s)" in prose:
                fail(doc, number, "'(s)': say one or several")
            spans = re.findall(r"`([^`]+)`", text)
            for span in spans:
                span = span.replace("\\|", "|")
                if filter_span.match(span):
                    check_filter(doc, number, span)
                elif re.match(r"(tshark|mtls-report)\s", span):
                    for expression in filters_of(span):
                        check_filter(doc, number, expression)
                    run_example(doc, number, span)
            for target in re.findall(r"\]\(([^)\s]+)\)", text):
                if re.match(r"[a-z]+:", target):
                    continue
                file_part, _, anchor = target.partition("#")
                linked = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
                if not os.path.exists(linked):
                    fail(doc, number, f"the link {target} leads nowhere ({os.path.relpath(linked, source)} is missing)")
                elif anchor and linked.endswith(".md") and anchor not in anchors_of(linked):
                    fail(doc, number, f"the link {target}: {os.path.relpath(linked, source)} has no heading #{anchor}")
                else:
                    passed += 1
        elif re.match(r"^```\s*$", text):
            body = [(start + 1 + i, t) for i, t in enumerate(block)]
            if fence == "console":
                check_console(doc, start, body)
            elif fence in ("sh", "bash", "shell"):
                check_sh(doc, start, body)
            fence = None
        else:
            block.append(text)
    if fence is not None:
        fail(doc, start, "a code block is never closed")

# The README is a page, not a manual.
if os.path.getsize(os.path.join(source, "README.md")) >= 10000:
    fail("README.md", 1, f"{os.path.getsize(os.path.join(source, 'README.md'))} bytes: keep it under 10,000 (move detail to docs/)")

# The reference names everything the tool can print.
findings = open(os.path.join(source, "docs/findings.md"), encoding="utf-8").read()
codes = sorted(f[len("mtls.expert."):] for f in fields if f.startswith("mtls.expert."))
verdict_source = open(os.path.join(source, "analyzer/verdict.c"), encoding="utf-8").read()
body = verdict_source[verdict_source.index("mtls_verdict_name("):]
body = body[:body.index("\n}\n")]
verdicts = re.findall(r'return "([^"]+)";', body)
for name in codes + verdicts:
    if f"`{name}`" not in findings:
        fail("docs/findings.md", 1, f"`{name}` is printed by the plugin but not documented")
    else:
        passed += 1
if len(verdicts) < 10:
    fail("docs/findings.md", 1, f"only {len(verdicts)} verdict names read from analyzer/verdict.c")

# The user guide describes the profile's filter buttons, all of them.
guide = open(os.path.join(source, "docs/user-guide.md"), encoding="utf-8").read()
buttons = [line.split('","')[1] for line in
           open(os.path.join(source, "packaging/profile/mtls-analyzer/dfilter_buttons"), encoding="utf-8")
           if line.startswith('"')]
for label in buttons:
    if f"*{label}*" not in guide:
        fail("docs/user-guide.md", 1, f"the profile's filter button *{label}* is not described")
    else:
        passed += 1
number_words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10}
for doc in documents:
    for number, text in enumerate(open(os.path.join(source, doc), encoding="utf-8").read().split("\n"), 1):
        for said in re.findall(r"\b(\w+) filter buttons", text):
            count = number_words.get(said.lower(), int(said) if said.isdigit() else None)
            if count is not None and count != len(buttons):
                fail(doc, number, f"says {said} filter buttons; the profile has {len(buttons)}")

# The table of real-software captures says what pcaps/expected.tsv (checked against the tool by the
# tshark_* tests) says: codes and verdicts without the key log, and with it.
expected = {}
for line in open(os.path.join(source, "pcaps/expected.tsv"), encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    capture, options, problems, notes, verdicts = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
    codes = {c for c in (problems + "," + notes).split(",") if c and c != "-"}
    if "tls.keylog_file" in options:
        expected[(capture, "with")] = (codes, verdicts)
    elif not options:
        expected[(capture, "without")] = (codes, verdicts)
table_rows = 0
for number, text in enumerate(open(os.path.join(source, "pcaps/README.md"), encoding="utf-8").read().split("\n"), 1):
    cells = [c.strip() for c in text.strip().strip("|").split("|")] if text.startswith("| ") else []
    if len(cells) != 3 or not os.path.exists(os.path.join(source, "pcaps/real", cells[0] + ".pcapng")):
        continue
    table_rows += 1
    for column, cell in zip(("without", "with"), cells[1:]):
        want = expected.get(("real/" + cells[0] + ".pcapng", column))
        said_codes = set(re.findall(r"`([a-z0-9_]+)`", cell))
        verdict = re.search(r"\*([^*]+)\*", cell)
        said = (said_codes, verdict.group(1) if verdict else None)
        if want is None:
            if "no key log" not in cell:
                fail("pcaps/README.md", number, f"{cells[0]} {column} the key log: the document says {cell}, "
                     "pcaps/expected.tsv has no such line")
            else:
                passed += 1
        elif said != want:
            fail("pcaps/README.md", number, f"{cells[0]} {column} the key log: the document says "
                 f"{sorted(said[0])} {said[1]!r}, pcaps/expected.tsv (what the tool prints) says {sorted(want[0])} {want[1]!r}")
        else:
            passed += 1
if table_rows < 30:
    fail("pcaps/README.md", 1, f"only {table_rows} rows of the real-software table found")

for line in skipped:
    print("not run (it would capture live, or names files not in the repository): " + line)
for failure in failures:
    print("FAIL: " + failure)
print(f"{passed} passed, {len(failures)} failed, {len(skipped)} commands not run")
sys.exit(1 if failures else 0)
PY
