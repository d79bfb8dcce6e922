/// Syscall names of this machine and the families faultbox accepts.
public enum Syscalls {
    /// A family name expands to its members; any other known name to itself; nil if unknown.
    public static func expand(_ name: String) -> [String]? { nil }
    public static func isKnown(_ name: String) -> Bool { false }
    public static var allNames: [String] { [] }
}

/// Errno names accepted in rules.
public enum Errno {
    public static func value(named: String) -> Int32? { nil }
    public static var allNames: [String] { [] }
}
