"""Drives a faultbox HTML report in headless Chromium (HTMLReportTests runs it).

usage: check_report.py REPORT.html EXPECT.json [--screenshot PNG] [--large N]

EXPECT.json says what the page must show: {"cells": N, "outcomes": {"FAIL": 1, ...},
"failed_test": "test_...", "reason_contains": "...", "hostile_service": "printer"}.
Prints one line per check; exits 1 with the failed check's message. With --large N it also
renders a synthetic report of N cells (built from this one) and prints the render time.
"""
import json
import os
import re
import sys
import tempfile

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


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


def console_errors(driver):
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def no_alert(driver):
    try:
        text = driver.switch_to.alert.text
        fail("an alert is open: " + text)
    except NoAlertPresentException:
        pass


def check_demo(driver, path, expect):
    driver.get("file://" + os.path.abspath(path))
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
    check(driver.find_elements(By.CSS_SELECTOR, "#detail-timeline tr") != [], "timeline rows shown")

    if expect.get("hostile_service"):
        hostile = [c for c in cells if c.get_attribute("data-test") == expect.get("hostile_test")]
        if hostile:
            hostile[0].click()
        outs = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "pre.output")
                if p.get_attribute("data-service") == expect["hostile_service"]]
        check(any("<script>alert(1)</script>" in o for o in outs), "hostile output shown as text")
        check(any("</script>" in o for o in outs), "a </script> line shown as text")
        check(len(driver.find_elements(By.TAG_NAME, "script")) == 2, "still only two script elements")
        no_alert(driver)

    driver.find_element(By.ID, "f-failed").click()
    shown = [c for c in driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell") if c.is_displayed()]
    shown_words = sorted({c.find_element(By.TAG_NAME, "b").text for c in shown})
    check(shown and all(w in ("FAIL", "EXPECT", "ERROR") for w in shown_words),
          "failed only shows failing cells: %s" % shown_words)
    driver.find_element(By.ID, "f-failed").click()

    scenario = Select(driver.find_element(By.ID, "f-scenario"))
    if len(scenario.options) > 2:
        value = scenario.options[1].get_attribute("value")
        scenario.select_by_value(value)
        rows = driver.find_elements(By.CSS_SELECTOR, "table.matrix tbody th")
        check([r.text for r in rows] == [value], "scenario filter keeps one row")
        scenario.select_by_value("")
    search = driver.find_element(By.ID, "f-search")
    search.send_keys(expect["failed_test"])
    shown = [c for c in driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell") if c.is_displayed()]
    check(len(shown) == 1, "search by test name leaves one cell")
    search.clear()
    search.send_keys(" ")  # clear() fires no input event; reset the filter through one
    search.send_keys("\b\b")
    check(console_errors(driver) == [], "no console errors after interaction")
    no_alert(driver)


def check_load_error(driver, path, expect):
    driver.get("file://" + os.path.abspath(path))
    check(console_errors(driver) == [], "no console errors on load: %s" % console_errors(driver))
    alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    check(expect["load_error_contains"] in alert, "the page says the spec did not load: %r" % alert)
    check(driver.find_element(By.ID, "verdict").text == "SPEC DID NOT LOAD", "verdict names the load failure")


def screenshot(driver, path, report, expect):
    driver.get("file://" + os.path.abspath(report) + "#" + expect["failed_test"])
    driver.set_window_size(1400, 900)
    driver.save_screenshot(path)
    print("ok: screenshot " + path)


def large(driver, report, count):
    """Renders a synthetic report of `count` cells (40 faults per row) and returns ms."""
    html = open(report, encoding="utf-8").read()
    start = html.index('id="faultbox-report">\n') + len('id="faultbox-report">\n')
    end = html.index("</script>", start)
    data = json.loads(html[start:end])
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
    text = json.dumps(data, indent=2).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    big = html[:start] + text + html[end:]
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as f:
        f.write(big)
    try:
        driver.get("file://" + f.name)
        rendered = driver.execute_script("return window.__faultboxRenderMs")
        n = len(driver.find_elements(By.CSS_SELECTOR, "table.matrix .cell"))
        check(n == count, "large report has %d cells" % count)
        # A measurement, not a check: speed claims belong in bench/, not in a test.
        print("measure: %d cells rendered in %.1f ms, file %d bytes" % (count, rendered, len(big.encode())))
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
        check_demo(driver, report, expect)
        if count:
            large(driver, report, count)
        if shot:
            screenshot(driver, shot, report, expect)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
