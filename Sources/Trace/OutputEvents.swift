// A line an observed service printed, and the `stdout`/`stderr` event made of it. Lines are
// capped where they are read (OutputLineReader) so that a service printing a 1 GB line
// without a newline costs at most the cap; the event says when a line was cut.

/// One line of output, without its newline: at most the reader's cap of bytes, and the
/// length the line really had.
public struct OutputLine: Sendable, Equatable {
    public var bytes: [UInt8]
    /// The line's full length in bytes (its newline and a trailing `\r` excluded).
    public var length: Int

    public init(bytes: [UInt8], length: Int? = nil) {
        self.bytes = bytes
        self.length = length ?? bytes.count
    }

    public var isTruncated: Bool { length > bytes.count }
}

public enum OutputEvents {
    /// Lines are stored and decoded up to this many bytes (64 KiB): far above any log line,
    /// far below what a runaway writer can produce.
    public static let defaultMaxLineBytes = 64 * 1024

    /// The event for `line` of `service`'s `stream` (`.stdout` or `.stderr`): `fields` are
    /// `line` (the text, invalid UTF-8 replaced) and, when the line was cut,
    /// `truncated=true` and `line_bytes` (its full length); `data` is what `decoder` made
    /// of the stored text, if anything.
    public static func event(service: String, stream: TraceEventKind, line: OutputLine,
                             decoder: TraceDecoder?, maxLineBytes: Int = defaultMaxLineBytes,
                             timeNanos: UInt64 = 0) -> TraceEvent {
        precondition(stream == .stdout || stream == .stderr, "output events are stdout or stderr")
        var bytes = line.bytes
        if bytes.count > maxLineBytes { bytes = trimmingIncompleteUTF8(Array(bytes[..<maxLineBytes])) }
        let length = max(line.length, line.bytes.count)
        var fields: [(key: String, value: String)] = [("line", String(decoding: bytes, as: UTF8.self))]
        if length > bytes.count {
            fields.append(("truncated", "true"))
            fields.append(("line_bytes", String(length)))
        }
        return TraceEvent(timeNanos: timeNanos, kind: stream, eventType: stream.rawValue, service: service,
                          fields: fields, data: decoder?.decode(line: bytes))
    }

    /// `bytes` without a UTF-8 sequence cut short at its end, so that a line cut at the cap
    /// does not end in a replacement character. Bytes that are not UTF-8 anyway are kept
    /// (they are replaced when the text is made).
    static func trimmingIncompleteUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var lead = bytes.count - 1
        while lead >= 0, bytes.count - lead <= 4, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0, bytes.count - lead <= 4 else { return bytes }
        let b = bytes[lead]
        let needed = b < 0x80 ? 1 : b >= 0xF0 && b < 0xF8 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        return lead + needed > bytes.count ? Array(bytes[..<lead]) : bytes
    }
}
