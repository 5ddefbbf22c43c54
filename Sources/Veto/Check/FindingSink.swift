/// Keeps at most `cap` findings, the most severe first, and counts every finding: verdicts, exit
/// code and summary come from the counts, never from what was kept, so a cap can never hide a
/// failure. Notes that would repeat per row (`info` from note rules) are folded into one finding
/// per rule: how many, the range and most common value, a few example locations.
///
/// - Complexity: memory O(cap + note rules × 64 distinct values); O(log 1) per finding.
struct FindingSink {
    let cap: Int
    /// Kept findings by severity (index = Severity.rawValue), in blocks: a run's tens of thousands
    /// of detector findings never sit in an array that doubles (and, while it grows, twice).
    private var kept: [Blocks<Finding>] = [Blocks(), Blocks(), Blocks(), Blocks()]
    private var keptCount = 0
    /// Every finding counted, by severity.
    private(set) var counts = [0, 0, 0, 0]
    /// Findings not kept, by id and severity.
    private(set) var dropped: [String: [Int]] = [:]

    struct NoteGroup {
        var first: Finding
        var count = 0
        var lo: ExactDecimal?
        var hi: ExactDecimal?
        /// How often each value came (the first 64 distinct ones), once `settle()`d.
        private(set) var values: [ExactDecimal: Int] = [:]
        /// The rows shown whole: the first three by input and line, whatever order they came in
        /// (`first` is the first of them).
        var examples: [Finding] = []
        var positions: [Int64] = []
        /// The value the last rows gave and how many in a row: rows give the same implied amount
        /// run after run, and a run costs one comparison per row instead of a hash lookup.
        private var run: ExactDecimal?
        private var runLength = 0

        init(first: Finding) { self.first = first }

        mutating func add(_ value: ExactDecimal?) {
            count += 1
            guard let v = value else { return }
            if let r = run, r == v {
                runLength += 1
                return
            }
            settle()
            lo = lo.map { min($0, v) } ?? v
            hi = hi.map { max($0, v) } ?? v
            run = v
            runLength = 1
        }

        /// Folds the current run into `values`.
        mutating func settle() {
            guard let r = run else { return }
            if values[r] != nil || values.count < 64 { values[r, default: 0] += runLength }
            run = nil
            runLength = 0
        }
    }
    /// Note groups by key (a rule's index, doubled; +1 for its implied-amount note).
    private(set) var notes: [NoteGroup?] = []
    private(set) var noteOrder: [Int] = []

    init(cap: Int, noteKeys: Int = 0) {
        self.cap = max(0, cap)
        notes = Array(repeating: nil, count: noteKeys)
    }

    var worst: Severity? {
        for s in Severity.allCases.reversed() where counts[s.rawValue] > 0 { return s }
        return nil
    }

    var droppedTotal: Int { dropped.values.reduce(0) { $0 + $1.reduce(0, +) } }

    private var sequence = 0

    mutating func add(_ f: Finding) {
        var f = f
        sequence += 1
        f.sequence = sequence
        counts[f.severity.rawValue] += 1
        if keptCount < cap {
            kept[f.severity.rawValue].append(f)
            keptCount += 1
            return
        }
        // Full: a more severe finding takes the place of the newest of the least severe kept.
        for s in 0..<f.severity.rawValue where !kept[s].isEmpty {
            if let out = kept[s].popLast() { drop(out) }
            kept[f.severity.rawValue].append(f)
            return
        }
        drop(f)
    }

    private mutating func drop(_ f: Finding) {
        dropped[f.id, default: [0, 0, 0, 0]][f.severity.rawValue] += 1
    }

    /// A row's place among the inputs, for the order of a note's examples.
    static func position(input: Int, line: Int) -> Int64 { Int64(input) << 40 | Int64(line & 0xFF_FFFF_FFFF) }

    /// Whether the next note of `key`, at `position`, is one of the few shown whole (then pass it
    /// to `note`): one of the first three rows by position.
    func wantsExample(_ key: Int, at position: Int64) -> Bool {
        guard key < notes.count, let g = notes[key] else { return true }
        return g.examples.count < 3 || position < (g.positions.last ?? .max)
    }

    /// A note's value alone, once its group has its examples.
    mutating func noteCount(_ key: Int, value: ExactDecimal?) {
        guard key < notes.count, notes[key] != nil else { return }
        counts[Severity.info.rawValue] += 1
        notes[key]?.add(value)   // in place: the group is never copied
    }

