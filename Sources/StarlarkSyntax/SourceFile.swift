/// A Starlark source text with its name. Positions everywhere are byte offsets into
/// `bytes`; line and column are computed only when a position is printed.
public final class SourceFile: Sendable {
    public let name: String
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line (line 1 starts at 0).
    private let lineStarts: [Int]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    public convenience init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// 1-based line and column (column counts bytes, as go.starlark.net does for ASCII;
    /// for UTF-8 text it counts code points so editors agree).
    public func lineColumn(_ offset: Int) -> (line: Int, column: Int) {
        let off = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= off { lo = mid } else { hi = mid - 1 }
        }
        var col = 1
        var i = lineStarts[lo]
        while i < off {
            // count code points: skip UTF-8 continuation bytes
            if bytes[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        return (lo + 1, col)
    }

    /// "name:line:col", the prefix of every diagnostic.
    public func describe(_ offset: Int) -> String {
        let (l, c) = lineColumn(offset)
        return "\(name):\(l):\(c)"
    }

    /// The text of one line (without its newline), for excerpts in diagnostics.
    public func lineText(_ line: Int) -> String {
        guard line >= 1 && line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        if end > start && bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// A position in a specific file: what errors carry across layers.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public init(_ source: SourceFile, _ offset: Int) {
        let (l, c) = source.lineColumn(offset)
        self.init(file: source.name, line: l, column: c)
    }
    public var description: String { "\(file):\(line):\(column)" }
}

/// A diagnostic from the lexer, parser or resolver.
public struct SyntaxError: Error, Sendable, CustomStringConvertible {
    public let location: SourceLocation
    public let message: String
    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }
    public var description: String { "\(location): \(message)" }
}
