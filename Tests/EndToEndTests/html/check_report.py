"""Drives a faultbox HTML report in headless Chromium (HTMLReportTests runs it).

usage: check_report.py REPORT.html EXPECT.json [--screenshot PNG] [--large N]

EXPECT.json says what the page must show: {"cells": N, "outcomes": {"FAIL": 1, ...},
"failed_test": "test_...", "reason_contains": "...", "hostile_service": "printer"}; or, for
a run with every outcome, {"cell_words": {"test_...": "EXPECT", ...}, ...} (check_outcomes).
The demo run's EXPECT.json may also name "faultbox_version" (shown in the summary) and
"json_file" (the --output JSON the embedded report must equal byte for byte); that run also
checks the page without DecompressionStream and with a damaged data block. The page carries
the JSON report gzipped and in base64 and draws after unpacking it, so every load waits for
<html data-report="ready"> (or "error").
Prints one line per check; exits 1 with the failed check's message. With --large N it also
loads a synthetic report of N cells (built from this one) and checks that all are drawn;
how fast is bench/html.sh's business (a real 1,000-cell run, ratios against a peer page).
"""
import base64
import gzip
import json
import os
import re
import sys
import tempfile

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    # Debian's paths, so Selenium never tries to download a browser or driver.
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000", "--allow-file-access-from-files"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print("ok: " + message)


WORDS = {"passed": "PASS", "failed": "FAIL", "expectation_violated": "EXPECT", "fault_bypassed": "BYPASS",
         "errored": "ERROR", "excluded": "excluded", "not_run": "not run"}


def console_errors(driver):
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def no_alert(driver):
    try:
        text = driver.switch_to.alert.text
        fail("an alert is open: " + text)
    except NoAlertPresentException:
        pass


DATA_OPEN = '<script type="application/gzip" id="faultbox-report" data-encoding="base64">\n'


def embedded(html):
    """The page's data block and the JSON report's bytes in it (base64, then gunzip)."""
    start = html.index(DATA_OPEN) + len(DATA_OPEN)
    end = html.index("</script>", start)
    return start, end, gzip.decompress(base64.b64decode(html[start:end], validate=False))


def embed(html, start, end, text):
    """`html` with the data block replaced by `text` packed as faultbox packs it."""
    return html[:start] + base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode() + "\n" + html[end:]


def load(driver, url):
    """Opens the page and waits until its script has unpacked the report and drawn it."""
    driver.get(url)
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.documentElement.dataset.report") in ("ready", "error"))
    return driver.execute_script("return document.documentElement.dataset.report")


