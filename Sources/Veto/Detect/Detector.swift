import VetoStats

/// One row as the detectors see it: its cells and its place in the hierarchy, units and periods
/// interned to small integers by ``Detectors``. Only the first row of a unit-period is fed (a
/// repeated or restated row is the checker's finding, not new data).
struct DetectorRow {
    var cells: UnsafePointer<Cell>
    /// Interned unit, its parent and its county (−1: none).
    var unit: Int32
    var parent: Int32
    var county: Int32
    /// Interned period (−1: the table has no period).
    var period: Int32
    var periodValue: Period?
    var level: UnitCode.Level?
    var input: Int32
    var line: Int32
    /// The dense index of the row's group-period for each grouping (parent, county, the whole
    /// table), shared by every detector (``GroupPeriodTable``).
    var groupPeriods: (parent: Int32, county: Int32, all: Int32)

    /// The group this row is pooled in: −1 is the whole table.
    func group(_ g: DetectorSpec.Grouping) -> Int32 {
        switch g {
        case .parent: parent
        case .county: county
        case .all: -1
        }
    }

    /// The index of (``group(_:)``, period) among the run's group-periods.
    func groupPeriod(_ g: DetectorSpec.Grouping) -> Int32 {
        switch g {
        case .parent: groupPeriods.parent
        case .county: groupPeriods.county
        case .all: groupPeriods.all
        }
    }

    /// The cell of column `c` as a whole number, nil when not reported, unreadable, fractional,
    /// or beyond ±2⁴⁰ (about 1.1 × 10¹²: no count or amount of a unit the detectors model; the
    /// rules still check such a figure). The bound keeps every detector's sums far from
    /// overflow; ``Detectors/sum(_:_:)`` saturates the sums of very many such figures.
    func int(_ c: Int) -> Int64? {
        guard let v = Detectors.integer(cells[c]), v.magnitude <= Self.largest else { return nil }
        return v
    }

    static let largest: UInt64 = 1 << 40
}

/// One statistical test a detector ran on one unit (or one unit-period): its p-value, whether
/// the effect is large enough to count towards a `veto`, and the words that say what it saw.
struct DetectorTest {
    var kind: String
    /// Tests of one family share data (their p-values are combined by Cauchy); different
    /// families are independent given the figures they condition on (combined by Fisher).
    var family: String
    /// The unit the test is about (interned; −1: the whole table) and its period (−1: all).
    var unit: Int32
    var period: Int32
    /// Another unit the finding is about (a copied row's source), whose verdict it raises too.
    var alsoUnit: Int32 = -1
    var alsoLine: Int32 = -1
    /// nil for a detector that points without a test (period-outlier, implied-standard): its
    /// finding has the fixed `severity` and takes no part in the evidence.
    var pValue: Double?
    var severity: Severity = .info
    /// The effect-size gate of FORENSICS.md §5 (observed/expected ≥ 2, D/(k−1) < 0.3, …).
    var effect: Bool
    var fields: [String]
    var expected: String?
    var actual: String?
    var input: Int32 = -1
    var line: Int32 = -1
    /// A digit test's counts, for the report's charts.
    var digits: DigitDistribution?
    /// What was seen, in both languages, without the verdict words (the hub adds those); written
    /// only for the tests that become findings or lead a unit's evidence (most never do: a run
    /// makes tens of thousands of tests).
    var message: Message {
        get { describe() }
        set { describe = { newValue } }
    }
    private var describe: () -> Message

    init(kind: String, family: String, unit: Int32, period: Int32, alsoUnit: Int32 = -1, alsoLine: Int32 = -1,
         pValue: Double?, severity: Severity = .info, effect: Bool, fields: [String], expected: String?, actual: String?,
         input: Int32 = -1, line: Int32 = -1, message: @autoclosure @escaping () -> Message) {
        (self.kind, self.family, self.unit, self.period, self.alsoUnit, self.alsoLine) = (kind, family, unit, period, alsoUnit, alsoLine)
        (self.pValue, self.severity, self.effect, self.fields, self.expected, self.actual) = (pValue, severity, effect, fields, expected, actual)
        (self.input, self.line, self.describe) = (input, line, message)
    }
}

/// Why a detector did not run somewhere: one line per detector and column, with how many
/// groups it concerns ("not applicable in 12 of 14 townships, because …").
public struct DetectorNote: Sendable, Equatable {
    public var id: String
    public var fields: [String]
    public var message: Message
}

/// What the hub calls per row: a class, so that it can call each detector without retaining it
/// (``Detectors`` holds them; a protocol existential is retained and released around each call,
/// two atomic operations, a dozen times a row).
class RowHook {
    /// A row of a unit-period (its first row), in input order.
    func row(_ r: DetectorRow) {}
}

