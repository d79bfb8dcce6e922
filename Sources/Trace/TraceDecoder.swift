// Decoders turn one line a service printed into structured data: `decoder("json")`,
// `decoder("logfmt")` and `decoder("regex", pattern=...)` of the spec language. A line a
// decoder cannot parse is still an event (the runner keeps the raw text in
// `fields["line"]` with no data), so `decode` answers nil rather than throwing.

/// A spec error in a decoder's construction; `message` is written for the spec's author.
public struct TraceDecoderError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public struct TraceDecoder: Sendable, CustomStringConvertible {
    public enum Format: String, Sendable, CaseIterable { case json, logfmt, regex }

    public let format: Format
    private let compiled: RegexPattern?

    private init(format: Format, compiled: RegexPattern? = nil) {
        self.format = format
        self.compiled = compiled
    }

    /// A JSON object per line; keys keep their order, whole numbers become ints.
    public static let json = TraceDecoder(format: .json)
    /// `key=value key2="value 2" flag` pairs (LogfmtParser's header lists the conventions).
    public static let logfmt = TraceDecoder(format: .logfmt)

    /// Named groups of the first match become string fields. Python's `(?P<name>...)` is
    /// accepted, as the reference tool's specs use it.
    public static func regex(_ pattern: String) throws(TraceDecoderError) -> TraceDecoder {
        TraceDecoder(format: .regex, compiled: try RegexPattern(pattern))
    }

    /// The spec's `decoder(name, pattern=)`, with its errors.
    public static func named(_ name: String, pattern: String? = nil) throws(TraceDecoderError) -> TraceDecoder {
        guard let format = Format(rawValue: name) else {
            let known = Format.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw TraceDecoderError("unknown decoder \"\(name)\" (decoders: \(known))")
        }
        switch format {
        case .json, .logfmt:
            if pattern != nil { throw TraceDecoderError("decoder(\"\(name)\") takes no pattern") }
            return format == .json ? .json : .logfmt
        case .regex:
            guard let pattern else {
                throw TraceDecoderError("decoder(\"regex\") needs pattern=, e.g. pattern=r\"WAL: (?P<action>\\w+)\"")
            }
            return try regex(pattern)
        }
    }

    /// The regex decoder's pattern as written in the spec.
    public var pattern: String? { compiled?.source }

    /// The group names a regex decoder produces, in pattern order.
    public var groupNames: [String] { compiled?.groups.map(\.name) ?? [] }

    /// The decoded line, or nil when it cannot be parsed. Give it at most a capped line
    /// (OutputEvents does); invalid UTF-8 is replaced, NUL bytes are ordinary characters.
    public func decode(line: [UInt8]) -> TraceData? {
        switch format {
        case .json: return JSONLineParser.parseObject(line)
        case .logfmt: return LogfmtParser.parse(line)
        case .regex: return compiled?.match(String(decoding: line, as: UTF8.self))
        }
    }

    /// `decoder("json")`, `decoder("regex", pattern="...")`.
    public var description: String {
        if let pattern { return "decoder(\"\(format.rawValue)\", pattern=\(RegexPattern.quote(pattern)))" }
        return "decoder(\"\(format.rawValue)\")"
    }
}