def check_demo(driver, path, expect):
    if expect.get("json_file"):
        with open(path, encoding="utf-8") as f, open(expect["json_file"], "rb") as j:
            check(embedded(f.read())[2] == j.read(), "the embedded report (base64, gunzip) equals the --output JSON byte for byte")
    check(load(driver, "file://" + os.path.abspath(path)) == "ready", "the page unpacked its report and drew it")
    check(console_errors(driver) == [], "no console errors on load: %s" % console_errors(driver))
    no_alert(driver)
    scripts = driver.find_elements(By.TAG_NAME, "script")
    check(len(scripts) == 2, "only the page's own two script elements exist (found %d)" % len(scripts))
    check(driver.find_elements(By.TAG_NAME, "img") == [], "no <img> from service output")
    cells = driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell")
    check(len(cells) == expect["cells"], "grid has %d cells (found %d)" % (expect["cells"], len(cells)))
    words = {}
    for c in cells:
        w = c.find_element(By.TAG_NAME, "b").text
        words[w] = words.get(w, 0) + 1
    check(words == expect["outcomes"], "cell words %s == %s" % (words, expect["outcomes"]))
    check_without_colour(driver)
    titles = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#matrices h2")]
    check(titles == expect["matrix_titles"], "matrix titles %s" % titles)
    if expect.get("faultbox_version"):
        shown = driver.find_element(By.ID, "faultbox-version")
        row = shown.find_element(By.XPATH, "./ancestor::dd/preceding-sibling::dt[1]").text
        check(shown.text == expect["faultbox_version"] and row == "faultbox",
              "the summary names the faultbox version (%s: %s)" % (row, shown.text))

    failed = [c for c in cells if c.get_attribute("data-test") == expect["failed_test"]]
    check(len(failed) == 1, "the failed cell %s is in the grid" % expect["failed_test"])
    failed[0].click()
    name = driver.find_element(By.ID, "detail-name").text
    check(name == expect["failed_test"], "details open for the clicked cell (%s)" % name)
    reason = driver.find_element(By.ID, "detail-reason").text
    check(expect["reason_contains"] in reason, "reason shows %r: %r" % (expect["reason_contains"], reason[:200]))
    check(re.search(r":\d+", reason) is not None, "reason carries file:line")
    replay = driver.find_element(By.ID, "detail-replay").text
    check(replay.startswith("faultbox test ") and ("--test " + expect["failed_test"]) in replay,
          "replay command shown: %r" % replay)
    check_timeline(driver)
    check_fired(driver, expect["fired"])
    check_copy(driver, replay)

    if expect.get("hostile_service"):
        hostile = [c for c in cells if c.get_attribute("data-test") == expect.get("hostile_test")]
        if hostile:
            hostile[0].click()
        outs = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "pre.output")
                if p.get_attribute("data-service") == expect["hostile_service"]]
        check(any("<script>alert(1)</script>" in o for o in outs), "hostile output shown as text")
        check(any("</script>" in o for o in outs), "a </script> line shown as text")
        check(any("\\x1b[31m red \\x07 bell \\x00 nul" in o for o in outs), "control bytes shown as \\x escapes")
        check(any("\ufffd" in o for o in outs), "invalid UTF-8 shown as U+FFFD")
        check(len(driver.find_elements(By.TAG_NAME, "script")) == 2, "still only two script elements")
        no_alert(driver)

    driver.find_element(By.ID, "f-failed").click()
    shown = [c for c in driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell") if c.is_displayed()]
    shown_words = sorted({c.find_element(By.TAG_NAME, "b").text for c in shown})
    check(shown and all(w in ("FAIL", "EXPECT", "ERROR") for w in shown_words),
          "failed only shows failing cells: %s" % shown_words)
    driver.find_element(By.ID, "f-failed").click()

    scenario = Select(driver.find_element(By.ID, "f-scenario"))
    check(len(scenario.options) > 2, "the scenario filter lists the scenarios")
    value = scenario.options[1].get_attribute("value")
    scenario.select_by_value(value)
    rows = driver.find_elements(By.CSS_SELECTOR, "table.matrix tbody th")
    check([r.text for r in rows] == [value], "scenario filter keeps one row (%s)" % value)
    scenario.select_by_value("")
    fault = Select(driver.find_element(By.ID, "f-fault"))
    check(len(fault.options) > 2, "the fault filter lists the faults")
    value = fault.options[2].get_attribute("value")
    fault.select_by_value(value)
    heads = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "table.matrix thead th")][1:]
    shown = driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell")
    check(heads == [value] and shown and all(("under " + value + ":") in (c.get_attribute("aria-label") or "")
                                             or c.get_attribute("data-outcome") == "excluded" for c in shown),
          "fault filter keeps one column (%s): %s" % (value, heads))
    fault.select_by_value("")
    check(len(driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell")) == expect["cells"], "clearing the filters shows every cell again")
    search = driver.find_element(By.ID, "f-search")
    search.send_keys(expect["failed_test"])
    shown = [c for c in driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell") if c.is_displayed()]
    check(len(shown) == 1, "search by test name leaves one cell")
    search.clear()
    search.send_keys(" ")  # clear() fires no input event; reset the filter through one
    search.send_keys("\b\b")
    check(console_errors(driver) == [], "no console errors after interaction")
    no_alert(driver)


# The timeline of a faulted cell shows its life: services started and healthy, the fault
# armed, the scenario's calls with their durations, the denied syscalls, disarmed, torn down.
TIMELINE = [("lifecycle.started", "service started"), ("lifecycle.ready", "service healthy"),
            ("fault_applied", "fault armed"), ("step_recv.", "a scenario call's answer"),
            ("syscall.", "a fault fired"), ("fault_removed", "fault disarmed"),
            ("lifecycle.stopped", "service torn down")]


def check_timeline(driver):
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, "#detail-timeline tbody tr")]
    kinds = [r[2] for r in rows if len(r) == 4]
    check(kinds != [], "timeline rows shown (%d)" % len(kinds))
    at = -1
    for prefix, what in TIMELINE:
        where = [i for i, k in enumerate(kinds) if k.startswith(prefix)]
        check(where != [], "timeline shows %s (%s)" % (what, prefix))
        if prefix in ("fault_applied", "fault_removed", "lifecycle.stopped"):
            check(where[-1] > at, "timeline order: %s after what came before" % what)
            at = where[0]
    denied = [r for r in rows if len(r) == 4 and r[2].startswith("syscall.") and "deny" in r[3]]
    check(denied != [], "timeline shows the denied syscall: %s" % (denied[:1],))
    calls = [r for r in rows if len(r) == 4 and r[2].startswith("step_recv.")]
    check(all(re.search(r"\d ms", r[3]) for r in calls), "scenario calls carry their duration: %s" % calls[:2])


def check_fired(driver, want):
    """The decisions grouped: service, syscall, decision, fault, pid, count; counts add up."""
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, "#detail-fired tbody tr")]
    match = [r for r in rows if r[:4] == [want["service"], want["syscall"], want["decision"], want["fault"]]]
    check(len(match) == 1, "fired faults table has %s: %s" % (want, rows))
    check(re.fullmatch(r"\d+(, \d+)*", match[0][4]) is not None and int(match[0][5]) >= 1,
          "with the pid and count it hit: %s" % match[0])
    listed = len(driver.find_elements(By.CSS_SELECTOR, "#details ul.decisions li"))
    check(sum(int(r[5]) for r in rows) == listed, "the counts add up to the %d decisions listed" % listed)


