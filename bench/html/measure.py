"""bench/html.sh's browser half: loads a faultbox HTML report and a peer page in headless
Chromium and prints the times and sizes as ratios of the same run.

usage: measure.py REPORT.html REPORT.json LOADS

The peer is the same report pre-rendered as static markup: the grid plus one hidden details
panel per test (reason, replay, decisions, the timeline's non-allow events, the service
output tails), the design the report avoids by drawing details on click. Times are read in the page
(performance.now() clock), medians of LOADS loads: for the report, when its script has
drawn the grid (it first unpacks the embedded JSON, gzip through DecompressionStream, which
is asynchronous, so this is after domContentLoaded), its script's time and the unpacking's
within it, and a "failed only" redraw of the whole grid; for the peer, navigation timing's
domContentLoadedEventEnd (markup parsed, so its grid is built). Sizes: the page, and what
it would be with the JSON embedded unpacked (as before the gzip; escaped for the script
element), computed from the same report.
"""
import base64
import gzip
import html
import json
import os
import statistics
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TIMES = """
const nav = performance.getEntriesByType("navigation")[0];
let filter = null;
const box = document.getElementById("f-failed");
const ours = window.__faultboxDrawnAt !== undefined;
if (ours) {
  const t = performance.now();
  box.click();
  filter = performance.now() - t;
  box.click();
}
return {ready: ours ? window.__faultboxDrawnAt : nav.domContentLoadedEventEnd, dcl: nav.domContentLoadedEventEnd,
        filter: filter, script: ours ? window.__faultboxRenderMs : null, inflate: ours ? window.__faultboxInflateMs : null};
"""
DATA_OPEN = '<script type="application/gzip" id="faultbox-report" data-encoding="base64">\n'


def embedded(report_html):
    """The data block's start and end in the page, and the JSON report's bytes in it."""
    start = report_html.index(DATA_OPEN) + len(DATA_OPEN)
    end = report_html.index("</script>", start)
    return start, end, gzip.decompress(base64.b64decode(report_html[start:end]))


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def e(text):
    return html.escape(str(text), quote=True)


def peer_page(report_html, report):
    """The grid and every details panel as static markup, styled by the report's own CSS."""
    head = report_html[:report_html.index(DATA_OPEN)]
    head = head[:head.index('<section id="matrices">')]
    words = {"passed": "PASS", "failed": "FAIL", "expectation_violated": "EXPECT",
             "fault_bypassed": "BYPASS", "errored": "ERROR", "excluded": "excluded", "not_run": "not run"}
    tests = {t["name"]: t for t in report["tests"]}
    out = [head, '<section id="matrices">']
    for m in report["matrices"]:
        out.append('<table class="matrix"><thead><tr><th>scenario \\ fault</th>')
        out += ["<th>%s</th>" % e(f) for f in m["faults"]]
        out.append("</tr></thead><tbody>")
        cells = {(c["scenario"], c["fault"]): c for c in m["cells"]}
        for s in m["scenarios"]:
            out.append("<tr><th>%s</th>" % e(s))
            for f in m["faults"]:
                c = cells[(s, f)]
                o = c["outcome"] or c["result"]
                t = tests.get(c["test"])
                out.append('<td><a class="cell o-%s" href="#d-%s"><b>%s</b><small>%.1f ms</small></a></td>' % (
                    o, e(c["test"]), words.get(o, o), t["duration_ms"] if t else 0))
            out.append("</tr>")
        out.append("</tbody></table>")
    out.append('</section><aside id="details">')
    for t in report["tests"]:
        out.append('<section id="d-%s" hidden><h2>%s</h2><pre>%s</pre><pre>%s</pre><ul>' % (
            e(t["name"]), e(t["name"]), e(t["reason"] or ""), e(t["replay"])))
        out += ["<li>%s</li>" % e(d) for d in t["decisions"]]
        out.append('</ul><table class="timeline">')
        for ev in t.get("events", []):
            if ev["type"] == "syscall" and ev["fields"].get("decision", "allow") == "allow":
                continue
            out.append("<tr><td>%.1f</td><td>%s</td><td>%s</td><td>%s</td></tr>" % (
                ev["time_ns"] / 1e6, e(ev["service"]), e(ev["event_type"]),
                e(" ".join("%s=%s" % kv for kv in ev["fields"].items()))))
        out.append("</table>")
        for o in t["output"]:
            for stream in ("stdout", "stderr"):
                lines = o[stream].rstrip("\n").split("\n")[-200:]
                out.append('<pre class="output">%s</pre>' % e("\n".join(lines)))
        out.append("</section>")
    out.append("</aside></main><script>window.__peerDone = performance.now();</script></body></html>\n")
    return "".join(out)


