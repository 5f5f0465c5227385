#!/usr/bin/env python3
# module-cycles.py - the modules of the analyzer and the plugin call down and
# include down, never round in a circle: a cycle of calls between files (a
# function of A calls one of B, which calls back into A) or of includes
# between headers fails. Functions and calls are found by pattern, which is
# enough for this code's one style (clang-format'ed, a definition's name at
# the start of its line).
#
# usage: module-cycles.py [TOP]   (exit 1 on a cycle, naming it)
#
# SPDX-License-Identifier: GPL-2.0-or-later
import glob
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else "."
os.chdir(top)


def without_comments_and_strings(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def cycles(edges):
    """The strongly connected groups of more than one node (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, {}):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


sources = sorted(glob.glob("analyzer/*.c") + glob.glob("plugin/*.c"))
texts = {path: without_comments_and_strings(open(path).read()) for path in sources}
defined_in = {}
for path, text in texts.items():
    for match in re.finditer(r"^(?!static\b)[A-Za-z][\w \*]*?\b(\w+)\(([^;{]*)\)\s*\{", text, flags=re.M):
        defined_in.setdefault(match.group(1), path)
calls = {}
for path, text in texts.items():
    for name in set(re.findall(r"\b(\w+)\s*\(", text)):
        callee = defined_in.get(name)
        if callee and callee != path:
            calls.setdefault(path, {}).setdefault(callee, set()).add(name)

headers = sorted(glob.glob("analyzer/*.h") + glob.glob("plugin/*.h"))
includes = {}
for path in headers:
    for name in re.findall(r'#include "([^"]+)"', open(path).read()):
        for candidate in (os.path.join(os.path.dirname(path), name), os.path.join("analyzer", name)):
            if os.path.exists(candidate):
                includes.setdefault(path, {})[candidate] = {name}
                break

failed = False
for kind, edges in (("call", calls), ("include", includes)):
    for group in cycles(edges):
        failed = True
        print(f"FAIL: {kind} cycle among {', '.join(group)}")
        for one in group:
            for other in group:
                if other in edges.get(one, {}):
                    print(f"  {one} -> {other}: {', '.join(sorted(edges[one][other]))}")
if failed:
    sys.exit(1)
print(f"PASS: no call cycle among {len(sources)} source files, no include cycle among {len(headers)} headers")
