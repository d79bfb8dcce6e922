import StarlarkResolve
import StarlarkSyntax
import StarlarkVM

/// Refuses, right after a spec file is resolved and before any of it runs, every use of a
/// reference-only builtin (`ReferenceOnly.builtins`): `parallel(...)` inside a test body
/// fails at load, not half-way through `faultbox test`. A local or global of the same name
/// shadows the builtin and is not a use.
enum ReferenceUseCheck {
    static func errors(_ resolved: ResolvedFile, predeclared: [String: Value]) -> [SyntaxError] {
        var out: [SyntaxError] = []
        ASTWalk.forEachExpr(in: resolved.file.stmts) { x in
            guard case .ident(let id) = x, resolved.binding(id).scope == .predeclared,
                  ReferenceOnly.isStub(id.name, predeclared[id.name]),
                  let message = ReferenceOnly.builtinMessage(id.name) else { return }
            out.append(SyntaxError(SourceLocation(resolved.file.source, id.pos), message))
        }
        return out
    }
}
