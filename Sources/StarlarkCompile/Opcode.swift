/// The instruction set of the stack machine. Each line gives the stack picture
/// (`before OP<arg> after`); the operand is one UInt32 in `Instruction.arg`.
/// Tables indexed by opcode (`name`, `stackEffect`) sit right below the enum.
public enum Opcode: UInt8, Sendable, CaseIterable {
    case nop              //                 - NOP                -
    case pop              //                 x POP                -
    case dup              //                 x DUP                x x
    case dup2             //               x y DUP2               x y x y
    case exch             //               x y EXCH               y x

    case none             //                 - NONE               None
    case true_            //                 - TRUE               True
    case false_           //                 - FALSE              False
    case mandatory        //                 - MANDATORY          <required keyword-only marker>
    case constant         //                 - CONSTANT<k>        constants[k]
    case smallInt         //                 - SMALLINT<n>        Int32(bitPattern: n)

    case local            //                 - LOCAL<i>           locals[i]
    case setLocal         //                 v SETLOCAL<i>        -
    case localCell        //                 - LOCALCELL<i>       content of the cell in locals[i]
    case setLocalCell     //                 v SETLOCALCELL<i>    -    (sets the cell's content)
    case makeCell         //                 - MAKECELL<i>        -    (locals[i] = cell(locals[i]))
    case cellRef          //                 - CELLREF<i>         the cell object in locals[i]
    case free             //                 - FREE<i>            content of free cell i
    case freeRef          //                 - FREEREF<i>         free cell i itself
    case global           //                 - GLOBAL<i>          globals[i]
    case setGlobal        //                 v SETGLOBAL<i>       -
    case predeclared      //                 - PREDECLARED<n>     the predeclared value named names[n]
    case universal        //                 - UNIVERSAL<n>       the universe value named names[n]

    // Binary operators (order matches `binaryOps`).
    case add, sub, mul, div, floorDiv, mod  // x y OP  x<op>y
    case bitAnd, bitOr, bitXor, shl, shr    // x y OP  x<op>y
    case eq, ne, lt, le, gt, ge             // x y OP  bool
    case in_, notIn                         // x y OP  bool
    case inplaceAdd       //               x y INPLACE_ADD        x+y, or x extended by y if x is a list
    case inplaceOr        //               x y INPLACE_OR         x|y

    case uplus            //                 x UPLUS              +x
    case uminus           //                 x UMINUS             -x
    case invert           //                 x INVERT             ~x
    case not              //                 x NOT                not x

    case jump             //                 - JUMP<t>            -
    case jumpIfFalse      //              cond JUMPIFFALSE<t>     -
    case jumpIfTrue       //              cond JUMPIFTRUE<t>      -
    case jumpIfFalseOrPop //                 x JUMPIFFALSEORPOP<t> x (jumps) or - (falls through)
    case jumpIfTrueOrPop  //                 x JUMPIFTRUEORPOP<t>  x (jumps) or - (falls through)
    /// Fused comparison and branch: `arg` = comparison << 24 | target, comparison being
    /// the index in `Opcode.fusedComparisons`; jumps when the comparison is false.
    case cmpJump          //               x y CMPJUMP<c,t>       -

    case iterPush         //          iterable ITERPUSH           -    (pushes the iterator stack)
    case iterJump         //                 - ITERJUMP<t>        next element, or - and jump at the end
    case iterPop          //                 - ITERPOP            -    (pops the iterator stack)

    case makeTuple        //         x1 ... xn MAKETUPLE<n>       tuple
    case makeList         //         x1 ... xn MAKELIST<n>        list
    case makeDict         //                 - MAKEDICT           dict
    case setDict          //    dict key value SETDICT            -
    case setDictUniq      //    dict key value SETDICTUNIQ        -    (error on a duplicate key)
    case append           //         list elem APPEND             -

    case index            //               x i INDEX              x[i]
    case setIndex         //             x i v SETINDEX           -
    case slice            //    x lo hi step SLICE                x[lo:hi:step]
    case attr             //                 x ATTR<n>            x.names[n]
    case setField         //               x v SETFIELD<n>        -    (x.names[n] = v)
    case unpack           //          iterable UNPACK<n>          vn ... v1   (v1 on top)

    /// `arg` = positional count << 8 | named count, bit 16: *args, bit 17: **kwargs.
    /// Named arguments are (name constant, value) pairs.
    case call             // fn pos... (name value)... [*args] [**kw] CALL<a>  result
    /// `arg` = name index << 16 | positional count << 8 | named count (no * or **).
    case callMethod       //  x pos... (name value)... CALLMETHOD<a>  x.name(...)
    case makeFunc         //  defaults freevars MAKEFUNC<f>       function (f indexes Program.functions)
    case load             //  name1 ... nameN module LOAD<n>      v1 ... vN
    case return_          //                 v RETURN             -
}

