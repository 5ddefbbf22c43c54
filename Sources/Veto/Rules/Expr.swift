/// The rule expression language: arithmetic over columns, comparisons, `and/or/not`,
/// `abs/min/max/round`, `std(programme)`, `sum(children.X)`, `count(children)`, `prev.X`.
///
/// A rule file is parsed into this typed tree; it is never executed as code.
public indirect enum Expr: Sendable, Equatable, CustomStringConvertible {
    case number(ExactDecimal)
    case column(Field)
    /// A column kept by its own name (declared in the rule file's `columns:`).
    case extra(String, ColumnKind)
    case prev(Field)
    case childSum(Field)
    case childCount
    case standard(Programme)
    case unary(UnaryOp, Expr)
    case binary(BinaryOp, Expr, Expr)
    /// `a op1 b op2 c` holds when every link holds.
    case compare([CompareOp], [Expr])
    case call(Function, [Expr])

    public enum UnaryOp: String, Sendable { case negate = "-", not = "not" }
    public enum BinaryOp: String, Sendable { case add = "+", sub = "-", mul = "*", div = "/", and = "and", or = "or" }
    public enum CompareOp: String, Sendable, CaseIterable {
        case eq = "=", ne = "≠", lt = "<", le = "≤", gt = ">", ge = "≥"
    }
    public enum Function: String, Sendable, CaseIterable { case abs, min, max, round }

    public enum ValueType: Sendable, Equatable { case number, bool }

    public var description: String {
        switch self {
        case .number(let d): d.description
        case .column(let f): f.rawValue
        case .extra(let n, _): n
        case .prev(let f): "prev.\(f.rawValue)"
        case .childSum(let f): "sum(children.\(f.rawValue))"
        case .childCount: "count(children)"
        case .standard(let p): "std(\(p.rawValue))"
        case .unary(.negate, let e): "-\(e.parenthesized)"
        case .unary(.not, let e): "not \(e.parenthesized)"
        case .binary(let op, let a, let b): "\(a.parenthesized) \(op.rawValue) \(b.parenthesized)"
        case .compare(let ops, let es):
            zip(es, ops).map { "\($0.description) \($1.rawValue) " }.joined() + (es.last?.description ?? "")
        case .call(let f, let args): "\(f.rawValue)(\(args.map(\.description).joined(separator: ", ")))"
        }
    }

    var parenthesized: String {
        switch self {
        case .binary, .compare: "(\(description))"
        default: description
        }
    }

    /// Every canonical column the expression reads on the row itself.
    public var columns: [Field] {
        var out: [Field] = []
        visit { if case .column(let f) = $0, !out.contains(f) { out.append(f) } }
        return out
    }

    func visit(_ f: (Expr) -> Void) {
        f(self)
        switch self {
        case .unary(_, let e): e.visit(f)
        case .binary(_, let a, let b): a.visit(f); b.visit(f)
        case .compare(_, let es), .call(_, let es): es.forEach { $0.visit(f) }
        default: break
        }
    }

    public var usesChildren: Bool {
        var r = false
        visit { if case .childSum = $0 { r = true } else if case .childCount = $0 { r = true } }
        return r
    }

    public var usesPrev: Bool {
        var r = false
        visit { if case .prev = $0 { r = true } }
        return r
    }
}

/// Payment programmes with per-person standards (SPEC.md §2, §3).
public enum Programme: String, Sendable, CaseIterable, Codable {
    case reward, special_disabled, special_death, sskf, ltc_reward

    /// Chinese names accepted in standards tables and rosters.
    public var aliases: [String] {
        switch self {
        case .reward: ["奖励扶助"]
        case .special_disabled: ["特别扶助伤残", "伤残"]
        case .special_death: ["特别扶助死亡", "死亡"]
        case .sskf: ["少生快富"]
        case .ltc_reward: ["长效节育措施奖励", "长效节育措施奖励金"]
        }
    }

    public init?(name: String) {
        let n = name.trimmingSpaces
        if let p = Programme(rawValue: n.lowercased()) { self = p; return }
        guard let p = Programme.allCases.first(where: { $0.aliases.contains(n) }) else { return nil }
        self = p
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\u{3000}" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\u{3000}" { s.removeLast() }
        return String(s)
    }
}

