#!/usr/bin/env python3
"""Lengths of web handlers (functions after #[handler] or #[oai(...)]), longest first, and how\nmany app calls each makes."""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else "src/web"
out = []
for d, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith(".rs"): continue
        p = os.path.join(d, f); lines = open(p).read().split("\n")
        i = 0
        while i < len(lines):
            if re.match(r"\s*#\[(handler|oai\()", lines[i]):
                j = i + 1
                while j < len(lines) and not re.search(r"\bfn\s+\w+", lines[j]): j += 1
                name = re.search(r"\bfn\s+(\w+)", lines[j]).group(1)
                depth, k, started = 0, j, False
                while k < len(lines):
                    depth += lines[k].count("{") - lines[k].count("}")
                    if "{" in lines[k]: started = True
                    if started and depth <= 0: break
                    k += 1
                body = "\n".join(lines[j:k + 1])
                calls = len(re.findall(r"\bapp::\w+::\w+\(|\bstate\.(?:gallery|photos?)\(", body))
                out.append((k - j + 1, f"{os.path.relpath(p, root)}::{name}", calls))
                i = k
            i += 1
out.sort(reverse=True)
n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
most = max(out, key=lambda o: o[2])
print(f"{len(out)} handlers; over 25 lines: {sum(1 for o in out if o[0] > 25)}; "
      f"most app calls in one: {most[2]} ({most[1]}); over two: {sum(1 for o in out if o[2] > 2)}")
for l, name, calls in out[:n]: print(f"  {l:4} lines {calls} app calls  {name}")