def check_copy(driver, replay):
    button = driver.find_element(By.CSS_SELECTOR, ".replay button")
    button.click()
    WebDriverWait(driver, 5).until(lambda d: button.text != "copy")
    check(button.text == "copied", "the copy button copies the replay command (%r)" % button.text)
    selected = driver.execute_script("return getSelection().toString()")
    check(selected in ("", replay), "a selection copy selects exactly the command: %r" % selected)


# WCAG 2 contrast of every cell's and chip's text against its background.
CONTRAST = """
function lum(c) {
  const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => x / 255)
    .map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
return [...document.querySelectorAll("table.matrix .cell, .chip, .word")].map(n => {
  const s = getComputedStyle(n), a = lum(s.color), b = lum(s.backgroundColor);
  return [n.dataset.outcome || n.className, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), s.backgroundColor];
});
"""


def check_without_colour(driver):
    """Every cell names its outcome in words (and to screen readers); text contrast meets AA."""
    cells = driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell")
    for c in cells:
        word = c.find_element(By.TAG_NAME, "b").text
        outcome = c.get_attribute("data-outcome")
        if WORDS.get(outcome) != word:
            fail("cell %s reads %r, want %r" % (c.get_attribute("title"), word, WORDS.get(outcome)))
        label = c.get_attribute("aria-label") or ""
        if not label.endswith(": " + word):
            fail("cell %s has no spoken outcome: %r" % (c.get_attribute("title"), label))
    check(True, "every cell's word names its outcome, also for screen readers (%d cells)" % len(cells))
    low = [(o, round(r, 2)) for o, r, _ in driver.execute_script(CONTRAST) if r < 4.5]
    check(low == [], "text contrast of cells and chips >= 4.5 (WCAG AA): %s" % low)


