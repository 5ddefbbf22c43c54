// Rules compiled once: an expression becomes a tape of instructions over column indices, run on a
// preallocated stack of exact intervals. Evaluation touches no strings and allocates nothing per
// row (text tests — `matches`, `in` on text — read the record's bytes). Missing values follow
// Kleene's three-valued logic, as R `validate` does: `unknown or true` is true, `unknown and
// false` is false, so a rule is "not checked" only when its outcome depends on a missing figure.

/// Why a value is unknown: the rule is "not checked", never "passed".
public enum UnknownReason: Sendable, Equatable {
    case none
    /// A figure of the row is absent, not reported or unreadable (schema column index).
    case missing(Int)
    /// The previous period's figure is not reported.
    case missingPrevious(Int)
    case noPrevious
    case noChildren
    /// A child unit's figure is missing (schema column index).
    case missingChild(Int)
    case noStandard(Int)
    case divisionByZero
    /// Exact arithmetic would leave the range veto computes in (about ±10²⁶ with 12 decimals).
    case overflow
    /// A figure written with more than 11 decimals.
    case precision
    case noGroup
}

/// One instruction. Columns are schema indices; prev, child and aggregate slots index the
/// compact state the checker keeps for them.
enum Instr: Sendable {
    case cell(Int32)
    case prev(Int32, column: Int32)
    case child(Int32, column: Int32)
    case childCount
    case const(FixedInterval)
    case std(Int32)
    case agg(Int32)
    case neg, add, sub, mul, div, abs
    case min(Int32), max(Int32)
    case round(Int32)
    case cmp(Expr.CompareOp)
    case and, or, not, implies
    case missing(Int32)
    case missingPrev(Int32, column: Int32)
    /// x in the constant points `set` (precision-aware: holds when x may equal one of them).
    case inNumbers(Int32)
    case inCategory(Int32, mask: UInt64)
    case inText(Int32, set: Int32)
    case textEquals(Int32, text: Int32, negate: Bool)
    case matches(Int32, regex: Int32)
    case unique(Int32)
}

/// A stack slot: a number interval, a truth value, or unknown.
struct Slot {
    enum Tag: UInt8 { case number, unknown, yes, no }
    var v: FixedInterval
    var tag: Tag

    static let unknown = Slot(v: FixedInterval(point: 0), tag: .unknown)
    static let yes = Slot(v: FixedInterval(point: 0), tag: .yes)
    static let no = Slot(v: FixedInterval(point: 0), tag: .no)
    static func truth(_ b: Bool) -> Slot { b ? .yes : .no }
}

/// What a row's evaluation asks for beyond its cells: a programme's standard for the row's
/// period and region, a text column's value. One per checker (or per slow-path context), reset
/// per row; referenced unowned from frames so that passing a frame costs no reference counting.
final class FrameServices {
    var code = ""
    var period: Period?
    var standards = StandardsTable()
    var programmes: [String] = []
    private var cache: [ExactDecimal??] = []
    /// The standards in units of 10⁻¹² (nil inside: none, or not representable).
    private var scaledCache: [Int128??] = []
    /// Whether a standard depends on the unit's region (else only on the period, and the cache
    /// lives as long as the period does).
    private var regional = false
    var text: (Int) -> String = { _ in "" }

    init(standards: StandardsTable, programmes: [String]) {
        self.standards = standards
        self.programmes = programmes
        cache = Array(repeating: nil, count: programmes.count)
        scaledCache = cache.map { _ in nil }
        regional = standards.standards.contains { !$0.region.isEmpty }
    }

    func reset(code: String, period: Period?) {
        self.code = code
        if regional || period != self.period {
            for i in cache.indices where cache[i] != nil { cache[i] = nil }
            for i in scaledCache.indices where scaledCache[i] != nil { scaledCache[i] = nil }
        }
        self.period = period
    }

    func standard(_ p: Int) -> ExactDecimal? {
        guard p < cache.count else { return nil }
        if let cached = cache[p] { return cached }
        guard let period else { return nil }
        let s = standards.lookup(programmes[p], period: period, code: code)?.amount(for: period)
        cache[p] = .some(s)
        return s
    }

