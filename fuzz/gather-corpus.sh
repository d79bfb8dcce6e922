#!/usr/bin/env bash
# Seeds each fuzz target's corpus in .build/fuzz-corpus/<target> (not committed): the
# go.starlark.net conformance files cut into chunks, examples/, golden/, the specs under
# Tests/ and ../shared, the --fault and duration examples of docs/, and the regression
# inputs of fuzz/regressions. Files are named by content hash, so re-running adds only new ones.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/fuzz-corpus
starlark_src=${STARLARK_SRC:-/usr/share/gocode/src/go.starlark.net}
mkdir -p "$out"/{front-end,spec,fault-rule,junit}

python3 - "$out" "$starlark_src" <<'PY'
import glob, hashlib, os, re, sys
out, src = sys.argv[1], sys.argv[2]

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > 64 * 1024:
        return
    name = hashlib.sha1(data).hexdigest()
    path = os.path.join(out, target, name)
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)

def files(*patterns):
    for pattern in patterns:
        for path in sorted(glob.glob(pattern, recursive=True)):
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    yield path, f.read()

# The conformance suites: one chunk per input ('---' separates them), '###' expectations kept
# (they are comments to the lexer).
for path, data in files(src + "/**/testdata/*.star"):
    for chunk in re.split(rb"\n---\n", data):
        put("front-end", chunk)

specs = list(files("examples/**/*.star", "golden/**/*.star", "Tests/**/*.star", "../shared/**/*.star"))
for path, data in specs:
    put("front-end", data)
    put("spec", data)

# Specs the Swift tests write out (multi-line string literals that call spec builtins).
block = re.compile(rb'"""\n(.*?)\n\s*"""', re.S)
for path, data in files("Tests/**/*.swift"):
    for m in block.finditer(data):
        text = m.group(1)
        if re.search(rb"\b(service|fault_scenario|fault_matrix|scenario|def test_)\b", text):
            lines = text.split(b"\n")
            indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
            put("spec", b"\n".join(l[indent:] for l in lines) + b"\n")

# --fault rules and durations as the docs write them.
rule = re.compile(rb"--fault[ =]+'?([^\s'`\"]+)")
for path, data in files("docs/*.md", "README.md", "Sources/FaultboxCommands/RunCommand.swift"):
    for m in rule.finditer(data):
        put("fault-rule", m.group(1).rstrip(b".,;)"))
for d in ["0", "500us", "1.5s", "2h45m", "1m30s", "300ms", "10µs", "+5s", "1e3s", ".5s"]:
    put("fault-rule", d)
for s in ["connect=delay:200ms:50%", "write=EIO:30%", "openat=ENOENT:100%:/data/*",
          "connect=ECONNREFUSED:dest=[::1]:5432", "write,read=EIO:label=x:path=/tmp/*"]:
    put("fault-rule", s)

# JUnit: fields separated by 0x1E (name, spec, reason, stdout, stderr, warning, decision,
# scenario, fault, service, load error, shard), see Sources/FuzzTargets/JUnitTarget.swift.
RS = b"\x1e"
samples = [
    [b"test_ok", b"spec.star", b"assertion failed", b"hello\n", b"warn\n"],
    [b"test_x", b"a.b.star", b"]]> <![CDATA[ &amp; \x00\x01\x1b[31m", b"\xff\xfe\xc3(", b"\xed\xa0\x80"],
    [b"t", b"s.star", b"r", b"\xf4\x90\x80\x80 \xef\xbf\xbe", b"\x7f\x85", b"w", b"#1 api write deny(EIO)", b"sc", b"f", b"api", b"load error", b"1/2"],
]
for fields in samples:
    put("junit", RS.join(fields))
    put("junit", b"\x01" + RS.join(fields))
PY
for t in front-end spec fault-rule junit; do
  [ -d fuzz/regressions/$t ] && find fuzz/regressions/$t -type f ! -name README.md -exec cp {} "$out/$t/" \;
  echo "fuzz corpus $t: $(ls "$out/$t" | wc -l) inputs"
done
