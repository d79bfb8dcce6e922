// `--html FILE`: one self-contained page (inline CSS and JS, no network) for people. The page
// carries the JSON report (JSONReport.encode) byte for byte, gzipped and base64-encoded, in a
// data block, and its script unpacks and renders everything from it, so the JSON stays the
// single source of truth and the HTML adds no second encoder of test data that could drift
// (docs/reports.md, "HTML"). Gzip because the JSON (every event, pretty-printed) is ~96% of
// an unpacked page and gzip packs it ~23x (bench/html.sh).
import Foundation

public enum HTMLReport {
    /// The id of the `<script type="application/gzip">` element holding the report.
    public static let dataElementID = "faultbox-report"
    /// The data block's opening tag, up to and including its newline.
    static let dataOpen = "<script type=\"application/gzip\" id=\"\(dataElementID)\" data-encoding=\"base64\">\n"

    /// Writes the page atomically (temporary file, fsync, rename), like the JUnit report.
    public static func write(_ report: RunReport, to path: String) throws {
        try AtomicFile.write(Array(render(report).utf8), to: path)
    }

    /// The whole page. Only base64 text (A-Z, a-z, 0-9, `+`, `/`, `=`) and the fixed template
    /// are concatenated: no report text is ever spliced into markup, so service output
    /// cannot become HTML or end the data block.
    public static func render(_ report: RunReport) throws -> String {
        let packed = try Gzip.compress(Array(JSONReport.encode(report).utf8))
        return HTMLTemplate.head
            + dataOpen + Data(packed).base64EncodedString() + "\n</script>\n"
            + "<script>\n" + HTMLScript.source + "</script>\n"
            + HTMLTemplate.tail
    }

    /// The JSON text embedded in a page written by `render` (base64 decoded, gunzipped):
    /// equal to `JSONReport.encode` of the same report. Nil when the page has no data block
    /// or the block is not intact gzip of UTF-8 text. The shell's equivalent:
    /// `sed -n '/id="faultbox-report"/{n;p;q}' r.html | base64 -d | gunzip`.
    public static func embeddedJSON(in html: String) -> String? {
        guard let start = html.range(of: dataOpen),
              let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex),
              let packed = Data(base64Encoded: String(html[start.upperBound..<end.lowerBound]),
                                options: .ignoreUnknownCharacters),
              let bytes = Gzip.decompress(Array(packed)) else { return nil }
        return String(bytes: bytes, encoding: .utf8)
    }
}
