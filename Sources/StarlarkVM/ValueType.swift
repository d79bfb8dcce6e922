extension Value {
    /// `type(x)`. (The values' owner may move this; keep the name.)
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "string"
        case .bytes: return "bytes"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .set: return "set"
        case .function: return "function"
        case .builtin(let b): return b.receiver == nil ? "builtin_function_or_method" : "builtin_function_or_method"
        case .object(let o): return o.typeName
        }
    }
}
