/// What a compiled rule needs beyond its own row.
public struct RuleNeeds: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let previous = RuleNeeds(rawValue: 1)
    public static let children = RuleNeeds(rawValue: 2)
    /// Aggregates over groups or the table, `is_unique`: all rows first.
    public static let table = RuleNeeds(rawValue: 4)
}

/// A rule compiled against a schema: names resolved to column indices and state slots.
struct CompiledRule: Sendable {
    var rule: Rule
    var index: Int
    var when: Tape?
    var assert: Tape?
    var note: Tape?
    var implied: Tape?
    var needs: RuleNeeds
    var tolerance: Int128
    /// Schema index of the figure a finding points at.
    var target: Int?
    /// Own columns the assertion reads (for `fields`).
    var columns: [Int]
    /// A whole-table rule (only aggregates): one outcome for the table, not per row.
    var tableLevel: Bool
    /// Unit levels the rule applies to, as bits of `UnitCode.Level.rank` (nil: all).
    var levelMask: UInt8?
    /// The condition and the assertion as linear tests of whole counts, where they are one
    /// (decided without the tape on rows of plain whole numbers).
    var fastWhen: LinearTest? = nil
    var fastAssert: LinearTest? = nil
    /// Where they are not: as comparisons of exact intervals (money, standards, `is_missing`).
    var wideWhen: WideTest? = nil
    var wideAssert: WideTest? = nil
}

/// The rule set of a run, compiled once: every rule's tapes, and the state the rules need kept
/// across rows (which previous-period and child columns, which aggregates).
public struct Program: Sendable {
    public let schema: Schema
    var rules: [CompiledRule]
    /// Columns read as `prev.X`: kept per unit-period (slot order).
    var prevColumns: [Int]
    /// Columns read as `sum(children.X)`: summed per parent-period (slot order).
    var childColumns: [Int]
    /// Aggregates: (function, column, group columns) per slot.
    var aggregates: [Aggregate]
    /// `is_unique` column lists per slot.
    var uniques: [[Int]]
    /// Per schema column: ColumnFlag bits.
    var flags: [UInt8]
    /// Keeps the tapes' instructions and tables, and the linear tests' terms, alive.
    let storages: [TapeStorage]
    let linearStorages: [LinearTermStorage]
    let wideStorages: [WideTestStorage]
    let tables: TapeTables

    /// Whether evaluating the rules may read a row's text beyond its figures: a text test (`in`
    /// on text, `==` on text, `matches`) or a group or `is_unique` key (which can be a text
    /// column). Without one, a row's figures are all the checker needs.
    var readsRowText: Bool {
        func reads(_ t: Tape?) -> Bool {
            t?.code.contains { ins in
                switch ins {
                case .inText, .textEquals, .matches: true
                default: false
                }
            } ?? false
        }
        return !aggregates.isEmpty || !uniques.isEmpty || rules.contains { reads($0.when) || reads($0.assert) || reads($0.note) || reads($0.implied) }
    }

    public enum CompileError: Error, CustomStringConvertible {
        case unsupported(rule: String, what: String)
        public var description: String {
            switch self {
            case .unsupported(let r, let w): "rule `\(r)`: \(w)"
            }
        }
    }

    /// A program with no rules over `schema`.
    init(empty schema: Schema) {
        self.schema = schema
        rules = []
        prevColumns = []
        childColumns = []
        aggregates = []
        uniques = []
        flags = Self.flags(schema)
        storages = []
        linearStorages = []
        wideStorages = []
        tables = TapeTables()
    }

    static func flags(_ schema: Schema) -> [UInt8] {
        schema.columns.map { c in
            var f: UInt8 = 0
            if c.type == .count { f |= ColumnFlag.integerExact }
            if c.type == .rate { f |= ColumnFlag.rate }
            if c.exact { f |= ColumnFlag.exact }
            return f
        }
    }

    /// A compiler that allocates the same slots as this program (for expressions compiled later,
    /// to explain a finding).
    var compiler: Compiler {
        var c = Compiler(schema: schema)
        c.prevColumns = prevColumns
        c.childColumns = childColumns
        c.aggregates = aggregates
        c.uniques = uniques
        c.tables = tables.copy()
        return c
    }

