import Foundation

/// `--format json`: the schema is documented in docs/reports.md.
public enum JSONReport {
    public static func encode(_ report: RunReport) -> String { "{}" }
}
