/// A string filter of the spec's assertions: exact, or a glob with `*` at either end
/// (`"deny*"` prefix, `"*.wal"` suffix, `"*wal*"` substring, `"*"` anything).
public struct GlobPattern: Sendable, Equatable, CustomStringConvertible {
    public enum Shape: Sendable, Equatable { case exact, prefix, suffix, contains, any }
    public let text: String
    public let shape: Shape
    /// The text without the `*`s.
    public let core: String

    public init(_ text: String) {
        self.text = text
        let starts = text.hasPrefix("*"), ends = text.hasSuffix("*") && text.count > 1
        switch (starts, ends) {
        case _ where text == "*": shape = .any; core = ""
        case (true, true): shape = .contains; core = String(text.dropFirst().dropLast())
        case (true, false): shape = .suffix; core = String(text.dropFirst())
        case (false, true): shape = .prefix; core = String(text.dropLast())
        case (false, false): shape = .exact; core = text
        }
    }

    public func matches(_ s: String) -> Bool {
        switch shape {
        case .exact: return s == core
        case .prefix: return s.hasPrefix(core)
        case .suffix: return s.hasSuffix(core)
        case .contains: return core.isEmpty || s.contains(core)
        case .any: return true
        }
    }

    public var isExact: Bool { shape == .exact }
    public var description: String { text }
}

/// "Does this event match": the one owner of that question, used by assertions, `events()`,
/// monitors' `match.event(...)`, `assert_before` and the reports. Every condition must hold;
/// a condition on a field the event does not have fails.
public struct EventFilter: Sendable, CustomStringConvertible {
    public var conditions: [(key: String, pattern: GlobPattern)]

    public init(_ conditions: [(key: String, pattern: GlobPattern)] = []) { self.conditions = conditions }

    public init(_ pairs: [(String, String)]) {
        conditions = pairs.map { (key: $0.0, pattern: GlobPattern($0.1)) }
    }

    public func pattern(_ key: String) -> GlobPattern? { conditions.first { $0.key == key }?.pattern }

    public func matches(_ e: TraceEvent) -> Bool { matches { e.field($0) } }

    /// The same question over any source of field values (the store asks its compact
    /// records without building events; SpecLowering can ask its own event values).
    public func matches(field: (String) -> String?) -> Bool {
        for c in conditions {
            guard let v = field(c.key), c.pattern.matches(v) else { return false }
        }
        return true
    }

    /// `service=inventory syscall=write path=*.wal`
    public var description: String {
        conditions.map { "\($0.key)=\($0.pattern.text)" }.joined(separator: " ")
    }
}