    public init(rules set: RuleSet) throws {
        schema = set.schema
        let flags = Self.flags(set.schema)
        self.flags = flags
        var c = Compiler(schema: schema)
        var out: [CompiledRule] = []
        for (i, r) in set.rules.enumerated() {
            var needs: RuleNeeds = []
            for e in [r.assert, r.when, r.note, r.implied].compactMap({ $0 }) {
                if e.usesPrev { needs.insert(.previous) }
                if e.usesChildren { needs.insert(.children) }
                if e.usesTable { needs.insert(.table) }
            }
            let tol = try r.tolerance.map { (t: ExactDecimal) throws -> Int128 in
                guard let v = Fixed.scaled(t) else { throw CompileError.unsupported(rule: r.id, what: "tolerance \(t) cannot be represented") }
                return v
            } ?? 0
            let sc = set.schema
            let target = (r.target ?? Self.defaultTarget(r.assert)).flatMap { sc.index(of: $0) }
            let columns = (r.assert?.columns ?? r.note?.columns ?? []).compactMap { sc.index(of: $0) }
            let tableLevel = needs.contains(.table) && columns.isEmpty && !(r.assert.map(Self.hasUnique) ?? false)
            out.append(CompiledRule(rule: r, index: i, when: try r.when.map { try c.compile($0, rule: r.id) },
                                    assert: try r.assert.map { try c.compile($0, rule: r.id) },
                                    note: try r.note.map { try c.compile($0, rule: r.id) },
                                    implied: try r.implied.map { try c.compile($0, rule: r.id) },
                                    needs: needs, tolerance: tol, target: target, columns: columns, tableLevel: tableLevel,
                                    levelMask: r.levels.map { $0.reduce(UInt8(0)) { $0 | 1 << $1.rank } }))
        }
        var linear: [LinearTermStorage] = []
        var wide: [WideTestStorage] = []
        for i in out.indices {
            out[i].fastWhen = out[i].when.flatMap { LinearTest.from($0, flags: flags, prevColumns: c.prevColumns, storages: &linear) }
            out[i].fastAssert = out[i].assert.flatMap { LinearTest.from($0, flags: flags, prevColumns: c.prevColumns, storages: &linear) }
            if out[i].fastWhen == nil {
                out[i].wideWhen = out[i].when.flatMap { WideTest.from($0, flags: flags, prevColumns: c.prevColumns, storages: &wide) }
            }
            if out[i].fastAssert == nil {
                out[i].wideAssert = out[i].assert.flatMap { WideTest.from($0, flags: flags, prevColumns: c.prevColumns, storages: &wide) }
            }
        }
        linearStorages = linear
        wideStorages = wide
        rules = out
        prevColumns = c.prevColumns
        childColumns = c.childColumns
        aggregates = c.aggregates
        uniques = c.uniques
        storages = c.storages
        tables = c.tables
    }

    static func hasUnique(_ e: Expr) -> Bool {
        var r = false
        e.visit { if case .isUnique = $0 { r = true } }
        return r
    }

    /// The figure a finding points at: the single column on the right of a comparison, else the
    /// first column read.
    static func defaultTarget(_ e: Expr?) -> String? {
        guard let e else { return nil }
        if case .compare(_, let operands) = e {
            for o in operands.reversed() { if case .column(let f) = o { return f } }
        }
        return e.columns.first
    }
}

/// An aggregate a rule reads: a function of a column over the rows sharing the group columns.
struct Aggregate: Sendable, Equatable {
    var fn: Expr.Aggregate
    var column: Int
    var group: [Int]
    var ignoreMissing: Bool
}

/// Turns expressions into tapes, allocating state slots for what they read across rows.
struct Compiler {
    let schema: Schema
    /// Storage of every tape compiled, and the shared tables: the compiler's owner keeps them alive.
    var storages: [TapeStorage] = []
    var tables = TapeTables()
    var prevColumns: [Int] = []
    var childColumns: [Int] = []
    var aggregates: [Aggregate] = []
    var uniques: [[Int]] = []