    /// `standard(p)` in units of 10⁻¹²; nil: no standard, or one finer than 10⁻¹².
    func scaledStandard(_ p: Int) -> Int128? {
        guard p < scaledCache.count else { return nil }
        if let cached = scaledCache[p] { return cached }
        let v = standard(p).flatMap { Fixed.scaled($0) }
        scaledCache[p] = .some(v)
        return v
    }
}

/// What a tape reads, for one row: its cells, the compact previous-period and child state,
/// standards, aggregates and the record (for text). Built by the checker; pointers are borrowed.
struct Frame {
    var cells: UnsafePointer<Cell>
    /// Per schema column: bit 0 exact point for integers (count), bit 1 rate (zero keeps its
    /// precision), bit 2 exact (written digits exact).
    var flags: UnsafePointer<UInt8>
    var prevKnown = false
    var prev: UnsafePointer<Cell>?
    var childCount = 0
    var childrenKnown = false
    var childSums: UnsafePointer<FixedInterval>?
    var childMissing: UnsafePointer<Bool>?
    var aggregates: UnsafePointer<Slot>?
    var unique: UnsafePointer<Bool>?
    /// Not retained (its owner keeps it alive while the frame is used), and called through
    /// `_withUnsafeGuaranteedRef`: a class reference read out of the frame, even an
    /// `unowned(unsafe)` one, was retained and released around each call, per standard looked up.
    private let services: Unmanaged<FrameServices>

    init(cells: UnsafePointer<Cell>, flags: UnsafePointer<UInt8>, services: FrameServices) {
        self.cells = cells
        self.flags = flags
        self.services = .passUnretained(services)
    }

    /// ``FrameServices/standard(_:)``.
    @inline(__always) func standard(_ p: Int) -> ExactDecimal? { services._withUnsafeGuaranteedRef { $0.standard(p) } }
    /// ``FrameServices/scaledStandard(_:)``.
    @inline(__always) func scaledStandard(_ p: Int) -> Int128? { services._withUnsafeGuaranteedRef { $0.scaledStandard(p) } }
    /// The row's text in column `c`.
    @inline(__always) func text(_ c: Int) -> String { services._withUnsafeGuaranteedRef { $0.text(c) } }
}

enum ColumnFlag {
    static let integerExact: UInt8 = 1
    static let rate: UInt8 = 2
    static let exact: UInt8 = 4
}

/// The interval a reported cell stands for (SPEC.md "Precision-aware comparison"), in units of
/// 10⁻¹²; nil when it cannot be represented (more than 11 decimals, or too large).
@inline(__always)
func cellInterval(_ c: Cell, flags: UInt8) -> FixedInterval? {
    let e = Int(c.exponent)
    guard let v = Fixed.scaled(c.mantissa, e) else { return nil }
    if flags & ColumnFlag.exact != 0 { return FixedInterval(point: v) }
    if flags & ColumnFlag.integerExact != 0 && e <= 0 { return FixedInterval(point: v) }
    if c.mantissa == 0 && flags & ColumnFlag.rate == 0 { return FixedInterval(point: 0) }
    let k = e - 1 + FixedInterval.scale
    guard k >= 0, k <= 37 else { return nil }
    let half = 5 * Fixed.pow10[k]
    guard let lo = Fixed.sub(v, half), let hi = Fixed.add(v, half) else { return nil }
    return FixedInterval(lo: lo, hi: hi)
}

/// Constant sets, texts and patterns instructions refer to (rarely read; one per program).
final class TapeTables: @unchecked Sendable {
    var numberSets: [[FixedInterval]] = []
    var textSets: [Set<String>] = []
    var texts: [String] = []
    var regexes: [String] = []

    func copy() -> TapeTables {
        let t = TapeTables()
        (t.numberSets, t.textSets, t.texts, t.regexes) = (numberSets, textSets, texts, regexes)
        return t
    }
}