def open_details(driver, element):
    element.click()
    return driver.find_element(By.ID, "details").text


def check_outcomes(driver, path, expect):
    """A run with every outcome of a cell: each reads and looks distinct, and opens its story."""
    check(load(driver, "file://" + os.path.abspath(path)) == "ready", "the page unpacked its report and drew it")
    check(console_errors(driver) == [], "no console errors on load: %s" % console_errors(driver))
    cells = driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell")
    by_test = {c.get_attribute("data-test"): c for c in cells if c.get_attribute("data-test")}
    for name, word in expect["cell_words"].items():
        check(name in by_test and by_test[name].find_element(By.TAG_NAME, "b").text == word,
              "cell %s reads %s" % (name, word))
    rest = sorted(c.find_element(By.TAG_NAME, "b").text for c in cells if not c.get_attribute("data-test"))
    check(rest == sorted(expect["other_cells"]), "cells without a test: %s" % rest)
    check_without_colour(driver)
    colours = {}
    for outcome, _, background in driver.execute_script(CONTRAST):
        if outcome in WORDS:
            colours.setdefault(outcome, set()).add(background)
    check(sorted(colours) == sorted(WORDS), "the grid shows all seven kinds of cell: %s" % sorted(colours))
    flat = {o: next(iter(b)) for o, b in colours.items() if len(b) == 1}
    check(len(flat) == 7 and len(set(flat.values())) == 7, "each kind has its own colour too: %s" % flat)
    chips = {c.get_attribute("data-outcome") for c in driver.find_elements(By.CSS_SELECTOR, "#outcome-counts .chip")}
    check(chips == set(WORDS), "the summary counts every outcome: %s" % sorted(chips))

    for name, wants in expect["details"].items():
        text = open_details(driver, by_test[name] if name in by_test else
                            driver.find_element(By.XPATH, "//tr[contains(@class,'test-row')][td[2]='%s']" % name))
        for want in wants:
            check(want in text, "details of %s show %r" % (name, want))
    not_run = [c for c in cells if c.get_attribute("data-outcome") == "not_run"]
    check("did not run" in open_details(driver, not_run[0]), "a not-run cell says it did not run")

    name = expect["monitor_test"]
    open_details(driver, driver.find_element(By.XPATH, "//tr[contains(@class,'test-row')][td[2]='%s']" % name))
    rows = [tr.text for tr in driver.find_elements(By.CSS_SELECTOR, "#detail-timeline tr.k-violation")]
    check(any(expect["monitor_saw"] in r for r in rows), "the timeline shows what the monitor saw: %s" % rows[:2])

    driver.find_element(By.ID, "f-failed").click()
    shown = sorted(c.find_element(By.TAG_NAME, "b").text for c in cells_now(driver) if c.is_displayed())
    check(shown == sorted(expect["failing_words"]), "failed only keeps FAIL, EXPECT, ERROR: %s" % shown)
    check(console_errors(driver) == [], "no console errors after interaction")


def cells_now(driver):
    return driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell")


def check_load_error(driver, path, expect):
    check(load(driver, "file://" + os.path.abspath(path)) == "ready", "the page unpacked its report and drew it")
    check(console_errors(driver) == [], "no console errors on load: %s" % console_errors(driver))
    alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    check(expect["load_error_contains"] in alert, "the page says the spec did not load: %r" % alert)
    check(driver.find_element(By.ID, "verdict").text == "SPEC DID NOT LOAD", "verdict names the load failure")


def check_interrupted(driver, path, expect):
    check(load(driver, "file://" + os.path.abspath(path)) == "ready", "the page unpacked its report and drew it")
    check(console_errors(driver) == [], "no console errors on load: %s" % console_errors(driver))
    check(driver.find_element(By.ID, "verdict").text == "INTERRUPTED", "verdict says the run was interrupted")
    banner = driver.find_element(By.CSS_SELECTOR, ".banner.warn").text
    check("interrupted" in banner, "a banner says what the page holds: %r" % banner)
    rows = [tr.find_elements(By.TAG_NAME, "td")[1].text for tr in driver.find_elements(By.CSS_SELECTOR, "tr.test-row")]
    check(rows == expect["interrupted_tests"], "the tests that finished are listed: %s" % rows)


