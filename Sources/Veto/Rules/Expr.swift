/// The rule expression language: arithmetic over columns, comparisons (chained), `and/or/not`,
/// `if A then B` (R `validate`'s `if (A) B`), `abs/min/max/round`, `std(programme)`,
/// `sum(children.X)`, `count(children)`, `prev.X`, `x in {a, b}`, `is_missing(x)`,
/// `is_unique(a, b)`, `matches(x, "re")`, `mean/median/sum/min/max(x) over (g)` (without `over`:
/// the whole table), and back-quoted column names (`` `other.rev` ``).
///
/// A rule file is parsed into this typed tree; it is never executed as code. Columns are named
/// by their canonical schema names once parsed.
public indirect enum Expr: Sendable, Equatable, CustomStringConvertible {
    case number(ExactDecimal)
    case string(String)
    case column(String)
    case prev(String)
    case childSum(String)
    case childCount
    case standard(String)
    case unary(UnaryOp, Expr)
    case binary(BinaryOp, Expr, Expr)
    /// `a op1 b op2 c` holds when every link holds.
    case compare([CompareOp], [Expr])
    case call(Function, [Expr])
    /// `x in {a, b}`: numbers, or the values of a text or category column.
    case inSet(Expr, [Expr])
    case isMissing(Expr)
    case isUnique([String])
    case matches(String, String)
    /// An aggregate of a column over the rows sharing the `group` columns (all rows when empty).
    /// As in R, a missing value makes it unknown unless `ignoreMissing` (`na.rm = TRUE`).
    case aggregate(Aggregate, String, [String], ignoreMissing: Bool)

    public enum UnaryOp: String, Sendable { case negate = "-", not = "not" }
    public enum BinaryOp: String, Sendable {
        case add = "+", sub = "-", mul = "*", div = "/", and = "and", or = "or", implies = "then"
    }
    public enum CompareOp: String, Sendable, CaseIterable {
        case eq = "=", ne = "≠", lt = "<", le = "≤", gt = ">", ge = "≥"
    }
    public enum Function: String, Sendable, CaseIterable { case abs, min, max, round }
    public enum Aggregate: String, Sendable, CaseIterable { case mean, median, sum, min, max, count }

    public enum ValueType: Sendable, Equatable { case number, bool, text }

    public var description: String {
        switch self {
        case .number(let d): d.description
        case .string(let s): "\"\(s)\""
        case .column(let f): Self.quoted(f)
        case .prev(let f): "prev.\(Self.quoted(f))"
        case .childSum(let f): "sum(children.\(Self.quoted(f)))"
        case .childCount: "count(children)"
        case .standard(let p): "std(\(p))"
        case .unary(.negate, let e): "-\(e.parenthesized)"
        case .unary(.not, let e): "not \(e.parenthesized)"
        case .binary(.implies, let a, let b): "if \(a.parenthesized) then \(b.parenthesized)"
        case .binary(let op, let a, let b): "\(a.parenthesized) \(op.rawValue) \(b.parenthesized)"
        case .compare(let ops, let es):
            zip(es, ops).map { "\($0.description) \($1.rawValue) " }.joined() + (es.last?.description ?? "")
        case .call(let f, let args): "\(f.rawValue)(\(args.map(\.description).joined(separator: ", ")))"
        case .inSet(let x, let set): "\(x.parenthesized) in {\(set.map(\.description).joined(separator: ", "))}"
        case .isMissing(let x): "is_missing(\(x))"
        case .isUnique(let cs): "is_unique(\(cs.map(Self.quoted).joined(separator: ", ")))"
        case .matches(let c, let p): "matches(\(Self.quoted(c)), \"\(p)\")"
        case .aggregate(let a, let c, let g, let rm):
            "\(a.rawValue)(\(Self.quoted(c))\(rm ? ", na.rm = TRUE" : ""))" + (g.isEmpty ? "" : " over (\(g.map(Self.quoted).joined(separator: ", ")))")
        }
    }

    static func quoted(_ name: String) -> String {
        let plain = name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        return plain ? name : "`\(name)`"
    }

    var parenthesized: String {
        switch self {
        case .binary, .compare, .inSet: "(\(description))"
        default: description
        }
    }

    /// Children of this node (for walks).
    var children: [Expr] {
        switch self {
        case .unary(_, let e), .isMissing(let e): [e]
        case .binary(_, let a, let b): [a, b]
        case .compare(_, let es), .call(_, let es): es
        case .inSet(let x, let set): [x] + set
        default: []
        }
    }

    func visit(_ f: (Expr) -> Void) {
        var stack = [self]
        while let e = stack.popLast() {
            f(e)
            stack.append(contentsOf: e.children.reversed())
        }
    }

    /// Every column the expression reads on the row itself, in order of appearance.
    public var columns: [String] {
        var out: [String] = []
        visit { if case .column(let f) = $0, !out.contains(f) { out.append(f) } }
        return out
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

    /// Uses aggregates over groups or the table, or `is_unique`: needs every row first.
    public var usesTable: Bool {
        var r = false
        visit {
            if case .aggregate = $0 { r = true }
            if case .isUnique = $0 { r = true }
        }
        return r
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

/// Parses and type-checks rule expressions against a schema. Bounded: at most
/// ``maxTokens`` tokens and ``maxDepth`` levels of nesting (a clear error beyond), so a hostile
/// rule file cannot exhaust the stack.
public struct ExprParser {
    enum Token: Equatable {
        case number(ExactDecimal)
        case ident(String)
        case quotedIdent(String)
        case string(String)
        case op(String)
        case lparen, rparen, lbrace, rbrace, comma, dot
        case end
    }

    public static let maxTokens = 10_000
    public static let maxDepth = 200

    private var tokens: [(token: Token, offset: Int)] = []
    private var pos = 0
    private var depth = 0
    let schema: Schema

    public init(schema: Schema) {
        self.schema = schema
    }

    /// Parses `text` as an expression of the given type.
    public mutating func parse(_ text: String, as type: Expr.ValueType) throws(ExprError) -> Expr {
        tokens = try Self.lex(text)
        pos = 0
        depth = 0
        let e = try parseImplication()
        guard case .end = tokens[pos].token else {
            throw ExprError(offset: tokens[pos].offset, message: "unexpected \(describe(tokens[pos].token)) after a complete expression")
        }
        let t = try typeOf(e, at: 0)
        if t != type {
            throw ExprError(offset: 0, message: type == .bool
                ? "the expression gives a \(t == .text ? "text" : "number"); a rule needs a condition such as `a = b` or `a ≤ b`"
                : "the expression gives a condition where a number is needed")
        }
        return e
    }

    // MARK: Lexer

    /// Two-character ASCII operators and what they mean.
    static let twoCharacterOperators = ["<=": "≤", ">=": "≥", "!=": "≠", "<>": "≠", "==": "=", "&&": "and", "||": "or"]
    /// The same, keyed by the two ASCII bytes (first << 8 | second).
    static let twoByteOperators: [UInt16: String] = Dictionary(uniqueKeysWithValues: twoCharacterOperators.map { k, v in
        let b = Array(k.utf8)
        return (UInt16(b[0]) << 8 | UInt16(b[1]), v)
    })

    /// Tokens with their offsets in Unicode scalars. The text is walked scalar by scalar (not by
    /// grapheme), ASCII tested by value: a pack of 89 expressions lexes in a fifth of the time.
    static func lex(_ text: String) throws(ExprError) -> [(token: Token, offset: Int)] {
        var out: [(Token, Int)] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
        func isIdentStart(_ c: Unicode.Scalar) -> Bool {
            let v = c.value
            if v < 0x80 { return c == "_" || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A) }
            // Full-width punctuation and operators (（ ） ， ＋ － ＝ ＜ ＞) are not names.
            if v >= 0xFF00 && v <= 0xFF65 { return Character(c).isLetter }
            return v >= 0x3400 || Character(c).isLetter
        }
        /// A combining mark continues the name it follows (a decomposed é).
        func isMark(_ c: Unicode.Scalar) -> Bool {
            guard c.value >= 0x300 else { return false }
            switch c.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return false
            }
        }
        while i < chars.count {
            if out.count > maxTokens {
                throw ExprError(offset: i, message: "the expression is longer than \(maxTokens) tokens; split it into several rules")
            }
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{3000}" { i += 1; continue }
            let start = i
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                var s = String.UnicodeScalarView()
                while i < chars.count, isDigit(chars[i]) || chars[i] == "." { s.append(chars[i]); i += 1 }
                // 1e5, 2.5E-3
                if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                    var j = i + 1
                    var tail = String.UnicodeScalarView(["e"])
                    if j < chars.count, chars[j] == "+" || chars[j] == "-" { tail.append(chars[j]); j += 1 }
                    var digits = String.UnicodeScalarView()
                    while j < chars.count, isDigit(chars[j]) { digits.append(chars[j]); j += 1 }
                    if !digits.isEmpty { s.append(contentsOf: tail); s.append(contentsOf: digits); i = j }
                }
                let number = String(s)
                guard case .number(let n) = NumberParser.parse(number, kind: .number) else {
                    throw ExprError(offset: start, message: "`\(number)` is not a number")
                }
                out.append((.number(ExactDecimal(n)), start))
                continue
            }
            if isIdentStart(c) {
                var s = String.UnicodeScalarView()
                // R names may hold dots (other.rev): a dot followed by a letter continues the name,
                // except after prev / children, where it selects a column.
                while i < chars.count {
                    let d = chars[i]
                    if isIdentStart(d) || isDigit(d) || isMark(d) {
                        s.append(d); i += 1
                    } else if d == ".", i + 1 < chars.count, isIdentStart(chars[i + 1]),
                              !["prev", "上期", "children", "下级"].contains(String(s)) {
                        s.append(d); i += 1
                    } else {
                        break
                    }
                }
                out.append((.ident(String(s)), start))
                continue
            }
            if c == "`" {
                var s = String.UnicodeScalarView()
                i += 1
                while i < chars.count, chars[i] != "`" { s.append(chars[i]); i += 1 }
                guard i < chars.count else { throw ExprError(offset: start, message: "a back-quoted name is not closed") }
                i += 1
                out.append((.quotedIdent(String(s)), start))
                continue
            }
            if c == "\"" || c == "'" || c == "“" || c == "‘" {
                let close: Unicode.Scalar = c == "“" ? "”" : (c == "‘" ? "’" : c)
                var s = String.UnicodeScalarView()
                i += 1
                while i < chars.count, chars[i] != close {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    s.append(chars[i]); i += 1
                }
                guard i < chars.count else { throw ExprError(offset: start, message: "a quoted text is not closed") }
                i += 1
                out.append((.string(String(s)), start))
                continue
            }
            if i + 1 < chars.count, c.isASCII, chars[i + 1].isASCII,
               let op = Self.twoByteOperators[UInt16(c.value) << 8 | UInt16(chars[i + 1].value)] {
                out.append((.op(op), start))
                i += 2
                continue
            }
            if c == "%", i + 3 < chars.count, chars[i + 1] == "i", chars[i + 2] == "n", chars[i + 3] == "%" {
                out.append((.ident("in"), start))
                i += 4
                continue
            }
            switch c {
            case "(", "（": out.append((.lparen, start))
            case ")", "）": out.append((.rparen, start))
            case "{": out.append((.lbrace, start))
            case "}": out.append((.rbrace, start))
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
            case "&": out.append((.op("and"), start))
            case "|": out.append((.op("or"), start))
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
        case .ident(let s), .quotedIdent(let s): "`\(s)`"
        case .string(let s): "text \"\(s)\""
        case .op(let s): "`\(s)`"
        case .lparen: "`(`"
        case .rparen: "`)`"
        case .lbrace: "`{`"
        case .rbrace: "`}`"
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

    /// Counts nesting: every level a parse function enters, and every operand a left-deep chain
    /// adds, is a level of the tree that later passes walk.
    private mutating func enter() throws(ExprError) {
        depth += 1
        if depth > Self.maxDepth {
            throw ExprError(offset: offset, message: "the expression nests deeper than \(Self.maxDepth) levels (or chains more than \(Self.maxDepth) operators); split it into several rules")
        }
    }

    private mutating func parseImplication() throws(ExprError) -> Expr {
        // `if A then B`, `if (A) B` (R validate).
        if isKeyword("if") {
            pos += 1
            try enter()
            defer { depth -= 1 }
            let a = try parseOr()
            if isKeyword("then") { pos += 1 }
            let b = try parseImplication()
            return .binary(.implies, a, b)
        }
        return try parseOr()
    }

    private mutating func parseOr() throws(ExprError) -> Expr {
        try enter()
        let saved = depth
        defer { depth = saved - 1 }
        var e = try parseAnd()
        while isKeyword("or") {
            pos += 1
            try enter()
            e = .binary(.or, e, try parseAnd())
        }
        return e
    }

    private mutating func parseAnd() throws(ExprError) -> Expr {
        try enter()
        let saved = depth
        defer { depth = saved - 1 }
        var e = try parseNot()
        while isKeyword("and") {
            pos += 1
            try enter()
            e = .binary(.and, e, try parseNot())
        }
        return e
    }

    private mutating func parseNot() throws(ExprError) -> Expr {
        if isKeyword("not") {
            pos += 1
            try enter()
            defer { depth -= 1 }
            return .unary(.not, try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExprError) -> Expr {
        try enter()
        defer { depth -= 1 }
        let first = try parseSum()
        if isKeyword("in") {
            pos += 1
            return .inSet(first, try parseSet())
        }
        var ops: [Expr.CompareOp] = []
        var operands = [first]
        while case .op(let s) = current, let op = Expr.CompareOp(rawValue: s) {
            pos += 1
            ops.append(op)
            operands.append(try parseSum())
        }
        return ops.isEmpty ? first : .compare(ops, operands)
    }

    /// `{a, b}` or R's `c(a, b)`.
    private mutating func parseSet() throws(ExprError) -> [Expr] {
        let close: Token
        if current == .lbrace {
            close = .rbrace
        } else if case .ident(let c) = current, c == "c", tokens[pos + 1].token == .lparen {
            pos += 1
            close = .rparen
        } else {
            throw ExprError(offset: offset, message: "`in` takes a set such as {1, 2} or {\"a\", \"b\"}")
        }
        pos += 1
        var items: [Expr] = []
        while current != close {
            switch current {
            case .string(let s): items.append(.string(s)); pos += 1
            case .number(let n): items.append(.number(n)); pos += 1
            case .op("-"):
                pos += 1
                guard case .number(let n) = current else { throw ExprError(offset: offset, message: "expected a number after `-`") }
                items.append(.number(-n)); pos += 1
            case .ident(let s): items.append(.string(s)); pos += 1
            default: throw ExprError(offset: offset, message: "a set holds numbers or quoted texts, found \(describe(current))")
            }
            if current == .comma { pos += 1 } else if current != close {
                throw ExprError(offset: offset, message: "expected `,` or the end of the set, found \(describe(current))")
            }
        }
        pos += 1
        if items.isEmpty { throw ExprError(offset: offset, message: "an empty set") }
        return items
    }

    private mutating func parseSum() throws(ExprError) -> Expr {
        try enter()
        let saved = depth
        defer { depth = saved - 1 }
        var e = try parseProduct()
        while case .op(let s) = current, s == "+" || s == "-" {
            pos += 1
            try enter()
            e = .binary(s == "+" ? .add : .sub, e, try parseProduct())
        }
        return e
    }

    private mutating func parseProduct() throws(ExprError) -> Expr {
        try enter()
        let saved = depth
        defer { depth = saved - 1 }
        var e = try parseUnary()
        while case .op(let s) = current, s == "*" || s == "/" {
            pos += 1
            try enter()
            e = .binary(s == "*" ? .mul : .div, e, try parseUnary())
        }
        return e
    }

    private mutating func parseUnary() throws(ExprError) -> Expr {
        if case .op("-") = current {
            pos += 1
            try enter()
            defer { depth -= 1 }
            let inner = try parseUnary()
            if case .number(let n) = inner { return .number(-n) }
            return .unary(.negate, inner)
        }
        if case .op("+") = current {
            pos += 1
            return try parseUnary()
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
        case .string(let s):
            pos += 1
            return .string(s)
        case .lparen:
            pos += 1
            try enter()
            defer { depth -= 1 }
            let e = try parseImplication()
            try expect(.rparen, "`)`")
            return e
        case .quotedIdent(let name):
            pos += 1
            return .column(try columnName(name, at: at))
        case .ident(let name):
            pos += 1
            if current == .lparen { return try parseCall(name, at: at) }
            if current == .dot {
                pos += 1
                let memberAt = offset
                guard case let t = current, let member = Self.name(t) else {
                    throw ExprError(offset: offset, message: "expected a column name after `\(name).`")
                }
                pos += 1
                guard name == "prev" || name == "上期" else {
                    throw ExprError(offset: at, message: "unknown prefix `\(name).`; only `prev.` (the same unit's previous period) exists here, and `children.` inside sum()")
                }
                return .prev(try numericColumn(member, at: memberAt))
            }
            return .column(try columnName(name, at: at))
        default:
            throw ExprError(offset: at, message: "expected a number, a column or `(`, found \(describe(current))")
        }
    }

    /// `na.rm` (or `na_rm`) at token `i`.
    static func isNaRm(_ tokens: [(token: Token, offset: Int)], _ i: Int) -> Bool {
        guard i < tokens.count, let n = name(tokens[i].token) else { return false }
        return n == "na.rm" || n == "na_rm"
    }

    static func name(_ t: Token) -> String? {
        switch t {
        case .ident(let s), .quotedIdent(let s): s
        default: nil
        }
    }

    private func columnName(_ name: String, at: Int) throws(ExprError) -> String {
        guard let c = schema.column(name) else {
            throw ExprError(offset: at, message: "unknown column `\(name)`\(schema.suggestion(for: name)); declare it under `columns:`")
        }
        return c.name
    }

    private func numericColumn(_ name: String, at: Int) throws(ExprError) -> String {
        guard let c = schema.column(name) else {
            throw ExprError(offset: at, message: "unknown column `\(name)`\(schema.suggestion(for: name)); declare it under `columns:`")
        }
        guard c.isNumeric else {
            throw ExprError(offset: at, message: "column `\(name)` is not a number (it is \(c.type))")
        }
        return c.name
    }

    /// A column name argument (plain or back-quoted).
    private mutating func columnArgument(_ what: String) throws(ExprError) -> String {
        let at = offset
        guard let n = Self.name(current) else { throw ExprError(offset: at, message: "\(what) takes a column") }
        pos += 1
        return try columnName(n, at: at)
    }

    private mutating func parseCall(_ name: String, at: Int) throws(ExprError) -> Expr {
        pos += 1 // (
        let lower = name.lowercased()
        switch lower {
        case "sum" where Self.name(current) == "children" || Self.name(current) == "下级":
            pos += 1
            try expect(.dot, "`.` in children.COLUMN")
            let colAt = offset
            guard let col = Self.name(current) else { throw ExprError(offset: offset, message: "expected a column after children.") }
            let f = try numericColumn(col, at: colAt)
            pos += 1
            try expect(.rparen, "`)`")
            return .childSum(f)
        case "count" where Self.name(current) == "children" || Self.name(current) == "下级":
            pos += 1
            try expect(.rparen, "`)`")
            return .childCount
        case "std":
            guard let p = Self.name(current), let i = schema.programme(p) else {
                let list = schema.programmes.map(\.name).joined(separator: ", ")
                throw ExprError(offset: offset, message: "std() takes a programme: \(list.isEmpty ? "(none declared; declare them under `programmes:`)" : list)")
            }
            pos += 1
            // `std(reward, period)` as SPEC.md writes it: the period is the row's own.
            if current == .comma {
                pos += 1
                guard Self.name(current) == "period" else { throw ExprError(offset: offset, message: "std()'s second argument can only be `period`") }
                pos += 1
            }
            try expect(.rparen, "`)`")
            return .standard(schema.programmes[i].name)
        case "is_missing", "is.na", "is_na":
            let e = try parseSum()
            try expect(.rparen, "`)`")
            switch e {
            case .column, .prev: return .isMissing(e)
            default: throw ExprError(offset: at, message: "is_missing() takes a column or prev.COLUMN")
            }
        case "is_unique":
            var cols = [try columnArgument("is_unique()")]
            while current == .comma {
                pos += 1
                cols.append(try columnArgument("is_unique()"))
            }
            try expect(.rparen, "`)`")
            return .isUnique(cols)
        case "matches", "grepl":
            let col = try columnArgument("matches()")
            try expect(.comma, "`,` and a pattern")
            guard case .string(let pattern) = current else { throw ExprError(offset: offset, message: "matches() takes a quoted pattern") }
            pos += 1
            try expect(.rparen, "`)`")
            do {
                _ = try Regex(pattern)
            } catch {
                throw ExprError(offset: at, message: "matches(): `\(pattern)` is not a valid regular expression")
            }
            return .matches(col, pattern)
        default:
            break
        }
        // `mean(x)`, `sum(x) over (g)`: one column argument makes an aggregate; `min(a, b)` and
        // `max(a, b)` stay the row functions.
        if let agg = Expr.Aggregate(rawValue: lower), Self.name(current) != nil,
           tokens[pos + 1].token == .rparen || (tokens[pos + 1].token == .comma && Self.isNaRm(tokens, pos + 2)) {
            let col = try columnArgument("\(lower)()")
            var ignoreMissing = false
            if current == .comma {
                pos += 1   // na.rm
                pos += 1
                try expect(.op("="), "`=` after na.rm")
                guard let v = Self.name(current), ["TRUE", "true", "T", "FALSE", "false", "F"].contains(v) else {
                    throw ExprError(offset: offset, message: "na.rm is TRUE or FALSE")
                }
                ignoreMissing = v.hasPrefix("T") || v == "true"
                pos += 1
            }
            try expect(.rparen, "`)`")
            var group: [String] = []
            if isKeyword("over") {
                pos += 1
                try expect(.lparen, "`(` after over")
                group.append(try columnArgument("over ()"))
                while current == .comma {
                    pos += 1
                    group.append(try columnArgument("over ()"))
                }
                try expect(.rparen, "`)`")
            }
            if agg != .count, let c = schema.column(col), !c.isNumeric {
                throw ExprError(offset: at, message: "\(lower)() needs a numeric column; `\(col)` is \(c.type)")
            }
            return .aggregate(agg, col, group, ignoreMissing: ignoreMissing)
        }
        guard let f = Expr.Function(rawValue: lower) else {
            throw ExprError(offset: at, message: "unknown function `\(name)`; functions are abs, min, max, round, sum(children.X), count(children), std, is_missing, is_unique, matches, mean/median/sum/min/max(x) over (g)")
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
            guard case .number(let d) = args[1], let digits = Int(exactly: d), abs(digits) <= 40 else {
                throw ExprError(offset: at, message: "round()'s decimals must be a whole number between -40 and 40")
            }
        }
        return .call(f, args)
    }

    // MARK: Types

    func typeOf(_ e: Expr, at offset: Int) throws(ExprError) -> Expr.ValueType {
        switch e {
        case .number, .prev, .childSum, .childCount, .standard, .aggregate:
            return .number
        case .string:
            return .text
        case .column(let name):
            return schema.column(name)?.isNumeric == false ? .text : .number
        case .isMissing, .isUnique, .matches:
            return .bool
        case .inSet(let x, let set):
            let tx = try typeOf(x, at: offset)
            for s in set {
                let ts = try typeOf(s, at: offset)
                if tx == .number && ts != .number {
                    throw ExprError(offset: offset, message: "`\(x)` is a number: its set must hold numbers")
                }
                if tx == .text && ts == .number, case .column(let c) = x, case .category = schema.column(c)?.type {
                    throw ExprError(offset: offset, message: "`\(x)` is a category: its set holds quoted values")
                }
            }
            if tx == .bool { throw ExprError(offset: offset, message: "`in` tests a value, not a condition") }
            if case .column(let c) = x, case .category(let values) = schema.column(c)?.type {
                for case .string(let s) in set where !values.contains(s) {
                    throw ExprError(offset: offset, message: "\"\(s)\" is not one of the values of `\(c)` (\(values.joined(separator: ", ")))")
                }
            }
            return .bool
        case .unary(.negate, let x):
            guard try typeOf(x, at: offset) == .number else { throw ExprError(offset: offset, message: "`-` needs a number, not a condition") }
            return .number
        case .unary(.not, let x):
            guard try typeOf(x, at: offset) == .bool else { throw ExprError(offset: offset, message: "`not` needs a condition, not a number: \(x)") }
            return .bool
        case .binary(let op, let a, let b):
            let ta = try typeOf(a, at: offset), tb = try typeOf(b, at: offset)
            switch op {
            case .and, .or, .implies:
                guard ta == .bool, tb == .bool else { throw ExprError(offset: offset, message: "`\(op.rawValue)` joins conditions, not numbers: \(e)") }
                return .bool
            default:
                guard ta == .number, tb == .number else { throw ExprError(offset: offset, message: "`\(op.rawValue)` needs numbers, not conditions: \(e)") }
                return .number
            }
        case .compare(let ops, let es):
            let types = try es.map { (x) throws(ExprError) in try typeOf(x, at: offset) }
            if types.allSatisfy({ $0 == .text }) && ops.allSatisfy({ $0 == .eq || $0 == .ne }) && es.count == 2 {
                return .bool
            }
            for (x, t) in zip(es, types) where t != .number {
                throw ExprError(offset: offset, message: "comparisons are between numbers: \(x) is \(t == .bool ? "a condition" : "text")")
            }
            return .bool
        case .call(_, let args):
            for x in args where try typeOf(x, at: offset) != .number {
                throw ExprError(offset: offset, message: "functions take numbers: \(x) is not a number")
            }
            return .number
        }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}

extension Int {
    init?(exactly d: ExactDecimal) {
        guard let s = Fixed.scaled(d) else { return nil }
        let (q, r) = s.quotientAndRemainder(dividingBy: FixedInterval.one)
        guard r == 0, q.magnitude < 1_000_000 else { return nil }
        self = Int(q)
    }
}
