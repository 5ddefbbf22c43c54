/// A growable array in fixed blocks of 65,536 elements: appending never copies what is stored
/// and never reserves more than one block ahead, so a table of millions of unit-periods costs
/// what it holds (a Swift `Array` doubles: up to twice the memory, and three times while it
/// grows).
///
/// - Complexity: O(1) append and subscript; memory O(count) plus at most one block.
struct Chunked<Element: BitwiseCopyable>: ~Copyable {
    private static var shift: Int { 16 }
    private static var blockSize: Int { 1 << shift }
    private var blocks: [UnsafeMutablePointer<Element>] = []
    private(set) var count = 0

    init() {}

    /// Frees the blocks now, before the `Chunked` itself goes (a checker's state freed early).
    mutating func release() {
        for b in blocks { b.deallocate() }
        blocks = []
        count = 0
    }

    /// A `Chunked` cannot be copied, so its blocks go with it.
    deinit {
        for b in blocks { b.deallocate() }
    }

    /// Bytes reserved.
    var reservedBytes: Int { blocks.count * Self.blockSize * MemoryLayout<Element>.stride }

    @inline(__always)
    mutating func append(_ e: Element) {
        if count & (Self.blockSize - 1) == 0 && count >> Self.shift == blocks.count {
            blocks.append(.allocate(capacity: Self.blockSize))
        }
        blocks[count >> Self.shift][count & (Self.blockSize - 1)] = e
        count += 1
    }

    @inline(__always)
    mutating func append(repeating e: Element, count n: Int) {
        for _ in 0..<n { append(e) }
    }

    @inline(__always)
    subscript(_ i: Int) -> Element {
        get { blocks[i >> Self.shift][i & (Self.blockSize - 1)] }
        nonmutating set { blocks[i >> Self.shift][i & (Self.blockSize - 1)] = newValue }
    }
}

/// A reported cell in 8 bytes, for the state kept per unit-period and per waiting row: the state
/// in 2 bits, the exponent (−31…31) in 6, the mantissa in 56. A figure that does not fit (a
/// mantissa beyond ±3.6 × 10¹⁶, or an exponent beyond ±31) is kept whole in a side list and the
/// packed word points at it, so nothing is ever rounded or lost.
///
/// - Complexity: O(1) pack and unpack; memory 8 bytes a cell, plus 16 for each that does not fit.
struct PackedCells: ~Copyable {
    private var words = Chunked<UInt64>()
    private var wide: [Cell] = []
    private static let wideExponent: UInt64 = 63

    var count: Int { words.count }

    mutating func release() {
        words.release()
        wide = []
    }

    mutating func append(_ c: Cell) { words.append(pack(c)) }

    subscript(_ i: Int) -> Cell { unpack(words[i]) }

    private mutating func pack(_ c: Cell) -> UInt64 {
        let state = UInt64(c.state.rawValue)
        guard c.state == .number else { return state }
        let e = Int(c.exponent)
        let limit: Int64 = 1 << 55
        if e >= -31 && e <= 31 && c.mantissa >= -limit && c.mantissa < limit {
            return UInt64(bitPattern: c.mantissa << 8) | UInt64(e + 31) << 2 | state
        }
        wide.append(c)
        return UInt64(wide.count - 1) << 8 | Self.wideExponent << 2 | state
    }

    @inline(__always)
    private func unpack(_ w: UInt64) -> Cell {
        let state = Cell.State(rawValue: UInt8(w & 3)) ?? .invalid
        guard state == .number else { return Cell(mantissa: 0, exponent: 0, state: state) }
        let e = (w >> 2) & 63
        if e == Self.wideExponent { return wide[Int(w >> 8)] }
        return Cell(mantissa: Int64(bitPattern: w) >> 8, exponent: Int16(Int(e) - 31), state: .number)
    }
}

/// The first name each unit was reported with, by the unit's packed key: the bytes in blocks,
/// an end offset a unit, the keys in a ``SlotMap`` — about 30 bytes a unit, a third of a
/// `[String: String]`'s.
///
/// - Complexity: O(1) expected per add; memory O(units + name bytes).
struct NameStore: ~Copyable {
    private var index = SlotMap(capacity: 16)
    private var bytes = Chunked<UInt8>()
    private var ends = Chunked<UInt64>()
    /// The slot of the unit named by the last `add`: rows list a period's units in the order the
    /// period before did, so the next unit's slot is most often the one after (checked against
    /// its key: no hash lookup in a table of every unit, whose buckets miss the cache).
    private var lastSlot = -1

    var count: Int { index.count }

    func contains(_ unit: UInt64) -> Bool { index[unit] != nil }

