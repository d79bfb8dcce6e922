/// The scanner: turns `SourceFile.bytes` into tokens on demand (the parser pulls one
/// token at a time, so a lexical error after the first syntax error is never reported,
/// as in go.starlark.net). It works on bytes; only identifiers and literal values
/// allocate.
///
/// Layout rules (the Starlark spec, as go.starlark.net implements them):
/// - Inside `()`, `[]`, `{}` newlines and indentation are ignored (implicit joining).
/// - A line that is blank or only a comment produces nothing.
/// - At the start of a logical line the indentation (spaces; a tab advances to the next
///   multiple of 8) is compared with a stack: deeper pushes one INDENT, shallower pops
///   OUTDENTs and must land exactly on an enclosing level.
/// - At end of file a NEWLINE is synthesised if the last line lacked one while blocks
///   are open, then the open blocks are closed with OUTDENTs.
struct Lexer {
    let source: SourceFile
    let bytes: [UInt8]
    var pos = 0
    /// Open brackets; newlines inside brackets are not tokens.
    private var bracketDepth = 0
    /// The open brackets, innermost last, with their offsets: an error that runs past the
    /// end of a bracketed construct is reported where it was opened.
    private(set) var openBrackets: [(bracket: Character, offset: Int)] = []
    /// Whether a line break (inside brackets) came before the current token.
    private(set) var lineBreakBeforeToken = false
    private var indentStack: [Int] = [0]
    /// INDENTs (> 0) or OUTDENTs (< 0) still to emit.
    private var pendingDents = 0
    private var atLineStart = true

    /// The value of the last identifier token.
    var identName = ""
    /// The value of the last int, float, string or bytes token.
    var literal: Literal = .int(0)
    /// Where the comments are, recorded only when a tool asks (`parseWithLayout`).
    var comments: [Range<Int>]?

    init(_ source: SourceFile) {
        self.source = source
        self.bytes = source.bytes
        // A UTF-8 byte-order mark (some Windows editors write one) is not part of the program.
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { pos = 3 }
    }

    @inline(never)
    func error(_ offset: Int, _ message: String) -> SyntaxError {
        SyntaxError(SourceLocation(source, offset), message)
    }

    /// The byte at `i`, or 0 past the end (NUL bytes in the input are rejected
    /// explicitly, so 0 never stands for a real character where it matters).
    @inline(__always) func byte(_ i: Int) -> UInt8 {
        i < bytes.count ? bytes[i] : 0
    }

    /// True when `i` starts a line break: `\n`, `\r\n` or a lone `\r`.
    @inline(__always) private func isLineBreak(_ i: Int) -> Bool {
        let b = byte(i)
        return b == 0x0A || b == 0x0D
    }

    /// Length of the line break at `i` (2 for `\r\n`).
    @inline(__always) func lineBreakLength(_ i: Int) -> Int {
        byte(i) == 0x0D && byte(i + 1) == 0x0A ? 2 : 1
    }

    mutating func next() throws -> Token {
        var sawLineBreak = false
        defer { lineBreakBeforeToken = sawLineBreak }
        while true {
            let wasLineStart = atLineStart
            var blank = false
            if atLineStart {
                atLineStart = false
                var column = 0
                while pos < bytes.count {
                    let b = bytes[pos]
                    if b == 0x20 { column += 1 } else if b == 0x09 { column = (column / 8 + 1) * 8 } else { break }
                    pos += 1
                }
                let b = byte(pos)
                blank = pos >= bytes.count || b == UInt8(ascii: "#") || isLineBreak(pos)
                if !blank && bracketDepth == 0 {
                    try measureIndent(column)
                }
            }
            if pendingDents != 0 {
                if pendingDents < 0 {
                    pendingDents += 1
                    return Token(kind: .outdent, start: pos, end: pos)
                }
                pendingDents -= 1
                return Token(kind: .indent, start: pos, end: pos)
            }

            // Spaces between tokens.
            while pos < bytes.count && (bytes[pos] == 0x20 || bytes[pos] == 0x09) { pos += 1 }

            if byte(pos) == UInt8(ascii: "#") {
                let start = pos
                while pos < bytes.count && !isLineBreak(pos) { pos += 1 }
                comments?.append(start..<pos)
            }

            if pos < bytes.count && isLineBreak(pos) {
                atLineStart = true
                let start = pos
                pos += lineBreakLength(pos)
                if bracketDepth > 0 { sawLineBreak = true; continue }
                if blank { continue }
                return Token(kind: .newline, start: start, end: pos)
            }

            if pos >= bytes.count {
                if indentStack.count > 1 {
                    if wasLineStart {
                        pendingDents = 1 - indentStack.count
                        indentStack.removeLast(indentStack.count - 1)
                        continue
                    }
                    atLineStart = true
                    return Token(kind: .newline, start: pos, end: pos)
                }
                return Token(kind: .eof, start: pos, end: pos)
            }

            if bytes[pos] == UInt8(ascii: "\\") {
                // Explicit line joining: the next line continues this one.
                if isLineBreak(pos + 1) {
                    pos += 1 + lineBreakLength(pos + 1)
                    continue
                }
                throw error(pos, "stray backslash in program")
            }
            return try scanToken()
        }
    }

