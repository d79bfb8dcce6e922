/// The one-character escapes that JSON strings and logfmt's quoted values share
/// (`\" \\ \/ \b \f \n \r \t`): one table for both parsers. `\u` and what an unknown escape
/// means differ between the two and stay with each parser.
enum Escapes {
    /// The byte `\e` stands for, or nil when `e` is not a one-character escape.
    static func simple(_ e: UInt8) -> UInt8? {
        switch e {
        case UInt8(ascii: "\""): return 0x22
        case UInt8(ascii: "\\"): return 0x5C
        case UInt8(ascii: "/"): return 0x2F
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        default: return nil
        }
    }
}
