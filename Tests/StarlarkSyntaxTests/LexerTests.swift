import XCTest
@testable import StarlarkSyntax

/// Table tests of the scanner: input -> token stream, or -> "line:col: message".
final class LexerTests: XCTestCase {
    /// Tokens as one line: names for identifiers, values for literals, spelling for
    /// punctuation and keywords, `newline`/`indent`/`outdent`/`EOF` for layout.
    func scan(_ text: String) -> String {
        var lexer = Lexer(SourceFile(name: "t.star", text: text))
        var parts: [String] = []
        do {
            while true {
                let t = try lexer.next()
                switch t.kind {
                case .eof: parts.append("EOF"); return parts.joined(separator: " ")
                case .ident: parts.append(lexer.identName)
                case .int, .float, .string, .bytes:
                    parts.append(String(describeLiteral(lexer.literal).split(separator: " ", maxSplits: 1)[1]))
                case .newline, .indent, .outdent, .illegal: parts.append(t.kind.description)
                default: parts.append(t.kind.punctuation ?? t.kind.description)
                }
                if parts.count > 10_000 { return "runaway" }
            }
        } catch let error as SyntaxError {
            return "\(error.location.line):\(error.location.column): \(error.message)"
        } catch {
            return "unexpected error type: \(error)"
        }
    }