/// An error in a rule expression, at a 0-based offset (in characters) within its text.
public struct ExprError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { message }
}

/// Parses and type-checks rule expressions.
public struct ExprParser {
    enum Token: Equatable {
        case number(ExactDecimal)
        case ident(String)
        case op(String)
        case lparen, rparen, comma, dot
        case end
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var pos = 0
    /// Columns the rule file declares beyond the schema.
    let extras: [String: ColumnKind]

    public init(extras: [String: ColumnKind] = [:]) {
        self.extras = extras
    }

    /// Parses `text` as an expression of the given type.
    public mutating func parse(_ text: String, as type: Expr.ValueType) throws(ExprError) -> Expr {
        tokens = try Self.lex(text)
        pos = 0
        let e = try parseOr()
        guard case .end = tokens[pos].token else {
            throw ExprError(offset: tokens[pos].offset, message: "unexpected \(describe(tokens[pos].token)) after a complete expression")
        }
        let t = try Self.type(of: e, at: 0)
        if t != type {
            throw ExprError(offset: 0, message: type == .bool
                ? "the expression gives a number; a rule needs a condition such as `a = b` or `a ≤ b`"
                : "the expression gives a condition where a number is needed")
        }
        return e
    }

    // MARK: Lexer

    static func lex(_ text: String) throws(ExprError) -> [(token: Token, offset: Int)] {
        var out: [(Token, Int)] = []
        let chars = Array(text)
        var i = 0
        func isIdentStart(_ c: Character) -> Bool {
            c == "_" || c.isLetter || (c.unicodeScalars.first.map { $0.value >= 0x3400 } ?? false)
        }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{3000}" { i += 1; continue }
            let start = i
            if c.isASCII && c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber) {
                var s = ""
                while i < chars.count, chars[i].isASCII && (chars[i].isNumber || chars[i] == ".") { s.append(chars[i]); i += 1 }
                guard case .number(let n) = NumberParser.parse(s, kind: .money) else {
                    throw ExprError(offset: start, message: "`\(s)` is not a number")
                }
                out.append((.number(ExactDecimal(n)), start))
                continue
            }
            if isIdentStart(c) {
                var s = ""
                while i < chars.count, isIdentStart(chars[i]) || (chars[i].isASCII && chars[i].isNumber) {
                    s.append(chars[i]); i += 1
                }
                out.append((.ident(s), start))
                continue
            }
            let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
            let ascii = ["<=": "≤", ">=": "≥", "!=": "≠", "<>": "≠", "==": "=", "&&": "and", "||": "or"]
            if let op = ascii[two] {
                out.append((.op(op), start))
                i += 2
                continue
            }
            switch c {
            case "(", "（": out.append((.lparen, start))
            case ")", "）": out.append((.rparen, start))
            case ",", "，": out.append((.comma, start))
            case ".": out.append((.dot, start))
            case "+", "＋": out.append((.op("+"), start))
            case "-", "−", "－": out.append((.op("-"), start))
            case "*", "×": out.append((.op("*"), start))
            case "/", "÷": out.append((.op("/"), start))
            case "=", "＝": out.append((.op("="), start))
            case "≠": out.append((.op("≠"), start))
            case "<", "＜": out.append((.op("<"), start))
            case ">", "＞": out.append((.op(">"), start))
            case "≤", "⩽": out.append((.op("≤"), start))
            case "≥", "⩾": out.append((.op("≥"), start))
            case "!": out.append((.op("not"), start))
            default: throw ExprError(offset: start, message: "unexpected character `\(c)`")
            }
            i += 1
        }
        out.append((.end, chars.count))
        return out
    }

    // MARK: Parser

    private var current: Token { tokens[pos].token }
    private var offset: Int { tokens[pos].offset }

    private func describe(_ t: Token) -> String {
        switch t {
        case .number(let n): "number \(n)"
        case .ident(let s): "`\(s)`"
        case .op(let s): "`\(s)`"
        case .lparen: "`(`"
        case .rparen: "`)`"
        case .comma: "`,`"
        case .dot: "`.`"
        case .end: "end of expression"
        }
    }

    private func isKeyword(_ k: String) -> Bool {
        if case .ident(let s) = current, s.lowercased() == k { return true }
        if case .op(let s) = current, s == k { return true }
        return false
    }

    private mutating func parseOr() throws(ExprError) -> Expr {
        var e = try parseAnd()
        while isKeyword("or") {
            pos += 1
            e = .binary(.or, e, try parseAnd())
        }
        return e
    }

    private mutating func parseAnd() throws(ExprError) -> Expr {
        var e = try parseNot()
        while isKeyword("and") {
            pos += 1
            e = .binary(.and, e, try parseNot())
        }
        return e
    }

    private mutating func parseNot() throws(ExprError) -> Expr {
        if isKeyword("not") {
            pos += 1
            return .unary(.not, try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExprError) -> Expr {
        let first = try parseSum()
        var ops: [Expr.CompareOp] = []
        var operands = [first]
        while case .op(let s) = current, let op = Expr.CompareOp(rawValue: s) {
            pos += 1
            ops.append(op)
            operands.append(try parseSum())
        }
        return ops.isEmpty ? first : .compare(ops, operands)
    }

    private mutating func parseSum() throws(ExprError) -> Expr {
        var e = try parseProduct()
        while case .op(let s) = current, s == "+" || s == "-" {
            pos += 1
            e = .binary(s == "+" ? .add : .sub, e, try parseProduct())
        }
        return e
    }

    private mutating func parseProduct() throws(ExprError) -> Expr {
        var e = try parseUnary()
        while case .op(let s) = current, s == "*" || s == "/" {
            pos += 1
            e = .binary(s == "*" ? .mul : .div, e, try parseUnary())
        }
        return e
    }

    private mutating func parseUnary() throws(ExprError) -> Expr {
        if case .op("-") = current {
            pos += 1
            let inner = try parseUnary()
            if case .number(let n) = inner { return .number(-n) }
            return .unary(.negate, inner)
        }
        return try parsePrimary()
    }

    private mutating func expect(_ t: Token, _ what: String) throws(ExprError) {
        guard current == t else { throw ExprError(offset: offset, message: "expected \(what), found \(describe(current))") }
        pos += 1
    }

    private mutating func parsePrimary() throws(ExprError) -> Expr {
        let at = offset
        switch current {
        case .number(let n):
            pos += 1
            return .number(n)
        case .lparen:
            pos += 1
            let e = try parseOr()
            try expect(.rparen, "`)`")
            return e
        case .ident(let name):
            pos += 1
            if current == .lparen { return try parseCall(name, at: at) }
            if current == .dot {
                pos += 1
                guard case .ident(let member) = current else {
                    throw ExprError(offset: offset, message: "expected a column name after `\(name).`")
                }
                let memberAt = offset
                pos += 1
                guard name == "prev" || name == "上期" else {
                    throw ExprError(offset: at, message: "unknown prefix `\(name).`; only `prev.` (the same unit's previous period) exists here, and `children.` inside sum()")
                }
                return .prev(try numericField(member, at: memberAt))
            }
            return try columnRef(name, at: at)
        default:
            throw ExprError(offset: at, message: "expected a number, a column or `(`, found \(describe(current))")
        }
    }

    private func columnRef(_ name: String, at: Int) throws(ExprError) -> Expr {
        if let k = extras[name] { return .extra(name, k) }
        return .column(try numericField(name, at: at))
    }

    private func numericField(_ name: String, at: Int) throws(ExprError) -> Field {
        let key = HeaderMatcher.normalize(name).name
        guard let f = HeaderMatcher.lookup[key] else {
            throw ExprError(offset: at, message: "unknown column `\(name)`\(Self.suggestion(for: name))")
        }
        guard f.numberKind != nil else {
            throw ExprError(offset: at, message: "column `\(name)` is not a number (it is \(f.rawValue))")
        }
        return f
    }

    static func suggestion(for name: String) -> String {
        let lower = name.lowercased()
        let best = Field.allCases.map(\.rawValue).min { editDistance($0, lower) < editDistance($1, lower) }
        guard let best, editDistance(best, lower) <= 3 else { return "" }
        return "; did you mean `\(best)`?"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var prev = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }

    private mutating func parseCall(_ name: String, at: Int) throws(ExprError) -> Expr {
        pos += 1 // (
        switch name.lowercased() {
        case "sum":
            guard case .ident(let c) = current, c == "children" || c == "下级" else {
                throw ExprError(offset: offset, message: "sum() takes children.COLUMN")
            }
            pos += 1
            try expect(.dot, "`.` in children.COLUMN")
            guard case .ident(let col) = current else { throw ExprError(offset: offset, message: "expected a column after children.") }
            let f = try numericField(col, at: offset)
            pos += 1
            try expect(.rparen, "`)`")
            return .childSum(f)
        case "count":
            guard case .ident(let c) = current, c == "children" || c == "下级" else {
                throw ExprError(offset: offset, message: "count() takes `children`")
            }
            pos += 1
            try expect(.rparen, "`)`")
            return .childCount
        case "std":
            guard case .ident(let p) = current, let programme = Programme(name: p) else {
                throw ExprError(offset: offset, message: "std() takes a programme: \(Programme.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            pos += 1
            // `std(reward, period)` as SPEC.md writes it: the period is the row's own.
            if current == .comma {
                pos += 1
                guard case .ident("period") = current else { throw ExprError(offset: offset, message: "std()'s second argument can only be `period`") }
                pos += 1
            }
            try expect(.rparen, "`)`")
            return .standard(programme)
        default:
            guard let f = Expr.Function(rawValue: name.lowercased()) else {
                throw ExprError(offset: at, message: "unknown function `\(name)`; functions are abs, min, max, round, sum, count, std")
            }
            var args: [Expr] = []
            if current != .rparen {
                args.append(try parseSum())
                while current == .comma {
                    pos += 1
                    args.append(try parseSum())
                }
            }
            try expect(.rparen, "`)`")
            switch f {
            case .abs where args.count != 1: throw ExprError(offset: at, message: "abs() takes one argument")
            case .round where args.count != 1 && args.count != 2: throw ExprError(offset: at, message: "round() takes a number and optionally its decimals")
            case .min where args.count < 2, .max where args.count < 2: throw ExprError(offset: at, message: "\(f.rawValue)() takes two or more arguments")
            default: break
            }
            if f == .round, args.count == 2 {
                guard case .number(let d) = args[1], d.exponent >= 0 || d.mantissa % 1 == 0 else {
                    throw ExprError(offset: at, message: "round()'s decimals must be a whole number")
                }
            }
            return .call(f, args)
        }
    }

    // MARK: Types

    static func type(of e: Expr, at offset: Int) throws(ExprError) -> Expr.ValueType {
        switch e {
        case .number, .column, .extra, .prev, .childSum, .childCount, .standard:
            return .number
        case .unary(.negate, let x):
            guard try type(of: x, at: offset) == .number else { throw ExprError(offset: offset, message: "`-` needs a number, not a condition") }
            return .number
        case .unary(.not, let x):
            guard try type(of: x, at: offset) == .bool else { throw ExprError(offset: offset, message: "`not` needs a condition, not a number: \(x)") }
            return .bool
        case .binary(let op, let a, let b):
            let ta = try type(of: a, at: offset), tb = try type(of: b, at: offset)
            switch op {
            case .and, .or:
                guard ta == .bool, tb == .bool else { throw ExprError(offset: offset, message: "`\(op.rawValue)` joins conditions, not numbers: \(e)") }
                return .bool
            default:
                guard ta == .number, tb == .number else { throw ExprError(offset: offset, message: "`\(op.rawValue)` needs numbers, not conditions: \(e)") }
                return .number
            }
        case .compare(_, let es):
            for x in es where try type(of: x, at: offset) != .number {
                throw ExprError(offset: offset, message: "comparisons are between numbers: \(x) is a condition")
            }
            return .bool
        case .call(_, let args):
            for x in args where try type(of: x, at: offset) != .number {
                throw ExprError(offset: offset, message: "functions take numbers: \(x) is a condition")
            }
            return .number
        }
    }
}
