import Foundation
import CLibXML2

/// `--junit FILE`: JUnit XML valid against the shared junit.xsd, written atomically.
public enum JUnitReport {
    public static func write(_ report: RunReport, to path: String) throws {
        throw ReportError("JUnit report not implemented yet")
    }
}