/// The instructions of one compiled expression, allocated once and never changed.
final class TapeStorage: @unchecked Sendable {
    let code: UnsafeMutableBufferPointer<Instr>
    init(_ instructions: [Instr]) {
        code = .allocate(capacity: max(1, instructions.count))
        _ = code.initialize(from: instructions)
    }
    deinit { code.deallocate() }
}

/// A compiled expression: a view of its instructions. Plain data (no reference counting when
/// copied or passed); whoever compiled it keeps its storage and tables alive.
struct Tape: @unchecked Sendable {
    let code: UnsafeBufferPointer<Instr>
    let maxDepth: Int
    unowned(unsafe) let tables: TapeTables
}

/// Runs tapes. One per thread: it owns the stack.
final class TapeMachine {
    private var stack: UnsafeMutablePointer<Slot>
    private var capacity: Int
    /// Why the last value was unknown (the first cause met).
    private(set) var reason: UnknownReason = .none
    private var regexCache: [String: Regex<AnyRegexOutput>] = [:]

    init(capacity: Int = 64) {
        self.capacity = capacity
        stack = .allocate(capacity: capacity)
    }

    deinit { stack.deallocate() }

    private func grow(_ n: Int) {
        let s = UnsafeMutablePointer<Slot>.allocate(capacity: n)
        stack.deallocate()
        stack = s
        capacity = n
    }

    @inline(__always) private func unknown(_ r: UnknownReason) -> Slot {
        if reason == .none { reason = r }
        return .unknown
    }

    /// Evaluates a condition: true, false or nil (unknown, see `reason`).
    func truth(_ t: Tape, _ f: Frame, tolerance: Int128 = 0) -> Bool? {
        let s = run(t, f, tolerance: tolerance)
        switch s.tag {
        case .yes: return true
        case .no: return false
        default: return nil
        }
    }

    /// Evaluates a number: its interval, or nil (unknown, see `reason`).
    func number(_ t: Tape, _ f: Frame) -> FixedInterval? {
        let s = run(t, f, tolerance: 0)
        return s.tag == .number ? s.v : nil
    }