    /// Compares a logical line's indentation with the open blocks.
    private mutating func measureIndent(_ column: Int) throws {
        let current = indentStack[indentStack.count - 1]
        if column > current {
            pendingDents += 1
            indentStack.append(column)
        } else if column < current {
            while indentStack.count > 1 && column < indentStack[indentStack.count - 1] {
                pendingDents -= 1
                indentStack.removeLast()
            }
            if column != indentStack[indentStack.count - 1] {
                throw error(pos, "unindent does not match any outer indentation level")
            }
        }
    }

    /// Scans one token starting at `pos` (not blank, not a line break, not EOF).
    private mutating func scanToken() throws -> Token {
        let start = pos
        let c = bytes[pos]

        if c == UInt8(ascii: ",") { pos += 1; return Token(kind: .comma, start: start, end: pos) }
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            return try scanString(start: start, quoteAt: pos, raw: false, isBytes: false)
        }
        if isASCIILetter(c) || c == UInt8(ascii: "_") || c >= 0x80 {
            if let prefixed = try scanPrefixedString(start) { return prefixed }
            return try scanIdentifier(start)
        }
        if isDigit(c) || (c == UInt8(ascii: ".") && isDigit(byte(pos + 1))) {
            return try scanNumber(start)
        }
        pos += 1
        let n1 = byte(pos), n2 = byte(pos + 1)
        func tok(_ k: TokenKind, _ extra: Int = 0) -> Token {
            pos += extra
            return Token(kind: k, start: start, end: pos)
        }
        switch c {
        case UInt8(ascii: "("): bracketDepth += 1; openBrackets.append(("(", start)); return tok(.lparen)
        case UInt8(ascii: "["): bracketDepth += 1; openBrackets.append(("[", start)); return tok(.lbrack)
        case UInt8(ascii: "{"): bracketDepth += 1; openBrackets.append(("{", start)); return tok(.lbrace)
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            if bracketDepth == 0 {
                throw error(start, "unexpected '\(Character(Unicode.Scalar(c)))'")
            }
            bracketDepth -= 1
            openBrackets.removeLast()
            return tok(c == UInt8(ascii: ")") ? .rparen : c == UInt8(ascii: "]") ? .rbrack : .rbrace)
        case UInt8(ascii: "."): return tok(.dot)
        case UInt8(ascii: ":"): return tok(.colon)
        case UInt8(ascii: ";"): return tok(.semi)
        case UInt8(ascii: "~"): return tok(.tilde)
        case UInt8(ascii: "="): return n1 == UInt8(ascii: "=") ? tok(.eql, 1) : tok(.eq)
        case UInt8(ascii: "!"):
            if n1 == UInt8(ascii: "=") { return tok(.neq, 1) }
            throw error(start, "unexpected input character '!'")
        case UInt8(ascii: "+"): return n1 == UInt8(ascii: "=") ? tok(.plusEq, 1) : tok(.plus)
        case UInt8(ascii: "-"): return n1 == UInt8(ascii: "=") ? tok(.minusEq, 1) : tok(.minus)
        case UInt8(ascii: "%"): return n1 == UInt8(ascii: "=") ? tok(.percentEq, 1) : tok(.percent)
        case UInt8(ascii: "&"): return n1 == UInt8(ascii: "=") ? tok(.ampEq, 1) : tok(.amp)
        case UInt8(ascii: "|"): return n1 == UInt8(ascii: "=") ? tok(.pipeEq, 1) : tok(.pipe)
        case UInt8(ascii: "^"): return n1 == UInt8(ascii: "=") ? tok(.caretEq, 1) : tok(.caret)
        case UInt8(ascii: "*"):
            if n1 == UInt8(ascii: "*") { return tok(.starStar, 1) }
            return n1 == UInt8(ascii: "=") ? tok(.starEq, 1) : tok(.star)
        case UInt8(ascii: "/"):
            if n1 == UInt8(ascii: "/") { return n2 == UInt8(ascii: "=") ? tok(.slashSlashEq, 2) : tok(.slashSlash, 1) }
            return n1 == UInt8(ascii: "=") ? tok(.slashEq, 1) : tok(.slash)
        case UInt8(ascii: "<"):
            if n1 == UInt8(ascii: "<") { return n2 == UInt8(ascii: "=") ? tok(.ltltEq, 2) : tok(.ltlt, 1) }
            return n1 == UInt8(ascii: "=") ? tok(.le, 1) : tok(.lt)
        case UInt8(ascii: ">"):
            if n1 == UInt8(ascii: ">") { return n2 == UInt8(ascii: "=") ? tok(.gtgtEq, 2) : tok(.gtgt, 1) }
            return n1 == UInt8(ascii: "=") ? tok(.ge, 1) : tok(.gt)
        default:
            throw error(start, "unexpected input character \(describeByte(c))")
        }
    }

    /// `r"..."`, `b"..."`, `rb"..."`, `br"..."`; nil when the word is an identifier.
    private mutating func scanPrefixedString(_ start: Int) throws -> Token? {
        func isQuote(_ b: UInt8) -> Bool { b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") }
        let c0 = bytes[start], c1 = byte(start + 1), c2 = byte(start + 2)
        let r = UInt8(ascii: "r"), b = UInt8(ascii: "b")
        if (c0 == r || c0 == b) && isQuote(c1) {
            return try scanString(start: start, quoteAt: start + 1, raw: c0 == r, isBytes: c0 == b)
        }
        if ((c0 == r && c1 == b) || (c0 == b && c1 == r)) && isQuote(c2) {
            return try scanString(start: start, quoteAt: start + 2, raw: true, isBytes: true)
        }
        return nil
    }

    private mutating func scanIdentifier(_ start: Int) throws -> Token {
        var asciiOnly = true
        while pos < bytes.count {
            let b = bytes[pos]
            if isASCIILetter(b) || isDigit(b) || b == UInt8(ascii: "_") {
                pos += 1
            } else if b >= 0x80 {
                // Non-ASCII: letters (per Unicode) may appear in names, as in Go.
                guard let (scalar, length) = decodeScalar(at: pos), scalar.properties.isAlphabetic else {
                    if pos == start {
                        throw error(start, "unexpected input character \(describeNonASCII(at: pos))")
                    }
                    break
                }
                asciiOnly = false
                pos += length
            } else {
                break
            }
        }
        if asciiOnly, let keyword = Keywords.lookup(bytes, start, pos) {
            return Token(kind: keyword, start: start, end: pos)
        }
        identName = String(decoding: bytes[start..<pos], as: UTF8.self)
        return Token(kind: .ident, start: start, end: pos)
    }

    /// Decodes one UTF-8 scalar at `i`; nil for malformed UTF-8.
    func decodeScalar(at i: Int) -> (Unicode.Scalar, Int)? {
        let b0 = UInt32(byte(i))
        var length = 0, value: UInt32 = 0
        if b0 & 0xE0 == 0xC0 { length = 2; value = b0 & 0x1F }
        else if b0 & 0xF0 == 0xE0 { length = 3; value = b0 & 0x0F }
        else if b0 & 0xF8 == 0xF0 { length = 4; value = b0 & 0x07 }
        else { return nil }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let b = UInt32(bytes[i + k])
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | (b & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    /// A printable description of an unexpected byte (`'$'`, `U+0000`).
    private func describeByte(_ c: UInt8) -> String {
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        if c >= 0x80 { return describeNonASCII(at: pos - 1) }
        return "U+\(hex4(UInt32(c)))"
    }

    private func describeNonASCII(at i: Int) -> String {
        guard let (scalar, _) = decodeScalar(at: i) else {
            return "byte 0x\(String(bytes[i], radix: 16)) (the file is not valid UTF-8)"
        }
        return "'\(Character(scalar))' (U+\(hex4(scalar.value)))"
    }
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
@inline(__always) func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) &- UInt8(ascii: "a") < 26 }

/// At least four upper-case hex digits, as in `U+00E9`.
func hex4(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
}