    init(schema: Schema) { self.schema = schema }

    /// Compiles and discards: reports what cannot be computed exactly when the file is read.
    func compileCheck(_ e: Expr, rule: String) throws -> Tape {
        var c = self
        return try c.compile(e, rule: rule)
    }

    mutating func compile(_ e: Expr, rule: String) throws -> Tape {
        var t = Draft()
        var depth = 0
        try emit(e, &t, &depth, rule: rule)
        let storage = TapeStorage(t.code)
        storages.append(storage)
        return Tape(code: UnsafeBufferPointer(storage.code), maxDepth: t.maxDepth, tables: tables)
    }

    /// A tape being written.
    struct Draft {
        var code: [Instr] = []
        var maxDepth = 0
    }

    private func column(_ name: String, rule: String) throws -> Int {
        guard let i = schema.index(of: name) else { throw Program.CompileError.unsupported(rule: rule, what: "unknown column `\(name)`") }
        return i
    }

    private func slot(_ list: inout [Int], _ c: Int) -> Int32 {
        if let i = list.firstIndex(of: c) { return Int32(i) }
        list.append(c)
        return Int32(list.count - 1)
    }

    private func push(_ t: inout Draft, _ i: Instr, _ depth: inout Int, _ delta: Int) {
        t.code.append(i)
        depth += delta
        t.maxDepth = max(t.maxDepth, depth)
    }