    func resetReason() { reason = .none }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func run(_ t: Tape, _ f: Frame, tolerance: Int128) -> Slot {
        if t.maxDepth > capacity { grow(t.maxDepth * 2) }
        let st = stack
        var sp = 0
        for ins in t.code {
            switch ins {
            case .cell(let c):
                let cell = f.cells[Int(c)]
                if cell.state == .number {
                    if let v = cellInterval(cell, flags: f.flags[Int(c)]) {
                        st[sp] = Slot(v: v, tag: .number)
                    } else {
                        st[sp] = unknown(.precision)
                    }
                } else {
                    st[sp] = unknown(.missing(Int(c)))
                }
                sp += 1
            case .prev(let k, let c):
                if !f.prevKnown {
                    st[sp] = unknown(.noPrevious)
                } else if let p = f.prev, p[Int(k)].state == .number {
                    st[sp] = cellInterval(p[Int(k)], flags: f.flags[Int(c)]).map { Slot(v: $0, tag: .number) } ?? unknown(.precision)
                } else {
                    st[sp] = unknown(.missingPrevious(Int(c)))
                }
                sp += 1
            case .child(let k, let c):
                if !f.childrenKnown || f.childCount == 0 {
                    st[sp] = unknown(.noChildren)
                } else if let m = f.childMissing, m[Int(k)] {
                    st[sp] = unknown(.missingChild(Int(c)))
                } else if let s = f.childSums {
                    st[sp] = Slot(v: s[Int(k)], tag: .number)
                } else {
                    st[sp] = unknown(.noChildren)
                }
                sp += 1
            case .childCount:
                st[sp] = Slot(v: FixedInterval(point: Int128(f.childCount) * FixedInterval.one), tag: .number)
                sp += 1
            case .const(let v):
                st[sp] = Slot(v: v, tag: .number)
                sp += 1
            case .std(let p):
                if let a = f.standard(Int(p)), let v = Fixed.scaled(a) {
                    st[sp] = Slot(v: FixedInterval(point: v), tag: .number)
                } else {
                    st[sp] = unknown(.noStandard(Int(p)))
                }
                sp += 1
            case .agg(let k):
                st[sp] = f.aggregates?[Int(k)] ?? unknown(.noGroup)
                if st[sp].tag == .unknown { _ = unknown(.noGroup) }
                sp += 1
            case .unique(let k):
                st[sp] = f.unique.map { Slot.truth($0[Int(k)]) } ?? unknown(.noGroup)
                sp += 1
            case .neg:
                let a = st[sp - 1]
                if a.tag == .number {
                    if let lo = Fixed.neg(a.v.hi), let hi = Fixed.neg(a.v.lo) {
                        st[sp - 1].v = FixedInterval(lo: lo, hi: hi)
                    } else {
                        st[sp - 1] = unknown(.overflow)
                    }
                }
            case .add, .sub, .mul, .div:
                let b = st[sp - 1], a = st[sp - 2]
                sp -= 1
                guard a.tag == .number, b.tag == .number else { st[sp - 1] = .unknown; continue }
                let r: FixedInterval?
                switch ins {
                case .add:
                    r = Fixed.add(a.v.lo, b.v.lo).flatMap { lo in Fixed.add(a.v.hi, b.v.hi).map { FixedInterval(lo: lo, hi: $0) } }
                case .sub:
                    r = Fixed.sub(a.v.lo, b.v.hi).flatMap { lo in Fixed.sub(a.v.hi, b.v.lo).map { FixedInterval(lo: lo, hi: $0) } }
                case .mul:
                    r = Fixed.multiply(a.v, b.v)
                default:
                    if b.v.lo <= 0 && b.v.hi >= 0 {
                        st[sp - 1] = unknown(.divisionByZero)
                        continue
                    }
                    r = Fixed.divide(a.v, b.v)
                }
                st[sp - 1] = r.map { Slot(v: $0, tag: .number) } ?? unknown(.overflow)
            case .abs:
                let a = st[sp - 1]
                guard a.tag == .number else { continue }
                if a.v.lo >= 0 { continue }
                if a.v.hi <= 0 {
                    st[sp - 1] = Fixed.neg(a.v.lo).flatMap { hi in Fixed.neg(a.v.hi).map { Slot(v: FixedInterval(lo: $0, hi: hi), tag: .number) } } ?? unknown(.overflow)
                } else {
                    st[sp - 1] = Fixed.neg(a.v.lo).map { Slot(v: FixedInterval(lo: 0, hi: Swift.max($0, a.v.hi)), tag: .number) } ?? unknown(.overflow)
                }
            case .min(let n), .max(let n):
                let isMin: Bool
                if case .min = ins { isMin = true } else { isMin = false }
                let base = sp - Int(n)
                var acc = st[base]
                for i in (base + 1)..<sp {
                    let x = st[i]
                    if acc.tag != .number || x.tag != .number { acc = .unknown; continue }
                    acc.v = isMin
                        ? FixedInterval(lo: Swift.min(acc.v.lo, x.v.lo), hi: Swift.min(acc.v.hi, x.v.hi))
                        : FixedInterval(lo: Swift.max(acc.v.lo, x.v.lo), hi: Swift.max(acc.v.hi, x.v.hi))
                }
                sp = base + 1
                st[base] = acc
            case .round(let d):
                let a = st[sp - 1]
                guard a.tag == .number else { continue }
                if let lo = Fixed.round(a.v.lo, digits: Int(d)), let hi = Fixed.round(a.v.hi, digits: Int(d)) {
                    st[sp - 1].v = FixedInterval(lo: lo, hi: hi)
                } else {
                    st[sp - 1] = unknown(.overflow)
                }
            case .cmp(let op):
                let b = st[sp - 1], a = st[sp - 2]
                sp -= 1
                guard a.tag == .number, b.tag == .number else { st[sp - 1] = .unknown; continue }
                st[sp - 1] = Self.compare(a.v, op, b.v, tolerance: tolerance).map(Slot.truth) ?? unknown(.overflow)
            case .and:
                let b = st[sp - 1].tag, a = st[sp - 2].tag
                sp -= 1
                st[sp - 1] = (a == .no || b == .no) ? .no : ((a == .yes && b == .yes) ? .yes : .unknown)
            case .or:
                let b = st[sp - 1].tag, a = st[sp - 2].tag
                sp -= 1
                st[sp - 1] = (a == .yes || b == .yes) ? .yes : ((a == .no && b == .no) ? .no : .unknown)
            case .implies:
                let b = st[sp - 1].tag, a = st[sp - 2].tag
                sp -= 1
                st[sp - 1] = (a == .no || b == .yes) ? .yes : ((a == .yes && b == .no) ? .no : .unknown)
            case .not:
                let a = st[sp - 1].tag
                st[sp - 1] = a == .yes ? .no : (a == .no ? .yes : .unknown)
            case .missing(let c):
                st[sp] = Slot.truth(f.cells[Int(c)].state != .number)
                sp += 1
            case .missingPrev(let k, _):
                st[sp] = Slot.truth(!f.prevKnown || f.prev.map { $0[Int(k)].state != .number } ?? true)
                sp += 1
            case .inNumbers(let s):
                let x = st[sp - 1]
                guard x.tag == .number else { continue }
                var hit = false
                for p in t.tables.numberSets[Int(s)] where !(x.v.hi < p.lo) && !(p.hi < x.v.lo) { hit = true; break }
                st[sp - 1] = .truth(hit)
            case .inCategory(let c, let mask):
                let cell = f.cells[Int(c)]
                if cell.state == .number {
                    st[sp] = .truth(cell.mantissa >= 0 && cell.mantissa < 64 && mask & (1 << UInt64(cell.mantissa)) != 0)
                } else {
                    st[sp] = unknown(.missing(Int(c)))
                }
                sp += 1
            case .inText(let c, let s):
                let text = f.text(Int(c)).trimmingSpaces
                st[sp] = text.isEmpty ? unknown(.missing(Int(c))) : .truth(t.tables.textSets[Int(s)].contains(text))
                sp += 1
            case .textEquals(let c, let k, let negate):
                let text = f.text(Int(c)).trimmingSpaces
                st[sp] = text.isEmpty ? unknown(.missing(Int(c))) : .truth((text == t.tables.texts[Int(k)]) != negate)
                sp += 1
            case .matches(let c, let k):
                let text = f.text(Int(c))
                if text.isEmpty {
                    st[sp] = unknown(.missing(Int(c)))
                } else {
                    let pattern = t.tables.regexes[Int(k)]
                    let re: Regex<AnyRegexOutput>?
                    if let cached = regexCache[pattern] { re = cached } else {
                        re = try? Regex(pattern)
                        if let re { regexCache[pattern] = re }
                    }
                    st[sp] = re.map { (try? $0.wholeMatch(in: text)) != nil ? .yes : .no } ?? .unknown
                }
                sp += 1
            }
        }
        return sp > 0 ? st[sp - 1] : .unknown
    }

    /// One comparison on intervals of reported precision (an equality holds when they meet);
    /// nil on overflow of the tolerance.
    @inline(__always)
    static func compare(_ a: FixedInterval, _ op: Expr.CompareOp, _ b: FixedInterval, tolerance t: Int128) -> Bool? {
        if t == 0 {
            switch op {
            case .eq: return !(a.hi < b.lo) && !(b.hi < a.lo)
            case .ne: return !(a.isPoint && b.isPoint && a.lo == b.lo)
            case .le: return !(b.hi < a.lo)
            case .lt: return a.lo < b.hi
            case .ge: return !(a.hi < b.lo)
            case .gt: return b.lo < a.hi
            }
        }
        guard let aLo = Fixed.sub(a.lo, t), let aHi = Fixed.add(a.hi, t), let bHi = Fixed.add(b.hi, t) else { return nil }
        switch op {
        case .eq: return !(aHi < b.lo) && !(b.hi < aLo)
        case .ne: return !(a.isPoint && b.isPoint && a.lo == b.lo)
        case .le: return !(bHi < a.lo)
        case .lt: return a.lo < bHi
        case .ge: return !(aHi < b.lo)
        case .gt: return b.lo < aHi
        }
    }
}