/// A streaming detector: fed rows (``RowHook/row(_:)``), finished once. State is bounded by
/// units, groups and periods (each says its bound), never by the rows' cells.
protocol Detector: RowHook {
    var spec: DetectorSpec { get }
    func finish(_ context: DetectorContext) -> (tests: [DetectorTest], notes: [DetectorNote])
    /// Tests run whose outcome is p = 1 and not listed (a comparison that found no match, a count
    /// that is not zero): they count in the multiplicity correction.
    var untested: Int { get }
}

/// What detectors may ask at the end: names of interned units and periods, the run's order of
/// periods.
struct DetectorContext {
    var units: [String]
    var periods: [Period?]
    var levels: [UnitCode.Level?]
    /// By group-period index (``DetectorRow/groupPeriod(_:)``): its ``groupPeriodKey(_:_:)``.
    var groupPeriodKeys: [UInt64] = []
    func unitName(_ u: Int32) -> String { u >= 0 && Int(u) < units.count ? units[Int(u)] : "*" }
    func periodName(_ p: Int32) -> String { p >= 0 && Int(p) < periods.count ? periods[Int(p)]?.description ?? "" : "" }
    /// A group's children, in words ("villages", "townships", "units").
    func childWord(_ g: Int32, _ lang: Language) -> String {
        guard g >= 0, Int(g) < levels.count, let l = levels[Int(g)] else { return lang == .zh ? "个单位" : "units" }
        switch l {
        case .township: return lang == .zh ? "个村（社区）" : "villages"
        case .county: return lang == .zh ? "个乡镇" : "townships"
        default: return lang == .zh ? "个下级单位" : "units"
        }
    }
}

/// Plain-words numbers for messages (no Foundation): p-values as 3e-14 or 0.012, counts as
/// "about 31".
enum Words {
    static func p(_ p: Double) -> String {
        guard p.isFinite else { return "\(p)" }
        if p <= 0 { return "<1e-300" }
        if p >= 0.001 { return fixed(p, sig: 2) }
        var e = 0, m = p
        while m < 1 { m *= 10; e += 1 }
        var r = Int(m.rounded())
        if r == 10 { r = 1; e -= 1 }
        return "\(r)e-\(e)"
    }

    /// `x` to `sig` significant digits, fixed notation (at most 12 decimals; past 9·10¹⁸ in
    /// Swift's own notation). Written digit by digit into one buffer: a run's messages call it
    /// thousands of times.
    static func fixed(_ x: Double, sig: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        if x == 0 { return "0" }
        var digits = 0, m = abs(x)
        let least = pow10(sig - 1)
        while m < least && digits < 12 { m *= 10; digits += 1 }
        let scaled = (abs(x) * pow10(digits)).rounded()
        guard scaled < 9e18 else { return "\(x)" }
        var v = UInt64(scaled)
        // Sign, up to 19 digits, a point and the zeros before a small value's digits: 40 bytes.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buf in
            var end = 40, written = 0
            // Digits from the right; at least `digits` + 1 of them (the zero before the point).
            var fraction = digits, trailing = true
            while v > 0 || written <= digits {
                let d = UInt8(v % 10)
                v /= 10
                if fraction > 0 && trailing && d == 0 {
                    fraction -= 1          // a trailing zero of the fraction: dropped
                } else {
                    trailing = false
                    end -= 1
                    buf[end] = 0x30 + d
                }
                written += 1
                if written == digits && fraction > 0 {
                    end -= 1
                    buf[end] = UInt8(ascii: ".")
                }
            }
            if x < 0 { end -= 1; buf[end] = UInt8(ascii: "-") }
            return String(decoding: UnsafeBufferPointer(rebasing: buf[end..<40]), as: UTF8.self)
        }
    }

    static func pow10(_ k: Int) -> Double {
        var r = 1.0
        for _ in 0..<max(0, k) { r *= 10 }
        return r
    }

    /// An expected count: whole above 10, one decimal below.
    static func count(_ x: Double) -> String { x >= 10 ? "\(Int(x.rounded()))" : fixed(x, sig: 2) }

    static func percent(_ x: Double) -> String { fixed(100 * x, sig: 2) + "%" }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}

/// State kept per group-period only while its rows come: input lists a township's villages
/// together (a file per period, each township followed by its villages), so a group-period that
/// has not been fed for `capacity` other group-periods is finished and dropped. Memory stays
/// O(capacity), not O(unit-periods); a group-period whose rows come back after that is finished
/// again as a new, smaller group (documented where it is used).
struct InFlight<Value> {
    private var index: [UInt64: Int] = [:]
    private var keys: [UInt64] = []
    private var values: [Value?] = []
    private var ticks: [Int] = []
    private var free: [Int] = []
    private var tick = 0
    /// The last key updated and its place: rows come group by group, so most updates are to the
    /// key of the row before, found without hashing.
    private var lastKey: UInt64 = 0, lastIndex = -1
    let capacity: Int

    init(capacity: Int = 512) { self.capacity = capacity }