    // The tree depth is bounded by the parser (ExprParser.maxDepth), so recursion here is too.
    private mutating func emit(_ e: Expr, _ t: inout Draft, _ d: inout Int, rule: String) throws {
        switch e {
        case .number(let n):
            guard let v = Fixed.scaled(n) else {
                throw Program.CompileError.unsupported(rule: rule, what: "the number \(n) has more than 12 decimals or is too large to compute exactly")
            }
            push(&t, .const(FixedInterval(point: v)), &d, 1)
        case .string:
            throw Program.CompileError.unsupported(rule: rule, what: "text is only allowed in `in {…}`, `=`/`≠` with a text column, and matches()")
        case .column(let name):
            let c = try column(name, rule: rule)
            guard schema.columns[c].isNumeric else {
                throw Program.CompileError.unsupported(rule: rule, what: "column `\(name)` is not a number here")
            }
            push(&t, .cell(Int32(c)), &d, 1)
        case .prev(let name):
            let c = try column(name, rule: rule)
            let k = slot(&prevColumns, c)
            push(&t, .prev(k, column: Int32(c)), &d, 1)
        case .childSum(let name):
            let c = try column(name, rule: rule)
            let k = slot(&childColumns, c)
            push(&t, .child(k, column: Int32(c)), &d, 1)
        case .childCount:
            push(&t, .childCount, &d, 1)
        case .standard(let p):
            guard let i = schema.programme(p) else { throw Program.CompileError.unsupported(rule: rule, what: "unknown programme `\(p)`") }
            push(&t, .std(Int32(i)), &d, 1)
        case .aggregate(let fn, let name, let group, let rm):
            let c = try column(name, rule: rule)
            let g = try group.map { try column($0, rule: rule) }
            let a = Aggregate(fn: fn, column: c, group: g, ignoreMissing: rm)
            let k = aggregates.firstIndex(of: a) ?? {
                aggregates.append(a)
                return aggregates.count - 1
            }()
            push(&t, .agg(Int32(k)), &d, 1)
        case .isUnique(let cols):
            let cs = try cols.map { try column($0, rule: rule) }
            let k = uniques.firstIndex(of: cs) ?? {
                uniques.append(cs)
                return uniques.count - 1
            }()
            push(&t, .unique(Int32(k)), &d, 1)
        case .isMissing(let x):
            switch x {
            case .column(let name): push(&t, .missing(Int32(try column(name, rule: rule))), &d, 1)
            case .prev(let name):
                let c = try column(name, rule: rule)
                let k = slot(&prevColumns, c)
                push(&t, .missingPrev(k, column: Int32(c)), &d, 1)
            default: throw Program.CompileError.unsupported(rule: rule, what: "is_missing() takes a column")
            }
        case .matches(let name, let pattern):
            let c = try column(name, rule: rule)
            tables.regexes.append(pattern)
            push(&t, .matches(Int32(c), regex: Int32(tables.regexes.count - 1)), &d, 1)
        case .inSet(let x, let set):
            if case .column(let name) = x, let c = schema.index(of: name), !schema.columns[c].isNumeric {
                let texts = set.compactMap { if case .string(let s) = $0 { s } else if case .number(let n) = $0 { n.description } else { nil } }
                if case .category(let values) = schema.columns[c].type {
                    var mask: UInt64 = 0
                    for s in texts {
                        guard let k = values.firstIndex(of: s), k < 64 else {
                            throw Program.CompileError.unsupported(rule: rule, what: "\"\(s)\" is not a value of `\(name)` (or beyond the 64th)")
                        }
                        mask |= 1 << UInt64(k)
                    }
                    push(&t, .inCategory(Int32(c), mask: mask), &d, 1)
                } else {
                    tables.textSets.append(Set(texts))
                    push(&t, .inText(Int32(c), set: Int32(tables.textSets.count - 1)), &d, 1)
                }
                return
            }
            try emit(x, &t, &d, rule: rule)
            var points: [FixedInterval] = []
            for s in set {
                guard case .number(let n) = s, let v = Fixed.scaled(n) else {
                    throw Program.CompileError.unsupported(rule: rule, what: "a set for a number holds numbers")
                }
                points.append(FixedInterval(point: v))
            }
            tables.numberSets.append(points)
            push(&t, .inNumbers(Int32(tables.numberSets.count - 1)), &d, 0)
        case .unary(.negate, let x):
            try emit(x, &t, &d, rule: rule)
            push(&t, .neg, &d, 0)
        case .unary(.not, let x):
            try emit(x, &t, &d, rule: rule)
            push(&t, .not, &d, 0)
        case .binary(let op, let a, let b):
            try emit(a, &t, &d, rule: rule)
            try emit(b, &t, &d, rule: rule)
            let i: Instr = switch op {
            case .add: .add
            case .sub: .sub
            case .mul: .mul
            case .div: .div
            case .and: .and
            case .or: .or
            case .implies: .implies
            }
            push(&t, i, &d, -1)
        case .compare(let ops, let es):
            // Text equality: a text column against a quoted text.
            if es.count == 2, ops.count == 1, ops[0] == .eq || ops[0] == .ne {
                var col: String?, text: String?
                if case .column(let c) = es[0], case .string(let s) = es[1] { (col, text) = (c, s) }
                if case .column(let c) = es[1], case .string(let s) = es[0] { (col, text) = (c, s) }
                if let col, let text {
                    let c = try column(col, rule: rule)
                    tables.texts.append(text)
                    push(&t, .textEquals(Int32(c), text: Int32(tables.texts.count - 1), negate: ops[0] == .ne), &d, 1)
                    return
                }
            }
            for (k, op) in ops.enumerated() {
                try emit(es[k], &t, &d, rule: rule)
                try emit(es[k + 1], &t, &d, rule: rule)
                push(&t, .cmp(op), &d, -1)
                if k > 0 { push(&t, .and, &d, -1) }
            }
        case .call(let f, let args):
            if f == .round {
                try emit(args[0], &t, &d, rule: rule)
                var digits = 0
                if args.count == 2, case .number(let n) = args[1], let k = Int(exactly: n) { digits = k }
                push(&t, .round(Int32(digits)), &d, 0)
                return
            }
            for a in args { try emit(a, &t, &d, rule: rule) }
            switch f {
            case .abs: push(&t, .abs, &d, 0)
            case .min: push(&t, .min(Int32(args.count)), &d, 1 - args.count)
            case .max: push(&t, .max(Int32(args.count)), &d, 1 - args.count)
            case .round: break
            }
        }
    }
}