def load(driver, path):
    """Opens a page; for the report, waits until its script has unpacked the data and drawn."""
    driver.get("file://" + path)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        "return !document.getElementById('faultbox-report') || document.documentElement.dataset.report !== undefined"))
    state = driver.execute_script("return document.documentElement.dataset.report")
    if state not in (None, "ready"):
        print("bench/html: the page did not draw its report (%s)" % state)
        sys.exit(1)


def median_times(driver, path, loads):
    runs = []
    for _ in range(loads):
        load(driver, path)
        runs.append(driver.execute_script(TIMES))
    pick = lambda k: statistics.median(r[k] for r in runs) if all(r[k] is not None for r in runs) else None
    return {k: pick(k) for k in ("ready", "dcl", "filter", "script", "inflate")}


def main():
    report_path, json_path, loads = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    report_html = open(report_path, encoding="utf-8").read()
    json_bytes = open(json_path, "rb").read()
    report = json.loads(json_bytes)
    start, end, inside = embedded(report_html)
    if inside != json_bytes:
        print("bench/html: the page's embedded report differs from %s" % json_path)
        sys.exit(1)
    # The page as it was with the JSON embedded unpacked: the same text, `<`, `>` and `&`
    # written as \u003c, \u003e, \u0026 (6 bytes each) so it could sit in a script element.
    text = json_bytes.decode()
    plain_block = len(json_bytes) + 5 * sum(text.count(c) for c in "<>&")
    old_size = len(report_html[:start].encode()) + plain_block + len(report_html[end:].encode())
    cells = sum(1 for m in report["matrices"] for c in m["cells"] if c["result"] != "excluded")
    peer_text = peer_page(report_html, report)
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as f:
        f.write(peer_text)
        peer_path = f.name
    driver = browser()
    try:
        load(driver, report_path)
        drawn = len(driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell"))
        if drawn != cells:
            print("bench/html: the report drew %d cells, the JSON has %d" % (drawn, cells))
            sys.exit(1)
        ours = median_times(driver, report_path, loads)
        peer = median_times(driver, peer_path, loads)
        version = driver.capabilities.get("browserVersion", "?")
    finally:
        driver.quit()
        os.unlink(peer_path)
    size = os.path.getsize(report_path)
    json_size = os.path.getsize(json_path)
    peer_size = len(peer_text.encode())
    print("html: Chromium %s, %d cells, medians of %d loads" % (version, cells, loads))
    print("html: report: grid built %.0f ms after navigation start (target < 1000 ms; domContentLoaded at %.0f ms); "
          "its script %.0f ms, of which unpacking the JSON (base64, gunzip) %.0f ms; "
          "'failed only' redraws the grid in %.1f ms"
          % (ours["ready"], ours["dcl"], ours["script"], ours["inflate"], ours["filter"]))
    print("html: peer (static grid + %d pre-rendered panels): ready %.0f ms after navigation start"
          % (len(report["tests"]), peer["ready"]))
    print("html: report / peer: ready %.2fx" % (ours["ready"] / peer["ready"]))
    print("html: file %d bytes (%.0f bytes per cell); with the JSON embedded unpacked it would be %d bytes (%.1fx); "
          "the JSON report alone %d bytes, gzipped in base64 %d; peer %d bytes (%.2fx)"
          % (size, size / cells, old_size, old_size / size, json_size, end - start - 1, peer_size, size / peer_size))


if __name__ == "__main__":
    main()
