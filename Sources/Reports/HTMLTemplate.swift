// The fixed markup and style of the HTML report. Holds no report data: HTMLScript fills the
// empty containers from the embedded JSON. Colours were chosen for WCAG AA (4.5:1 or more
// between every cell's text and its background, measured in docs/reports.md), and every
// cell also carries a word, so the grid reads without colour.
enum HTMLTemplate {
    /// The Content-Security-Policy forbids every fetch (`default-src 'none'`): the page opens
    /// from a CI artifact or file:// and must never reach the network, even if a bug let
    /// service output become markup.
    static let head = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>faultbox report</title>
    <style>
    :root { --fg: #1b1f24; --muted: #4a5360; --line: #d0d5dc; --bg: #ffffff; --panel: #f6f8fa; --accent: #0b57d0; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
    header { padding: 14px 24px; border-bottom: 1px solid var(--line); display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
    header h1 { font-size: 18px; margin: 0; }
    .verdict { font-weight: 700; padding: 2px 10px; border-radius: 4px; }
    main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(340px, 42%); gap: 0; }
    main.no-details { grid-template-columns: minmax(0, 1fr) 0; }
    #content { padding: 12px 24px 40px; min-width: 0; }
    #details { border-left: 1px solid var(--line); background: var(--panel); padding: 12px 18px 40px; position: sticky; top: 0; height: 100vh; overflow: auto; min-width: 0; }
    main.no-details #details { display: none; }
    @media (max-width: 900px) { main, main.no-details { grid-template-columns: 1fr; } #details { position: static; height: auto; border-left: 0; border-top: 1px solid var(--line); } }
    h2 { font-size: 16px; margin: 22px 0 8px; }
    h3 { font-size: 14px; margin: 16px 0 6px; }
    dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 8px 0; }
    dl.summary dt { color: var(--muted); }
    dl.summary dd { margin: 0; overflow-wrap: anywhere; }
    .counts { display: flex; gap: 8px; flex-wrap: wrap; margin: 6px 0; }
    .chip { border-radius: 4px; padding: 2px 8px; font-weight: 600; font-size: 13px; }
    .banner { padding: 10px 14px; border-radius: 4px; margin: 10px 0; border: 1px solid; }
    .banner.error { background: #fdecea; border-color: #b3261e; color: #5f1410; }
    .banner.warn { background: #fff4ce; border-color: #8a6100; color: #4d3600; }
    .banner pre { margin: 6px 0 0; }
    #filters { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; padding: 8px 0; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: var(--bg); z-index: 2; }
    #filters input[type=search] { min-width: 220px; padding: 4px 8px; }
    #filters select { padding: 3px; max-width: 220px; }
    #shown { color: var(--muted); }
    .matrix-wrap { overflow-x: auto; }
    table.matrix { border-collapse: separate; border-spacing: 3px; }
    table.matrix th { font-weight: 600; font-size: 12px; text-align: left; padding: 2px 6px; white-space: nowrap; }
    table.matrix thead th { vertical-align: bottom; }
    table.matrix tbody th { text-align: right; }
    .cell { display: block; width: 100%; min-width: 82px; border: 1px solid transparent; border-radius: 4px; padding: 4px 6px; font: inherit; font-size: 12px; text-align: center; cursor: pointer; line-height: 1.25; }
    .cell b { display: block; font-size: 12px; letter-spacing: .03em; }
    .cell small { font-size: 11px; }
    .cell:focus-visible, .test-row:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
    .cell.selected { outline: 3px solid #111; outline-offset: 1px; }
    .o-passed { background: #d3f0da; color: #0d4a1c; border-color: #8fcf9f; }
    .o-failed { background: #b3261e; color: #ffffff; }
    .o-expectation_violated { background: #8a3c00; color: #ffffff; }
    .o-fault_bypassed { background: #fff0b3; color: #4d3900; border-color: #d9b93d; }
    .o-errored { background: #5b2a86; color: #ffffff; }
    .o-excluded { background: #eceff2; color: #4a5360; cursor: default; }
    .o-not_run { background: #ffffff; color: #4a5360; border: 1px dashed #7a8490; cursor: default; }
    .cell.dim { visibility: hidden; }
    table.tests { border-collapse: collapse; width: 100%; }
    table.tests th, table.tests td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); font-size: 13px; }
    .test-row { cursor: pointer; }
    .test-row:hover { background: #eef3fb; }
    .test-row.selected { background: #dde8fb; }
    .word { display: inline-block; min-width: 58px; text-align: center; border-radius: 3px; padding: 0 6px; font-weight: 700; font-size: 12px; }
    pre, code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #ffffff; border: 1px solid var(--line); border-radius: 4px; padding: 8px; margin: 4px 0; max-height: 420px; overflow: auto; }
    .replay { display: flex; gap: 8px; align-items: flex-start; }
    .replay pre { flex: 1; margin: 0; }
    button.small { font: inherit; font-size: 12px; padding: 3px 10px; cursor: pointer; }
    table.fired { border-collapse: collapse; margin: 4px 0 8px; font-size: 12px; }
    table.fired th, table.fired td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--line); }
    table.fired td.n { text-align: right; }
    table.timeline { border-collapse: collapse; width: 100%; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
    table.timeline td { padding: 1px 6px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
    table.timeline td:last-child { white-space: pre-wrap; overflow-wrap: anywhere; }
    table.timeline td.t { text-align: right; white-space: nowrap; color: var(--muted); }
    .k-fault_applied td, .k-fault_removed td { background: #fff0b3; }
    .k-deny td { background: #fde2df; }
    .k-delay td { background: #fdf0d5; }
    .k-violation td { background: #fde2df; font-weight: 600; }
    .k-lifecycle td { background: #e4f1e7; }
    .muted { color: var(--muted); }
    ul.plain { margin: 4px 0; padding-left: 20px; }
    ul.plain li { overflow-wrap: anywhere; }
    .kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
    .kv dt { color: var(--muted); } .kv dd { margin: 0; overflow-wrap: anywhere; }
    .close { float: right; }
    </style>
    </head>
    <body>
    <header><h1>faultbox report</h1><span id="verdict" class="verdict"></span><span id="headline" class="muted"></span></header>
    <main class="no-details">
    <div id="content">
    <noscript><p class="banner warn">This report is drawn by JavaScript from the JSON report embedded in the file; enable scripts, or extract that JSON (the element with id faultbox-report holds it gzipped, in base64).</p></noscript>
    <section id="summary"></section>
    <div id="filters" hidden>
    <label><input type="checkbox" id="f-failed"> failed only</label>
    <label>scenario <select id="f-scenario"><option value="">all</option></select></label>
    <label>fault <select id="f-fault"><option value="">all</option></select></label>
    <input type="search" id="f-search" placeholder="search test names" aria-label="search test names">
    <span id="shown"></span>
    </div>
    <section id="matrices"></section>
    <section id="tests"></section>
    </div>
    <aside id="details" aria-live="polite"></aside>
    </main>

    """#

    static let tail = "</body>\n</html>\n"
}
