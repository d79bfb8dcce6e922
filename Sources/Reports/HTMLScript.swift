// The HTML report's script. It unpacks the embedded JSON report (base64, then gzip through
// the browser's DecompressionStream) and builds the page with DOM calls only: text goes in
// through textContent and createTextNode, never innerHTML, so no byte of service output can
// become markup or script. Details are built on click, so a 1,000-cell run renders only the
// grid up front. When the page is drawn, <html data-report="ready"> (or "error") is set.
enum HTMLScript {
    static let source = #"""
    "use strict";
    (async function () {
    const t0 = performance.now();
    const WORDS = { passed: "PASS", failed: "FAIL", expectation_violated: "EXPECT", fault_bypassed: "BYPASS",
                    errored: "ERROR", excluded: "excluded", not_run: "not run" };
    const FAILING = new Set(["failed", "expectation_violated", "errored"]);
    const ROW_CAP = 500, TAIL_LINES = 200;

    // The report's bytes: base64 (the native decoder where there is one), then gunzip. A
    // browser without DecompressionStream (before Chromium 80, Firefox 113, Safari 16.4)
    // gets one line saying so instead of a broken page.
    async function unpack(text) {
      text = text.trim();
      let bytes;
      if (typeof Uint8Array.fromBase64 === "function") bytes = Uint8Array.fromBase64(text);
      else {
        const binary = atob(text);
        bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      }
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Response(stream).text();
    }
    function cannotShow(message) {
      document.getElementById("summary").append(el("p", { class: "banner error", role: "alert", id: "unpack-error", text: message }));
      document.documentElement.dataset.report = "error";
    }
    let raw;
    if (typeof DecompressionStream !== "function") {
      cannotShow("This browser cannot unpack the report (it lacks DecompressionStream): open the file in Chromium 80+, Firefox 113+ or Safari 16.4+, or extract the JSON with: sed -n '/id=\"faultbox-report\"/{n;p;q}' FILE | base64 -d | gunzip");
      return;
    }
    try { raw = await unpack(document.getElementById("faultbox-report").textContent); }
    // The browser's own message here is "Failed to fetch", which would mislead (nothing is fetched).
    catch (e) { cannotShow("The embedded report could not be unpacked: its gzip data is cut short or damaged; write the page again."); return; }
    const inflated = performance.now();

    // Seeds are unsigned 64-bit: keep their source text where the browser offers it
    // (JSON.parse source access), so 18446744073709551615 is shown exactly.
    const report = JSON.parse(raw, function (key, value, context) {
      if (key === "seed" && context && typeof context.source === "string") return context.source;
      return value;
    });

    function el(tag, attrs, ...children) {
      const node = document.createElement(tag);
      if (attrs) for (const k in attrs) {
        if (k === "class") node.className = attrs[k];
        else if (k === "text") node.textContent = visible(attrs[k]);
        else node.setAttribute(k, attrs[k]);
      }
      for (const c of children) if (c !== null && c !== undefined) node.append(typeof c === "string" ? visible(c) : c);
      return node;
    }
    // Control characters are shown as escapes (as on the console) so a service's ESC, NUL
    // or BEL is visible and cannot confuse a copy-paste; newline and tab stay.
    function visible(s) {
      return String(s).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
        c => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"));
    }
    function ms(v) {
      if (v >= 10000) return (v / 1000).toFixed(1) + " s";
      return (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10) + " ms";
    }
    function word(outcome) { return WORDS[outcome] || outcome; }
    function badge(outcome) { return el("span", { class: "word o-" + outcome, text: word(outcome) }); }
    function shellQuote(a) { return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : "'" + a.replace(/'/g, "'\\''") + "'"; }

    const tests = report.tests;
    // Tests by name; with --runs N a name has one entry per run, in run order.
    const byName = new Map();
    tests.forEach((t, i) => { if (!byName.has(t.name)) byName.set(t.name, []); byName.get(t.name).push(i); });
    const specOfMatrix = new Map();
    for (const t of tests) if (t.matrix_id !== null && !specOfMatrix.has(t.matrix_id)) specOfMatrix.set(t.matrix_id, t.spec_file);

    // ---- summary ----
    function renderSummary() {
      const s = report.summary, box = document.getElementById("summary");
      const verdict = document.getElementById("verdict");
      let v, cls;
      if (report.load_error !== null) { v = "SPEC DID NOT LOAD"; cls = "o-errored"; }
      else if (report.interrupted) { v = "INTERRUPTED"; cls = "o-fault_bypassed"; }
      else if (s.failed > 0) { v = "FAILED"; cls = "o-failed"; }
      else { v = "PASSED"; cls = "o-passed"; }
      verdict.textContent = v; verdict.className = "verdict " + cls;
      document.getElementById("headline").textContent = s.passed + " passed, " + s.failed + " failed";
      document.title = "faultbox: " + v.toLowerCase() + " (" + s.passed + " passed, " + s.failed + " failed)";
      if (report.load_error !== null) {
        box.append(el("div", { class: "banner error", role: "alert" }, el("strong", { text: "No test ran: the spec did not load." }),
          el("pre", { text: report.load_error })));
      }
      if (report.interrupted) box.append(el("div", { class: "banner warn", text: "The run was interrupted: this report holds the " + s.total + " tests that finished." }));
      const counts = {};
      for (const t of tests) counts[t.outcome] = (counts[t.outcome] || 0) + 1;
      for (const m of report.matrices) for (const c of m.cells) if (c.result === "excluded" || c.result === "not_run") counts[c.result] = (counts[c.result] || 0) + 1;
      const chips = el("div", { class: "counts", id: "outcome-counts" });
      for (const o of ["passed", "failed", "expectation_violated", "fault_bypassed", "errored", "excluded", "not_run"]) {
        if (counts[o]) chips.append(el("span", { class: "chip o-" + o, "data-outcome": o, text: counts[o] + " " + (o === "not_run" ? "not run" : o.replace("_", " ")) }));
      }
      const seeds = [...new Set(tests.map(t => String(t.seed)))];
      const dl = el("dl", { class: "summary" });
      const row = (k, v) => { if (v !== null && v !== "") dl.append(el("dt", { text: k }), el("dd", null, v)); };
      row("tests", s.total + " (" + s.passed + " passed, " + s.failed + " failed)");
      row("started", report.started_at.replace("T", " ").replace("Z", " UTC"));
      row("faultbox", el("span", { id: "faultbox-version", text: report.faultbox_version }));
      row("time in tests", ms(s.duration_ms));
      row("seed" + (seeds.length > 1 ? "s" : ""), seeds.length > 12 ? seeds.slice(0, 12).join(", ") + ", ..." : seeds.join(", "));
      row("spec" + (report.spec_files.length > 1 ? "s" : ""), report.spec_files.join(", "));
      if (report.command_line.length) row("command", el("code", { text: report.command_line.map(shellQuote).join(" ") }));
      box.append(chips, dl);
      for (const d of report.diagnostics) box.append(diagnosticBanner(d));
    }
    function diagnosticBanner(d) {
      const b = el("div", { class: "banner warn" }, el("strong", { text: "[" + d.code + "] " }), d.message);
      if (d.fix) b.append(el("div", { class: "muted", text: "fix: " + d.fix }));
      return b;
    }

    // ---- filters ----
    const filter = { failed: false, scenario: "", fault: "", search: "" };
    function cellVisible(name, outcome, scenario, fault) {
      if (filter.scenario && scenario !== filter.scenario) return false;
      if (filter.fault && fault !== filter.fault) return false;
      if (filter.failed && !FAILING.has(outcome)) return false;
      if (filter.search && !(name || "").toLowerCase().includes(filter.search)) return false;
      return true;
    }
    function setupFilters() {
      const scenarios = new Set(), faults = new Set();
      for (const m of report.matrices) { m.scenarios.forEach(x => scenarios.add(x)); m.faults.forEach(x => faults.add(x)); }
      for (const t of tests) { if (t.scenario !== null) scenarios.add(t.scenario); if (t.fault !== null) faults.add(t.fault); }
      const fill = (id, values) => { const sel = document.getElementById(id); for (const v of values) sel.append(el("option", { value: v, text: v })); };
      fill("f-scenario", scenarios); fill("f-fault", faults);
      const box = document.getElementById("filters");
      box.hidden = tests.length === 0 && report.matrices.length === 0;
      document.getElementById("f-failed").addEventListener("change", e => { filter.failed = e.target.checked; renderBody(); });
      document.getElementById("f-scenario").addEventListener("change", e => { filter.scenario = e.target.value; renderBody(); });
      document.getElementById("f-fault").addEventListener("change", e => { filter.fault = e.target.value; renderBody(); });
      document.getElementById("f-search").addEventListener("input", e => { filter.search = e.target.value.trim().toLowerCase(); renderBody(); });
    }

    // ---- grid and test list ----
    let selected = null;  // {kind: "cell"|"test", key}
    function renderBody() {
      let shown = 0, total = 0;
      const matrices = document.getElementById("matrices");
      const frag = document.createDocumentFragment();
      for (const m of report.matrices) {
        const spec = specOfMatrix.get(m.id);
        const cells = new Map(m.cells.map(c => [c.scenario + "\u0000" + c.fault, c]));
        const faults = m.faults.filter(f => !filter.fault || f === filter.fault);
        const live = m.cells.filter(c => c.result !== "excluded").length;
        // Numbered from 1 in declaration order when there are several (the JSON's ids start at 0).
        const number = report.matrices.length > 1 ? " " + (report.matrices.indexOf(m) + 1) : "";
        frag.append(el("h2", { text: "Fault matrix" + number + (spec ? " \u2014 " + spec : "") + ": " + m.scenarios.length + " scenarios \u00d7 " + m.faults.length + " faults = " + live + " cells" }));
        const table = el("table", { class: "matrix", "data-matrix": String(m.id) });
        const head = el("tr", null, el("th", { scope: "col", text: "scenario \\ fault" }));
        for (const f of faults) head.append(el("th", { scope: "col", text: f }));
        const body = el("tbody");
        for (const s of m.scenarios) {
          if (filter.scenario && s !== filter.scenario) continue;
          const tr = el("tr", null, el("th", { scope: "row", text: s }));
          let any = false;
          for (const f of faults) {
            const c = cells.get(s + "\u0000" + f);
            total++;
            const outcome = c.result === "excluded" || c.result === "not_run" ? c.result : (c.outcome || (c.result === "pass" ? "passed" : "failed"));
            const ok = cellVisible(c.test, outcome, s, f) && !(filter.failed && c.test === null);
            tr.append(el("td", null, cellButton(m, c, outcome, ok)));
            if (ok) { any = true; shown++; }
          }
          if (any || !(filter.failed || filter.search)) body.append(tr);
        }
        table.append(el("thead", null, head), body);
        frag.append(el("div", { class: "matrix-wrap" }, table));
      }
      matrices.replaceChildren(frag);

      const plain = tests.map((t, i) => i).filter(i => tests[i].matrix_id === null);
      const box = document.getElementById("tests");
      if (plain.length === 0) { box.replaceChildren(); }
      else {
        const tbody = el("tbody");
        for (const i of plain) {
          const t = tests[i];
          total++;
          if (!cellVisible(t.name, t.outcome, filter.scenario ? t.scenario : null, filter.fault ? t.fault : null)) continue;
          shown++;
          const tr = el("tr", { class: "test-row" + (selected && selected.test === i ? " selected" : ""), tabindex: "0", "data-test": String(i), "data-outcome": t.outcome },
            el("td", null, badge(t.outcome)), el("td", { text: t.name }), el("td", { text: t.spec_file }),
            el("td", { text: [t.scenario, t.fault].filter(x => x !== null).join(" \u00d7 ") }), el("td", { text: ms(t.duration_ms) }));
          tr.addEventListener("click", () => select({ test: i, runs: [i] }));
          tr.addEventListener("keydown", e => { if (e.key === "Enter") select({ test: i, runs: [i] }); });
          tbody.append(tr);
        }
        const table = el("table", { class: "tests" },
          el("thead", null, el("tr", null, ...["outcome", "test", "spec", "scenario \u00d7 fault", "time"].map(h => el("th", { text: h })))), tbody);
        box.replaceChildren(el("h2", { text: "Tests (" + plain.length + ")" }), table);
      }
      document.getElementById("shown").textContent = (filter.failed || filter.scenario || filter.fault || filter.search) ? shown + " of " + total + " shown" : "";
    }

    function cellButton(m, c, outcome, ok) {
      const runs = c.test === null ? [] : (byName.get(c.test) || []).filter(i => tests[i].matrix_id === m.id || tests[i].matrix_id === null);
      const b = el("button", { class: "cell o-" + outcome + (ok ? "" : " dim"), type: "button", "data-outcome": outcome,
                               title: (c.test || "excluded pair") + " (" + c.scenario + " \u00d7 " + c.fault + ")" });
      b.append(el("b", { text: word(outcome) }));
      if (runs.length) {
        const time = runs.reduce((a, i) => a + tests[i].duration_ms, 0);
        b.append(el("small", { text: ms(time) + (runs.length > 1 ? " \u00d7" + runs.length : "") }));
        b.dataset.test = c.test;
        if (selected && selected.name === c.test && selected.matrix === m.id) b.classList.add("selected");
        b.addEventListener("click", () => select({ name: c.test, matrix: m.id, runs }));
      } else {
        b.disabled = c.result === "excluded";
        if (c.result === "not_run") b.addEventListener("click", () => select({ name: c.test, matrix: m.id, runs: [], cell: c }));
      }
      if (ok) b.setAttribute("aria-label", c.scenario + " under " + c.fault + ": " + word(outcome));
      return b;
    }

    function select(sel) {
      selected = sel;
      for (const n of document.querySelectorAll(".selected")) n.classList.remove("selected");
      if (sel.test !== undefined) { const r = document.querySelector('tr[data-test="' + sel.test + '"]'); if (r) r.classList.add("selected"); }
      else for (const b of document.querySelectorAll('table[data-matrix="' + sel.matrix + '"] .cell')) if (b.dataset.test === sel.name) b.classList.add("selected");
      const first = sel.runs.find(i => FAILING.has(tests[i].outcome));
      renderDetails(sel, first === undefined ? sel.runs[0] : first);
      const name = sel.runs.length ? tests[sel.runs[0]].name : sel.name;
      if (name) history.replaceState(null, "", "#" + encodeURIComponent(name));
    }

    // ---- details (built on demand) ----
    function renderDetails(sel, index) {
      const panel = document.getElementById("details");
      document.querySelector("main").classList.remove("no-details");
      const close = el("button", { class: "small close", type: "button", text: "close" });
      close.addEventListener("click", () => { document.querySelector("main").classList.add("no-details"); panel.replaceChildren(); });
      if (index === undefined) {
        panel.replaceChildren(close, el("h2", { text: sel.name || "" }), el("p", { class: "muted", text: "This cell did not run (excluded by --test, or the run was interrupted before it)." }));
        return;
      }
      const t = tests[index];
      const out = [close, el("h2", { id: "detail-name", text: t.name })];
      if (sel.runs.length > 1) {
        const runs = el("div", { class: "counts" }, el("span", { class: "muted", text: "runs:" }));
        for (const i of sel.runs) {
          const b = el("button", { class: "small word o-" + tests[i].outcome, type: "button", text: word(tests[i].outcome) + " seed " + tests[i].seed });
          if (i === index) b.setAttribute("aria-pressed", "true");
          b.addEventListener("click", () => renderDetails(sel, i));
          runs.append(b);
        }
        out.push(runs);
      }
      const kv = el("dl", { class: "kv" });
      const row = (k, v) => { if (v !== null && v !== undefined && v !== "") kv.append(el("dt", { text: k }), el("dd", null, v)); };
      row("outcome", el("span", null, badge(t.outcome), " " + t.outcome));
      row("expectation", t.expectation);
      row("failure type", t.failure_type);
      row("scenario \u00d7 fault", [t.scenario, t.fault].filter(x => x !== null).join(" \u00d7 "));
      row("spec", t.spec_file);
      row("time", ms(t.duration_ms));
      row("seed", String(t.seed));
      out.push(kv);
      if (t.reason !== null) out.push(el("h3", { text: FAILING.has(t.outcome) ? "Reason" : "Note" }), el("pre", { id: "detail-reason", text: t.reason }));
      out.push(el("h3", { text: "Replay" }), replay(t.replay));
      out.push(el("h3", { text: "Decisions that fired (" + t.decisions.length + ")" }));
      if (t.decisions.length) {
        const grouped = firedTable(t);
        if (grouped) out.push(grouped);
        out.push(capped(t.decisions, d => el("li", { text: d }), "ul", "plain decisions"));
      } else out.push(el("p", { class: "muted", text: "none" }));
      if (t.diagnostics.length || t.warnings.length) {
        out.push(el("h3", { text: "Warnings" }));
        const coded = new Set(t.diagnostics.map(d => "[" + d.code + "] " + d.message));
        for (const d of t.diagnostics) out.push(diagnosticBanner(d));
        const rest = t.warnings.filter(w => !coded.has(w));
        if (rest.length) out.push(el("ul", { class: "plain" }, ...rest.map(w => el("li", { text: w }))));
      }
      out.push(...timeline(t));
      out.push(...outputs(t));
      panel.replaceChildren(...out);
      panel.scrollTop = 0;
    }

    // The decisions grouped by what fired where: service, syscall, decision, fault, the
    // pids it hit and how often. Built from the trace, which keeps every non-allow event.
    function firedTable(t) {
      const groups = new Map();
      for (const e of t.events || []) {
        const f = e.fields || {};
        if (e.type !== "syscall" || (f.decision || "allow") === "allow") continue;
        const key = [e.service, f.syscall, f.decision, f.label || ""].join("\u0000");
        if (!groups.has(key)) groups.set(key, { service: e.service, syscall: f.syscall, decision: f.decision, label: f.label || "", pids: new Set(), count: 0 });
        const g = groups.get(key);
        g.count++;
        if (f.pid) g.pids.add(f.pid);
      }
      if (!groups.size) return null;
      const head = el("tr", null, ...["service", "syscall", "decision", "fault", "pid", "count"].map(h => el("th", { text: h })));
      const body = el("tbody");
      for (const g of groups.values()) {
        body.append(el("tr", null, el("td", { text: g.service }), el("td", { text: g.syscall }), el("td", { text: g.decision }),
          el("td", { text: g.label }), el("td", { text: [...g.pids].join(", ") }), el("td", { class: "n", text: String(g.count) })));
      }
      return el("table", { class: "fired", id: "detail-fired" }, el("thead", null, head), body);
    }

    function replay(command) {
      const pre = el("pre", { id: "detail-replay", text: command });
      const button = el("button", { class: "small", type: "button", text: "copy" });
      button.addEventListener("click", () => {
        const done = () => { button.textContent = "copied"; setTimeout(() => { button.textContent = "copy"; }, 1500); };
        // file:// pages may be denied the async clipboard; fall back to a selection copy.
        const fallback = () => {
          const range = document.createRange(); range.selectNodeContents(pre);
          const s = getSelection(); s.removeAllRanges(); s.addRange(range);
          try { document.execCommand("copy"); done(); } catch (e) { button.textContent = "select and copy"; }
        };
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(command).then(done, fallback);
        else fallback();
      });
      return el("div", { class: "replay" }, pre, button);
    }

    // A list drawn ROW_CAP items at a time: a cell with 100,000 trace events stays responsive.
    function capped(items, make, tag, cls, header) {
      const list = el(tag, cls ? { class: cls } : null);
      const target = tag === "table" ? el("tbody") : list;
      if (tag === "table") { if (header) list.append(header); list.append(target); }
      let drawn = 0;
      const wrap = el("div", null, list);
      const more = el("button", { class: "small", type: "button" });
      function draw() {
        const end = Math.min(items.length, drawn + ROW_CAP);
        const frag = document.createDocumentFragment();
        for (; drawn < end; drawn++) frag.append(make(items[drawn]));
        target.append(frag);
        if (drawn < items.length) more.textContent = "show " + Math.min(ROW_CAP, items.length - drawn) + " more (" + (items.length - drawn) + " left)";
        else more.remove();
      }
      more.addEventListener("click", draw);
      wrap.append(more);
      draw();
      return wrap;
    }

    function eventText(e) {
      const f = e.fields || {};
      const join = (...xs) => xs.filter(x => x !== undefined && x !== null && x !== "").join(" ");
      switch (e.type) {
        case "syscall": return join(f.syscall, f.decision, f.path, f.addr, f.label ? "[" + f.label + "]" : "", f.pid ? "pid " + f.pid : "");
        case "lifecycle": return join(f.phase, f.pid ? "pid " + f.pid : "", f.status ? "status " + f.status : "", f.signal ? "signal " + f.signal : "");
        case "fault_applied": case "fault_removed": return join(f.rules, f.origin ? "(" + f.origin + ")" : "");
        case "step_send": return join("\u2192", f.method, f.path || f.command);
        case "step_recv": return join("\u2190", f.method, f.path || f.command, f.status, f.duration_ms !== undefined ? f.duration_ms + " ms" : "", f.success === "false" ? "failed" : "", f.error, f.body);
        case "stdout": case "stderr": return f.line !== undefined ? f.line : "";
        case "violation": return join(f.monitor, f.message);
        default: return Object.keys(f).map(k => k + "=" + f[k]).join(" ");
      }
    }
    function eventClass(e) {
      if (e.type !== "syscall") return "k-" + e.type;
      const d = (e.fields || {}).decision || "";
      return d.startsWith("deny") ? "k-deny" : d.startsWith("delay") ? "k-delay" : "k-allow";
    }

    function timeline(t) {
      const events = t.events || [];
      const allowed = events.filter(e => e.type === "syscall" && ((e.fields || {}).decision || "allow") === "allow").length;
      const head = el("h3", { text: "Timeline (" + events.length + " events" + (t.events_dropped ? ", " + t.events_dropped + " dropped by the trace bounds" : "") + ")" });
      if (!events.length) return [head, el("p", { class: "muted", text: "no events recorded" })];
      const holder = el("div", { id: "detail-timeline" });
      const toggle = el("input", { type: "checkbox" });
      const label = el("label", { class: "muted" }, toggle, " show " + allowed + " allowed syscalls");
      function draw() {
        const rows = toggle.checked ? events : events.filter(e => eventClass(e) !== "k-allow");
        const header = el("thead", null, el("tr", null, ...["ms", "service", "event", ""].map(h => el("th", { class: "muted", text: h }))));
        holder.replaceChildren(capped(rows, e => el("tr", { class: eventClass(e) },
          el("td", { class: "t", text: (e.time_ns / 1e6).toFixed(1) }), el("td", { text: e.service }),
          el("td", { text: e.event_type }), el("td", { text: eventText(e) })), "table", "timeline", header));
      }
      toggle.addEventListener("change", draw);
      draw();
      return allowed ? [head, label, holder] : [head, holder];
    }

    function outputs(t) {
      const out = [el("h3", { text: "Service output" })];
      if (!t.output.length) out.push(el("p", { class: "muted", text: "none captured" }));
      for (const o of t.output) for (const stream of ["stdout", "stderr"]) {
        const text = o[stream];
        if (!text) continue;
        const lines = text.replace(/\n$/, "").split("\n");
        const pre = el("pre", { class: "output", "data-service": o.service, text: lines.slice(-TAIL_LINES).join("\n") });
        out.push(el("div", { class: "muted", text: o.service + " " + stream + (lines.length > TAIL_LINES ? " (last " + TAIL_LINES + " of " + lines.length + " lines)" : " (" + lines.length + " lines)") }));
        if (lines.length > TAIL_LINES) {
          const all = el("button", { class: "small", type: "button", text: "show all" });
          all.addEventListener("click", () => { pre.textContent = visible(lines.join("\n")); all.remove(); });
          out.push(all);
        }
        out.push(pre);
      }
      return out;
    }

    renderSummary();
    setupFilters();
    renderBody();
    if (location.hash.length > 1) {
      const name = decodeURIComponent(location.hash.slice(1));
      const runs = byName.get(name);
      if (runs) {
        const m = tests[runs[0]].matrix_id;
        select(m === null ? { test: runs[0], runs: [runs[0]] } : { name, matrix: m, runs: runs.filter(i => tests[i].matrix_id === m) });
      }
    }
    // For bench/html.sh: when the grid was drawn (ms after navigation start), the script's
    // whole time (unpacking included) and the unpacking alone.
    window.__faultboxDrawnAt = performance.now();
    window.__faultboxRenderMs = window.__faultboxDrawnAt - t0;
    window.__faultboxInflateMs = inflated - t0;
    document.documentElement.dataset.report = "ready";
    })();
    """#
}