def screenshot(driver, path, report, expect):
    load(driver, "file://" + os.path.abspath(report) + "#" + expect["failed_test"])
    driver.set_window_size(1400, 900)
    driver.save_screenshot(path)
    print("ok: screenshot " + path)


def large(driver, report, count):
    """Loads a synthetic report of `count` cells (40 faults per row): every cell is drawn."""
    html = open(report, encoding="utf-8").read()
    start, end, text = embedded(html)
    data = json.loads(text)
    template = data["tests"][0]
    faults = ["fault_%02d" % i for i in range(40)]
    scenarios = ["scenario_%03d" % i for i in range((count + 39) // 40)]
    tests, cells = [], []
    for s in scenarios:
        for f in faults:
            if len(cells) == count:
                break
            t = dict(template, name="test_matrix_%s_%s" % (s, f), scenario=s, fault=f, matrix_id=1)
            t["outcome"] = "failed" if len(cells) % 17 == 0 else "passed"
            tests.append(t)
            cells.append({"scenario": s, "fault": f, "test": t["name"], "result": "pass", "outcome": t["outcome"]})
    data["tests"] = tests
    data["matrices"] = [{"id": 1, "scenarios": scenarios, "faults": faults, "cells": cells}]
    big = embed(html, start, end, json.dumps(data, indent=2))
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as f:
        f.write(big)
    try:
        check(load(driver, "file://" + f.name) == "ready", "the large report unpacked and drew")
        n = len(driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell"))
        check(n == count, "large report has %d cells" % count)
        check(console_errors(driver) == [], "no console errors in the large report")
    finally:
        os.unlink(f.name)


def check_without_decompression(driver, path):
    """A browser without DecompressionStream gets one line saying so, not a broken page."""
    hook = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                  {"source": "delete window.DecompressionStream;"})
    try:
        check(load(driver, "file://" + os.path.abspath(path)) == "error", "without DecompressionStream the page stops")
        message = driver.find_element(By.ID, "unpack-error").text
        check("DecompressionStream" in message and "\n" not in message, "and says so in one line: %r" % message)
        check(driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell") == [], "drawing nothing else")
        check(console_errors(driver) == [], "with no console errors: %s" % console_errors(driver))
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", hook)


def check_damaged(driver, path):
    """A data block cut short names the damage instead of breaking."""
    html = open(path, encoding="utf-8").read()
    start, end, _ = embedded(html)
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as f:
        f.write(html[:start] + html[start:end][: (end - start) // 2 // 4 * 4] + "\n" + html[end:])
    try:
        check(load(driver, "file://" + f.name) == "error", "a damaged report stops the page")
        message = driver.find_element(By.ID, "unpack-error").text
        check("could not be unpacked" in message, "and says so: %r" % message)
    finally:
        os.unlink(f.name)


def main():
    args = sys.argv[1:]
    report, expect = args[0], json.load(open(args[1]))
    shot = args[args.index("--screenshot") + 1] if "--screenshot" in args else None
    count = int(args[args.index("--large") + 1]) if "--large" in args else 0
    try:
        driver = browser()
    except Exception as e:  # noqa: BLE001 -- any start failure is reported as one line
        fail("cannot start headless chromium: %s" % str(e).splitlines()[0] if str(e) else repr(e))
    try:
        if "load_error_contains" in expect:
            check_load_error(driver, report, expect)
            return
        if "interrupted_tests" in expect:
            check_interrupted(driver, report, expect)
            return
        if "cell_words" in expect:
            check_outcomes(driver, report, expect)
            return
        check_demo(driver, report, expect)
        check_without_decompression(driver, report)
        check_damaged(driver, report)
        if count:
            large(driver, report, count)
        if shot:
            screenshot(driver, shot, report, expect)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