    /// A note, folded into its rule's group.
    mutating func note(_ f: Finding, key: Int, value: ExactDecimal?, at position: Int64) {
        guard key < notes.count else { add(f); return }
        var f = f
        sequence += 1
        f.sequence = sequence
        counts[f.severity.rawValue] += 1
        if notes[key] == nil {
            notes[key] = NoteGroup(first: f)
            noteOrder.append(key)
        }
        notes[key]?.add(value)
        guard var g = notes[key] else { return }
        notes[key] = nil   // changed out of place: the group is not copied
        let at = g.positions.firstIndex { position < $0 } ?? g.positions.count
        if at < 3 {
            g.positions.insert(position, at: at)
            g.examples.insert(f, at: at)
            if g.examples.count > 3 {
                g.positions.removeLast()
                g.examples.removeLast()
            }
            if at == 0 { g.first = f }
        }
        notes[key] = g
    }

    /// Everything kept, notes folded in (within the cap too: a folded note over the cap is
    /// counted as dropped), in the order given. Once: the kept findings are handed over, not copied.
    mutating func findings(order: (Finding, Finding) -> Bool) -> [Finding] {
        var out: [Finding] = []
        out.reserveCapacity(keptCount + noteOrder.count)
        for s in kept.indices {
            kept[s].drain { out.append($0) }
        }
        for key in noteOrder {
            guard let g = notes[key] else { continue }
            if out.count < cap {
                out.append(Self.fold(g))
            } else {
                dropped[g.first.id, default: [0, 0, 0, 0]][g.first.severity.rawValue] += g.count
            }
        }
        out.sort(by: order)
        return out
    }

    static func fold(_ group: NoteGroup) -> Finding {
        guard group.count > 1 else { return group.first }
        var g = group
        g.settle()
        var f = g.first
        let common = g.values.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }
        let where_ = g.examples.map { "\($0.file):\($0.line.map(String.init) ?? "-")" }.joined(separator: ", ")
        var en = "\(g.count) rows: \(g.first.message.en)"
        var zh = "共 \(g.count) 行：\(g.first.message.zh)"
        if let lo = g.lo, let hi = g.hi {
            let most = common.map { " (most common \($0.key.grouped(fractionDigits: 2)), \($0.value) rows)" } ?? ""
            let mostZh = common.map { "（最常见 \($0.key.grouped(fractionDigits: 2))，\($0.value) 行）" } ?? ""
            en += "; values \(lo.grouped(fractionDigits: 2))..\(hi.grouped(fractionDigits: 2))\(most)"
            zh += "；取值 \(lo.grouped(fractionDigits: 2))..\(hi.grouped(fractionDigits: 2))\(mostZh)"
        }
        en += "; e.g. \(where_)"
        zh += "；例如 \(where_)"
        f.message = Message(zh: zh, en: en)
        f.count = g.count
        f.unitCode = g.examples.count == 1 ? f.unitCode : nil
        f.period = g.examples.allSatisfy({ $0.period == f.period }) ? f.period : nil
        if let lo = g.lo, let hi = g.hi { f.actual = lo == hi ? lo.description : "\(lo)..\(hi)" }
        return f
    }
}

/// A list kept in blocks of 4,096: appending never copies what is stored, and the list reserves at
/// most one block ahead (an `Array` doubles, and holds the old storage and the new while it grows).
/// The sink's kept findings and the detectors' tests (at 1 GiB 400,000 of about 230 bytes, whose
/// one array held 180 MB for a moment while it last doubled). ``Chunked`` is the same for plain
/// values, without reference counting.
///
/// - Complexity: O(1) append, `popLast` and subscript; memory O(count) plus at most one block.
struct Blocks<Element>: RandomAccessCollection {
    private var blocks: [[Element]] = []
    private static var size: Int { 4_096 }

    var startIndex: Int { 0 }
    var endIndex: Int { blocks.isEmpty ? 0 : (blocks.count - 1) * Self.size + blocks[blocks.count - 1].count }

    subscript(_ i: Int) -> Element { blocks[i / Self.size][i % Self.size] }

    mutating func append<S: Sequence>(contentsOf elements: S) where S.Element == Element {
        for e in elements { append(e) }
    }

    mutating func append(_ e: Element) {
        if blocks.isEmpty || blocks[blocks.count - 1].count == Self.size {
            var b: [Element] = []
            b.reserveCapacity(Self.size)
            blocks.append(b)
        }
        blocks[blocks.count - 1].append(e)
    }

    mutating func popLast() -> Element? {
        guard !blocks.isEmpty else { return nil }
        let e = blocks[blocks.count - 1].popLast()
        if blocks[blocks.count - 1].isEmpty { blocks.removeLast() }
        return e
    }

    /// Hands every element over in order, freeing each block once it is done.
    mutating func drain(_ body: (Element) -> Void) {
        for i in blocks.indices {
            for e in blocks[i] { body(e) }
            blocks[i] = []
        }
        blocks = []
    }
}