    /// The value of `key` to update, created by `make` when absent; finishes the oldest half
    /// with `evict` when twice the capacity is in flight. At most one hash lookup per call, none
    /// when the key is the last call's.
    mutating func update(_ key: UInt64, make: () -> Value, evict: (UInt64, Value) -> Void, _ body: (inout Value) -> Void) {
        tick += 1
        let i: Int
        if lastIndex >= 0 && lastKey == key {
            i = lastIndex
        } else if let j = index[key] {
            i = j
        } else {
            if index.count >= 2 * capacity {
                let old = index.values.sorted { ticks[$0] < ticks[$1] }.prefix(capacity)
                for j in old {
                    let k = keys[j]
                    index[k] = nil
                    if let v = values[j] { evict(k, v) }
                    values[j] = nil
                    free.append(j)
                }
            }
            if let j = free.popLast() {
                i = j
                keys[j] = key
                values[j] = make()
            } else {
                i = values.count
                keys.append(key)
                values.append(make())
                ticks.append(0)
            }
            index[key] = i
        }
        (lastKey, lastIndex) = (key, i)
        ticks[i] = tick
        // Taken out while it changes (no copy-on-write), put back after.
        guard var v = values[i] else { return }
        values[i] = nil
        body(&v)
        values[i] = v
    }

    /// Finishes everything still in flight, oldest first.
    mutating func drain(_ evict: (UInt64, Value) -> Void) {
        lastIndex = -1
        for j in index.values.sorted(by: { ticks[$0] < ticks[$1] }) {
            if let v = values[j] { evict(keys[j], v) }
        }
        index = [:]
        keys = []
        values = []
        ticks = []
        free = []
    }
}

/// Whole numbers kept in 4 bytes each, exactly: `Int64.min` (a detector's "not reported") and
/// values past 32 bits are marked and the latter kept in a side map. A unit's previous-period
/// figures cost 4 bytes each, not 8.
///
/// - Complexity: O(1) per access; memory 4 bytes per value plus the values past 32 bits.
struct NarrowInts {
    private var cells: [Int32] = []
    private var wide: [Int: Int64] = [:]
    private static let absent = Int32.min, far = Int32.min + 1

    var count: Int { cells.count }

    mutating func append(repeating value: Int64, count n: Int) {
        for _ in 0..<n {
            cells.append(Self.absent)
            self[cells.count - 1] = value
        }
    }

    subscript(_ i: Int) -> Int64 {
        get {
            let c = cells[i]
            if c == Self.absent { return .min }
            if c == Self.far { return wide[i] ?? .min }
            return Int64(c)
        }
        set {
            if cells[i] == Self.far { wide[i] = nil }
            if newValue == .min {
                cells[i] = Self.absent
            } else if newValue > Int64(Self.far), newValue <= Int64(Int32.max) {
                cells[i] = Int32(newValue)
            } else {
                cells[i] = Self.far
                wide[i] = newValue
            }
        }
    }
}

/// A detector's values per group-period, in an array by the hub's group-period index
/// (``DetectorRow/groupPeriod(_:)``): no key and no hash table per detector and column. An entry
/// exists once a row has updated it.
///
/// - Complexity: O(1) per update; memory O(group-periods of the run) values and a byte each.
struct GroupPeriodTable<Value> {
    private var values: [Value] = []
    private var present: [Bool] = []
    private let initial: Value

    init(_ initial: Value) { self.initial = initial }

    @inline(__always)
    mutating func update(_ index: Int32, _ body: (inout Value) -> Void) {
        let i = Int(index)
        guard i >= 0 else { return }
        if i >= values.count {
            let n = i + 1 - values.count
            values.append(contentsOf: repeatElement(initial, count: n))
            present.append(contentsOf: repeatElement(false, count: n))
        }
        present[i] = true
        body(&values[i])
    }

    /// The entries by group-period key (group, then period), the order of a dictionary's entries
    /// sorted by key.
    func sorted(keys: [UInt64]) -> [(key: UInt64, value: Value)] {
        var out: [(key: UInt64, value: Value)] = []
        for i in values.indices where present[i] && i < keys.count { out.append((keys[i], values[i])) }
        out.sort { $0.key < $1.key }
        return out
    }
}

/// The entry of the key a row updated last, found again without hashing: rows come group by
/// group, so consecutive rows update the same group-period's entry. A dictionary index stays
/// valid until the dictionary gains or loses a key, and only ``update(_:in:default:_:)`` inserts
/// (a dictionary used with one must change only through it while rows are fed).
///
/// - Complexity: O(1); one hash lookup when the key changes (two when it is new).
struct LastEntry<Key: Hashable, Value> {
    private var key: Key?
    private var index: Dictionary<Key, Value>.Index?

    @inline(__always)
    mutating func update(_ key: Key, in dict: inout [Key: Value], default initial: @autoclosure () -> Value,
                         _ body: (inout Value) -> Void) {
        if self.key != key || index == nil {
            if let j = dict.index(forKey: key) {
                index = j
            } else {
                dict[key] = initial()
                index = dict.index(forKey: key)
            }
            self.key = key
        }
        guard let i = index else { return }
        body(&dict.values[i])
    }
}