/// One fixed-width, trivially copyable instruction.
public struct Instruction: Sendable, Equatable {
    public var op: Opcode
    public var arg: UInt32
    public init(_ op: Opcode, _ arg: UInt32 = 0) {
        self.op = op
        self.arg = arg
    }
}

extension Opcode {
    /// The `BinaryOp`s in the order of the binary opcodes `add` ... `notIn`.
    public static let binaryOps: [(BinaryOpName, Opcode)] = [
        ("+", .add), ("-", .sub), ("*", .mul), ("/", .div), ("//", .floorDiv), ("%", .mod),
        ("&", .bitAnd), ("|", .bitOr), ("^", .bitXor), ("<<", .shl), (">>", .shr),
        ("==", .eq), ("!=", .ne), ("<", .lt), ("<=", .le), (">", .gt), (">=", .ge),
        ("in", .in_), ("not in", .notIn),
    ]
    public typealias BinaryOpName = String

    /// True if `arg` is meaningful (printed by the disassembler).
    public var hasArg: Bool { rawValue >= Opcode.constant.rawValue && !isArglessBinaryOrMisc }

    private var isArglessBinaryOrMisc: Bool {
        switch self {
        case .add, .sub, .mul, .div, .floorDiv, .mod, .bitAnd, .bitOr, .bitXor, .shl, .shr,
             .eq, .ne, .lt, .le, .gt, .ge, .in_, .notIn, .inplaceAdd, .inplaceOr,
             .uplus, .uminus, .invert, .not, .iterPush, .iterPop, .makeDict, .setDict,
             .setDictUniq, .append, .index, .setIndex, .slice, .return_:
            return true
        default: return false
        }
    }

    /// Comparisons `CMP_JUMP` can fuse, in operand order.
    public static let fusedComparisons: [Opcode] = [.lt, .le, .gt, .ge, .eq, .ne]

    public var isJump: Bool {
        switch self {
        case .jump, .jumpIfFalse, .jumpIfTrue, .jumpIfFalseOrPop, .jumpIfTrueOrPop, .iterJump, .cmpJump: return true
        default: return false
        }
    }

    /// Disassembly name (upper case, as in go.starlark.net's listings).
    public var name: String {
        switch self {
        case .true_: return "TRUE"
        case .false_: return "FALSE"
        case .in_: return "IN"
        case .return_: return "RETURN"
        default:
            var out = ""
            for ch in String(describing: self) {
                if ch.isUppercase { out.append("_") }
                out.append(contentsOf: ch.uppercased())
            }
            return out
        }
    }

    /// Net stack effect on the fall-through path (used to size each frame's stack).
    public func stackEffect(_ arg: UInt32) -> Int {
        switch self {
        case .nop, .exch, .makeCell, .iterPop, .uplus, .uminus, .invert, .not, .jump, .attr, .index:
            return self == .index ? -1 : 0
        case .pop, .setLocal, .setLocalCell, .setGlobal, .jumpIfFalse, .jumpIfTrue,
             .jumpIfFalseOrPop, .jumpIfTrueOrPop, .iterPush, .return_:
            return -1
        case .dup, .none, .true_, .false_, .mandatory, .constant, .smallInt, .local, .localCell,
             .cellRef, .free, .freeRef, .global, .predeclared, .universal, .iterJump, .makeDict:
            return 1
        case .dup2: return 2
        case .cmpJump: return -2
        case .add, .sub, .mul, .div, .floorDiv, .mod, .bitAnd, .bitOr, .bitXor, .shl, .shr,
             .eq, .ne, .lt, .le, .gt, .ge, .in_, .notIn, .inplaceAdd, .inplaceOr:
            return -1
        case .makeTuple, .makeList: return 1 - Int(arg)
        case .setDict, .setDictUniq, .setIndex: return -3
        case .append, .setField: return -2
        case .slice: return -3
        case .unpack: return Int(arg) - 1
        case .call:
            let n = Int((arg >> 8) & 0xff) + 2 * Int(arg & 0xff)
                + (arg & (1 << 16) != 0 ? 1 : 0) + (arg & (1 << 17) != 0 ? 1 : 0)
            return -n
        case .callMethod: return -(Int((arg >> 8) & 0xff) + 2 * Int(arg & 0xff))
        case .makeFunc: return -1
        case .load: return Int(arg) - (Int(arg) + 1)
        }
    }
}
