/// The lexical tokens of Starlark. The raw values are stable only within a build; the
/// names (`description`) are what diagnostics print and match go.starlark.net's wording
/// ("got int literal, want newline"), because the conformance suite matches messages.
public enum TokenKind: UInt8, Sendable, CaseIterable {
    case illegal      // a reserved word such as `class`: never valid in Starlark
    case eof, newline, indent, outdent
    case ident, int, float, string, bytes

    // Punctuation, in the order go.starlark.net lists it (quoted in messages).
    case plus, minus, star, slash, slashSlash, percent, amp, pipe, caret, ltlt, gtgt, tilde
    case dot, comma, eq, semi, colon, lparen, rparen, lbrack, rbrack, lbrace, rbrace
    case lt, gt, ge, le, eql, neq
    case plusEq, minusEq, starEq, slashEq, slashSlashEq, percentEq, ampEq, pipeEq, caretEq
    case ltltEq, gtgtEq, starStar

    // Keywords (printed bare in messages).
    case and, break_, continue_, def, elif, else_, for_, if_, in_, lambda, load, not, or
    case pass, return_, while_
}

extension TokenKind: CustomStringConvertible {
    /// The spelling used in diagnostics: punctuation is quoted (`'*'`), everything else
    /// is a word (`identifier`, `for`, `end of file`).
    public var description: String {
        if let p = punctuation { return "'\(p)'" }
        return word
    }

    /// The punctuation text, or nil when the token is not punctuation.
    public var punctuation: String? {
        switch self {
        case .plus: "+"
        case .minus: "-"
        case .star: "*"
        case .slash: "/"
        case .slashSlash: "//"
        case .percent: "%"
        case .amp: "&"
        case .pipe: "|"
        case .caret: "^"
        case .ltlt: "<<"
        case .gtgt: ">>"
        case .tilde: "~"
        case .dot: "."
        case .comma: ","
        case .eq: "="
        case .semi: ";"
        case .colon: ":"
        case .lparen: "("
        case .rparen: ")"
        case .lbrack: "["
        case .rbrack: "]"
        case .lbrace: "{"
        case .rbrace: "}"
        case .lt: "<"
        case .gt: ">"
        case .ge: ">="
        case .le: "<="
        case .eql: "=="
        case .neq: "!="
        case .plusEq: "+="
        case .minusEq: "-="
        case .starEq: "*="
        case .slashEq: "/="
        case .slashSlashEq: "//="
        case .percentEq: "%="
        case .ampEq: "&="
        case .pipeEq: "|="
        case .caretEq: "^="
        case .ltltEq: "<<="
        case .gtgtEq: ">>="
        case .starStar: "**"
        default: nil
        }
    }

    private var word: String {
        switch self {
        case .illegal: "illegal token"
        case .eof: "end of file"
        case .newline: "newline"
        case .indent: "indent"
        case .outdent: "outdent"
        case .ident: "identifier"
        case .int: "int literal"
        case .float: "float literal"
        case .string: "string literal"
        case .bytes: "bytes literal"
        case .and: "and"
        case .break_: "break"
        case .continue_: "continue"
        case .def: "def"
        case .elif: "elif"
        case .else_: "else"
        case .for_: "for"
        case .if_: "if"
        case .in_: "in"
        case .lambda: "lambda"
        case .load: "load"
        case .not: "not"
        case .or: "or"
        case .pass: "pass"
        case .return_: "return"
        case .while_: "while"
        default: punctuation ?? "?"
        }
    }

    /// The binary operator a token stands for in an expression, if any.
    var binaryOp: BinaryOp? {
        switch self {
        case .plus: .add
        case .minus: .sub
        case .star: .mul
        case .slash: .div
        case .slashSlash: .floorDiv
        case .percent: .mod
        case .amp: .bitAnd
        case .pipe: .bitOr
        case .caret: .bitXor
        case .ltlt: .shl
        case .gtgt: .shr
        case .eql: .eq
        case .neq: .ne
        case .lt: .lt
        case .le: .le
        case .gt: .gt
        case .ge: .ge
        case .in_: .in
        case .and: .and
        case .or: .or
        default: nil
        }
    }

    /// The operator of an augmented assignment (`+=` -> `.add`), if any.
    var augmentedOp: BinaryOp? {
        switch self {
        case .plusEq: .add
        case .minusEq: .sub
        case .starEq: .mul
        case .slashEq: .div
        case .slashSlashEq: .floorDiv
        case .percentEq: .mod
        case .ampEq: .bitAnd
        case .pipeEq: .bitOr
        case .caretEq: .bitXor
        case .ltltEq: .shl
        case .gtgtEq: .shr
        default: nil
        }
    }
}

/// One token: its kind and the byte range it covers. Literal values live in the lexer
/// (`Lexer.literal`), so a token stays a small POD value.
struct Token: Sendable {
    var kind: TokenKind
    var start: Int
    var end: Int
}

/// Keywords and reserved words, recognised on the identifier bytes without building a
/// String first.
enum Keywords {
    /// Words Starlark reserves for future use (as go.starlark.net does); they scan as
    /// `.illegal`. `assert` is deliberately not reserved (tests use it as a name).
    static let reserved: Set<String> = [
        "as", "class", "del", "except", "finally", "from", "global", "import", "is",
        "nonlocal", "raise", "try", "with", "yield",
    ]

    static let table: [String: TokenKind] = [
        "and": .and, "break": .break_, "continue": .continue_, "def": .def, "elif": .elif,
        "else": .else_, "for": .for_, "if": .if_, "in": .in_, "lambda": .lambda,
        "load": .load, "not": .not, "or": .or, "pass": .pass, "return": .return_,
        "while": .while_,
    ]

    /// Keywords and reserved words as bytes, grouped by length, so a name is checked
    /// against the few words of its length without hashing.
    static let byLength: [[(word: [UInt8], kind: TokenKind)]] = {
        var groups = Array(repeating: [(word: [UInt8], kind: TokenKind)](), count: 9)
        for (w, k) in table { groups[w.utf8.count].append((Array(w.utf8), k)) }
        for w in reserved { groups[w.utf8.count].append((Array(w.utf8), .illegal)) }
        return groups
    }()

    /// The keyword kind for `bytes[start..<end]` (ASCII), or nil for an ordinary name.
    static func lookup(_ bytes: [UInt8], _ start: Int, _ end: Int) -> TokenKind? {
        let n = end - start
        guard n >= 2 && n <= 8 else { return nil }
        let first = bytes[start]
        guard first >= UInt8(ascii: "a") && first <= UInt8(ascii: "y") else { return nil }
        candidates: for (word, kind) in byLength[n] where word[0] == first {
            for k in 1..<n where word[k] != bytes[start + k] { continue candidates }
            return kind
        }
        return nil
    }
}
