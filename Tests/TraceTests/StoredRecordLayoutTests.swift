@testable import Trace
import XCTest

/// The compact record is what makes a million-event trace cost ~90 bytes an event
/// (docs/trace.md, "Measurements"): it must stay plain data (no reference counting when
/// records are copied or compacted) and small.
final class StoredRecordLayoutTests: XCTestCase {
    func testRecordIsPlainAndSmall() {
        XCTAssertTrue(_isPOD(StoredRecord.self))
        XCTAssertLessThanOrEqual(MemoryLayout<StoredRecord>.stride, 72)
    }
}