    func check(_ table: [(String, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (input, want) in table {
            XCTAssertEqual(scan(input), want, "input: \(input.debugDescription)", file: file, line: line)
        }
    }

    func testBasicsAndLayout() {
        check([
            ("", "EOF"),
            ("123", "123 EOF"),
            ("x.y", "x . y EOF"),
            ("chocolate.éclair", "chocolate . éclair EOF"),
            ("print(x); print(y)", "print ( x ) ; print ( y ) EOF"),
            ("\nprint(\n1\n)\n", "print ( 1 ) newline EOF"),
            ("/ // /= //= ///=", "/ // /= //= // /= EOF"),
            ("# hello\nx # c\n", "x newline EOF"),
            ("def f(): pass", "def f ( ) : pass EOF"),
            ("pass\n", "pass newline EOF"),
            ("pass\n ", "pass newline EOF"),
            ("pass\n \n", "pass newline EOF"),
            ("if x:\n  pass\n ", "if x : newline indent pass newline outdent EOF"),
            ("def f():\n  if x:\n    pass\n  ", "def f ( ) : newline indent if x : newline indent pass newline outdent outdent EOF"),
            ("if x:\n  pass", "if x : newline indent pass newline outdent EOF"),
            ("if x:\n\tpass\n", "if x : newline indent pass newline outdent EOF"),
            ("if x:\n        a\n\tb\n", "if x : newline indent a newline b newline outdent EOF"),
            ("x = 1 + \\\n  2", "x = 1 + 2 EOF"),
            ("a\rb", "a newline b EOF"),
            ("a\r\nb", "a newline b EOF"),
            ("a\n\nb", "a newline b EOF"),
            ("([{<>}])", "( [ { < > } ] ) EOF"),
            ("~= ~= 5", "~ = ~ = 5 EOF"),
            ("a <<= b >>= c ** d != e == f <= g >= h", "a <<= b >>= c ** d != e == f <= g >= h EOF"),
            ("x += 1; y -= 2; z *= 3; w %= 4; v &= 5; u |= 6; t ^= 7", "x += 1 ; y -= 2 ; z *= 3 ; w %= 4 ; v &= 5 ; u |= 6 ; t ^= 7 EOF"),
            ("and break continue def elif else for if in lambda load not or pass return while",
             "and break continue def elif else for if in lambda load not or pass return while EOF"),
            ("class x", "illegal token x EOF"),
            ("assert x", "assert x EOF"),
            ("_a1 A_ r b rb", "_a1 A_ r b rb EOF"),
            ("\u{FEFF}x = 1", "x = 1 EOF"),
        ])
    }

    func testNumbers() {
        check([
            ("0", "0 EOF"), ("00", "0 EOF"), ("0.", "0.0 EOF"), ("0.e1", "0.0 EOF"), (".0", "0.0 EOF"),
            (".e1", ". e1 EOF"), ("1.", "1.0 EOF"), (".5", "0.5 EOF"), (".1e-1", "0.01 EOF"),
            ("1e3", "1000.0 EOF"), ("1E+3", "1000.0 EOF"), ("123e45", "1.23e+47 EOF"),
            ("9223372036854775807", "9223372036854775807 EOF"),
            ("9223372036854775808", "9223372036854775808 EOF"),
            ("999999999999999999999999999999999999999999999999999", "999999999999999999999999999999999999999999999999999 EOF"),
            ("0xA", "10 EOF"), ("0XA", "10 EOF"), ("0xAAG", "170 G EOF"),
            ("0x12345678deadbeef12345678", "5634002672576678570168178296 EOF"),
            ("0xffffffffffffffff", "18446744073709551615 EOF"),
            ("0b1010", "10 EOF"), ("0B111101", "61 EOF"), ("0b1010201", "10 201 EOF"),
            ("0b" + String(repeating: "1", count: 70), "1180591620717411303423 EOF"),
            ("0o123", "83 EOF"), ("0o12834", "10 834 EOF"), ("0o123.", "83 . EOF"),
            ("0o1777777777777777777777", "18446744073709551615 EOF"),
            ("012934.", "12934.0 EOF"), ("0123.1", "123.1 EOF"), ("012934e1", "129340.0 EOF"),
            ("0in", "0 in EOF"), ("6or", "6 or EOF"),
            ("0xG", "1:1: invalid hex literal"),
            ("0b3", "1:3: invalid binary literal"),
            ("0or", "1:3: invalid octal literal"),
            ("0123", "1:5: obsolete form of octal literal; use 0o123"),
            ("012834", "1:1: invalid int literal"),
            ("i = 012934", "1:5: invalid int literal"),
            ("1e+", "1:4: invalid float literal"),
            ("1e999", "1:1: invalid float literal"),
        ])
    }

    func testStrings() {
        check([
            (#"x = 'a\nb'"#, #"x = "a\nb" EOF"#),
            (#"x = r'a\nb'"#, #"x = "a\\nb" EOF"#),
            ("x = 'a\\\nb'", #"x = "ab" EOF"#),
            (#"x = '\''"#, #"x = "'" EOF"#),
            (#"x = "\"""#, #"x = "\"" EOF"#),
            (#"x = r'\''"#, #"x = "\\'" EOF"#),
            (#"x = '''\''''"#, #"x = "'" EOF"#),
            (#"x = ''''a'b'c'''"#, #"x = "'a'b'c" EOF"#),
            ("x = '''a\nb'''", #"x = "a\nb" EOF"#),
            ("x = '''a\rb'''", #"x = "a\nb" EOF"#),
            ("x = '''a\r\nb'''", #"x = "a\nb" EOF"#),
            ("x = r'a\\\nb'", #"x = "a\\\nb" EOF"#),
            (#""\037""#, #""\x1f" EOF"#),
            (#""\377""#, #""\xff" EOF"#),
            (#""\378""#, #""\x1f8" EOF"#),
            (#""\x41\x7a""#, #""Az" EOF"#),
            (#""\a\b\f\n\r\t\v\\""#, #""\a\b\f\n\r\t\v\\" EOF"#),  // bytes 7 8 12 10 13 9 11 92
            (#""\u00e9""#, #""\xc3\xa9" EOF"#),
            (#""\U0001F600""#, #""\xf0\x9f\x98\x80" EOF"#),
            ("\"é\"", #""\xc3\xa9" EOF"#),
            (#"b"\xff\000""#, #"b"\xff\x00" EOF"#),
            (#"rb"\x""#, #"b"\\x" EOF"#),
            (#"br'\n'"#, #"b"\\n" EOF"#),
            (#"r"\w""#, #""\\w" EOF"#),
            (#""\400""#, #"1:2: invalid escape sequence \400"#),
            (#""foo\(bar""#, #"1:5: invalid escape sequence \("#),
            (#"'a\zb'"#, #"1:3: invalid escape sequence \z"#),
            (#""\o123""#, #"1:2: invalid escape sequence \o"#),
            (#"s = "\x-0""#, #"1:6: invalid escape sequence \x-0"#),
            (#""\x4""#, #"1:2: truncated escape sequence \x4"#),
            (#""\u12""#, #"1:2: truncated escape sequence \u12"#),
            (#""\uD800""#, "1:2: invalid Unicode code point U+D800"),
            (#""\U00110000""#, "1:2: invalid Unicode code point U+110000"),
            (#""\uzzzz""#, #"1:2: invalid escape sequence \uzzzz"#),
            ("'abc", "1:1: unexpected EOF in string"),
            ("x = 'abc\ny'", "1:5: unexpected newline in string"),
            ("'''abc", "1:1: unexpected EOF in string"),
            ("'abc\\", "1:1: unexpected EOF in string"),
        ])
    }

    func testErrors() {
        check([
            ("x ! 0", "1:3: unexpected input character '!'"),
            ("x $ 0", "1:3: unexpected input character '$'"),
            ("x = 1 \\ 2", "1:7: stray backslash in program"),
            ("a)", "1:2: unexpected ')'"),
            ("def f():\n  pass\n pass", "3:2: unindent does not match any outer indentation level"),
            ("x = \u{1F600}", "1:5: unexpected input character '\u{1F600}' (U+1F600)"),
            ("x = \u{0}", "1:5: unexpected input character U+0000"),
        ])
        // Invalid UTF-8 is reported, not trapped.
        var lexer = Lexer(SourceFile(name: "t.star", bytes: [0x78, 0x20, 0xFF]))
        XCTAssertNoThrow(try lexer.next())
        XCTAssertThrowsError(try lexer.next()) { e in
            XCTAssertTrue("\(e)".contains("not valid UTF-8"), "\(e)")
        }
    }

    /// Token byte ranges are exact.
    func testPositions() throws {
        var lexer = Lexer(SourceFile(name: "t.star", text: "ab = r'x' + 0x1F\n"))
        var ranges: [String] = []
        while true {
            let t = try lexer.next()
            ranges.append("\(t.kind)@\(t.start)-\(t.end)")
            if t.kind == .eof { break }
        }
        XCTAssertEqual(ranges, ["identifier@0-2", "'='@3-4", "string literal@5-9", "'+'@10-11",
                                "int literal@12-16", "newline@16-17", "end of file@17-17"])
    }
}
