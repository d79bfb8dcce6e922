// `--html FILE`: one self-contained page (inline CSS and JS, no network) for people. The page
// carries the JSON report (JSONReport.encode) verbatim in a data block and its script renders
// everything from it, so the JSON stays the single source of truth and the HTML adds no
// second encoder of test data that could drift (docs/reports.md, "HTML").
import Foundation

public enum HTMLReport {
    /// The id of the `<script type="application/json">` element holding the report.
    public static let dataElementID = "faultbox-report"

    /// Writes the page atomically (temporary file, fsync, rename), like the JUnit report.
    public static func write(_ report: RunReport, to path: String) throws {
        try AtomicFile.write(Array(render(report).utf8), to: path)
    }

    /// The whole page. Only the escaped JSON and the fixed template are concatenated: no
    /// report text is ever spliced into markup, so service output cannot become HTML.
    public static func render(_ report: RunReport) -> String {
        let json = escapeForScriptElement(JSONReport.encode(report))
        return HTMLTemplate.head
            + "<script type=\"application/json\" id=\"\(dataElementID)\">\n" + json + "</script>\n"
            + "<script>\n" + HTMLScript.source + "</script>\n"
            + HTMLTemplate.tail
    }

    /// JSON text made safe inside a `<script>` element: `<`, `>` and `&` become `\u003c`,
    /// `\u003e`, `\u0026`. A script element ends at the first `</script` and `<!--` changes
    /// how the HTML parser looks for that end, whatever the JSON means, so neither may appear
    /// literally. The three characters occur only inside JSON strings, where the escape
    /// means the same character, so `JSON.parse` reads the report unchanged. U+2028/2029 are
    /// already escaped by the JSON writer.
    public static func escapeForScriptElement(_ json: String) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The JSON text embedded in a page written by `render`, escapes undone: equal to
    /// `JSONReport.encode` of the same report (tests and tools read reports back with it).
    /// The JSON writer never emits `\u003c`, `\u003e` or `\u0026` itself, so the inverse is
    /// exact; an escaped backslash (`\\`) is copied as a pair so `\\u003c` stays as written.
    public static func embeddedJSON(in html: String) -> String? {
        let open = "<script type=\"application/json\" id=\"\(dataElementID)\">\n"
        guard let start = html.range(of: open),
              let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex) else { return nil }
        let scalars = Array(html[start.upperBound..<end.lowerBound].unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == "\\", i + 1 < scalars.count {
                if scalars[i + 1] == "u", i + 5 < scalars.count {
                    let hex = String(String.UnicodeScalarView(scalars[(i + 2)...(i + 5)]))
                    if let special = ["003c": "<", "003e": ">", "0026": "&"][hex] {
                        out.append(contentsOf: special.unicodeScalars)
                        i += 6
                        continue
                    }
                }
                out.append(s); out.append(scalars[i + 1])
                i += 2
                continue
            }
            out.append(s)
            i += 1
        }
        return String(out)
    }
}