    /// Keeps `name` for `unit` unless the unit has one.
    mutating func add(_ unit: UInt64, _ name: String) {
        let guess = lastSlot + 1
        if guess < index.count, index.key(guess) == unit {
            lastSlot = guess
            return
        }
        if let s = index[unit] {
            lastSlot = Int(s)
            return
        }
        lastSlot = Int(index.insert(unit))
        var n = name
        n.withUTF8 { for b in $0 { bytes.append(b) } }
        ends.append(UInt64(bytes.count))
    }

    /// The name kept for `unit`.
    func name(_ unit: UInt64) -> String? {
        guard let s = index[unit] else { return nil }
        let start = s > 0 ? Int(ends[Int(s) - 1]) : 0, end = Int(ends[Int(s)])
        var buffer: [UInt8] = []
        buffer.reserveCapacity(end - start)
        for i in start..<end { buffer.append(bytes[i]) }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Every unit's key and name, in the order first named.
    func forEach(_ body: (UInt64, String) -> Void) {
        var start = 0
        var buffer: [UInt8] = []
        for s in 0..<index.count {
            let end = Int(ends[s])
            buffer.removeAll(keepingCapacity: true)
            for i in start..<end { buffer.append(bytes[i]) }
            body(index.key(s), String(decoding: buffer, as: UTF8.self))
            start = end
        }
    }

    mutating func release() {
        index.release()
        bytes.release()
        ends.release()
    }

    /// This store, handed on whole; an empty one left in its place.
    mutating func take() -> NameStore {
        let whole = self
        self = NameStore()
        return whole
    }
}

/// A reported cell in 4 bytes, for the previous-period figures kept per unit-period (counts,
/// most of them small whole numbers): the state in 2 bits, then a whole number (exponent 0) of
/// up to ±2²⁸ in 29 bits, or — bit 2 set — the index of the cell kept whole in a side list. No
/// figure is rounded; the side list grows only with figures that are not small whole numbers.
///
/// - Complexity: O(1) pack and unpack; memory 4 bytes a cell, plus 16 for each that does not fit
///   (past 2²⁹ − 1 of those, kept by position in a dictionary).
struct SmallCells: ~Copyable {
    private var words = Chunked<UInt32>()
    private var wide: [Cell] = []

    var count: Int { words.count }

    mutating func release() {
        words.release()
        wide = []
        far = [:]
    }

    mutating func append(_ c: Cell) {
        let state = UInt32(c.state.rawValue)
        guard c.state == .number else { words.append(state); return }
        let limit: Int64 = 1 << 28
        if c.exponent == 0 && c.mantissa >= -limit && c.mantissa < limit {
            words.append(UInt32(bitPattern: Int32(truncatingIfNeeded: c.mantissa) << 3) | state)
            return
        }
        if wide.count < Self.farMarker {
            wide.append(c)
            words.append(UInt32(wide.count - 1) << 3 | 4 | state)
        } else {
            // Past 2²⁹ − 1 such figures the index no longer fits: kept by position instead.
            far[words.count] = c
            words.append(UInt32(Self.farMarker) << 3 | 4 | state)
        }
    }

    private static let farMarker = (1 << 29) - 1
    private var far: [Int: Cell] = [:]

    @inline(__always)
    subscript(_ i: Int) -> Cell {
        let w = words[i]
        let state = Cell.State(rawValue: UInt8(w & 3)) ?? .invalid
        guard state == .number else { return Cell(mantissa: 0, exponent: 0, state: state) }
        if w & 4 != 0 {
            let k = Int(w >> 3)
            return k == Self.farMarker ? far[i] ?? .invalid : wide[k]
        }
        return Cell(mantissa: Int64(Int32(bitPattern: w) >> 3), exponent: 0, state: .number)
    }
}

/// The names of the units read (`unit code → name`), as reports look them up: kept compactly
/// (a ``NameStore`` shared, never copied) rather than as a dictionary of millions of strings.
/// Names set by hand (reporters' tests) are kept beside it.
public struct UnitNames: Sendable, ExpressibleByDictionaryLiteral {
    final class Table: @unchecked Sendable {
        var store: NameStore
        init(_ store: consuming NameStore) { self.store = store }
    }
    private var table: Table?
    private var extra: [String: String] = [:]

    public init() {}
    public init(dictionaryLiteral elements: (String, String)...) {
        for (k, v) in elements { extra[k] = v }
    }
    init(store: consuming NameStore) { table = Table(store) }

    public subscript(code: String) -> String? {
        get {
            if let n = extra[code] { return n }
            guard let table, code.utf8.count == 12, code.utf8.allSatisfy({ $0 &- 0x30 < 10 }) else { return nil }
            return table.store.name(KeyPacker.codeValue(UnitCode(code: code)) << 15)
        }
        set { extra[code] = newValue }
    }
}
