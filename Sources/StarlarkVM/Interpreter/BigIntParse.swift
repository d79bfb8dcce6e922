import BigInt

/// Decimal text to BigInt for big integer literals.
enum BigIntParse {
    static func parse(_ s: String) -> BigInt? { BigInt(s, radix: 10) }
}
