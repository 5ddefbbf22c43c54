import VetoCSV
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one rule fared over the rows of a run.
public struct RuleTally: Sendable, Equatable {
    public var holds = 0
    public var fails = 0
    public var notChecked = 0
    public var notApplicable = 0

    public init(holds: Int = 0, fails: Int = 0, notChecked: Int = 0, notApplicable: Int = 0) {
        self.holds = holds
        self.fails = fails
        self.notChecked = notChecked
        self.notApplicable = notApplicable
    }
}

/// The result of one rule on one row.
public enum RuleOutcome: Sendable, Equatable {
    case holds
    case notApplicable
    case notChecked(UnknownReason)
    case fails
}

/// Everything `veto check` learned from its inputs.
public struct CheckResult: Sendable {
    public var inputs: [InputSummary] = []
    /// Inputs that could not be read at all (exit code 3).
    public var unreadable: [CSVReadError] = []
    /// The findings kept (at most `--max-findings`, the most severe first), in input order.
    public var findings: [Finding] = []
    /// Findings counted but not kept.
    public var droppedFindings = 0
    /// Of those, how many per id and severity.
    public var dropped: [(id: String, severity: Severity, count: Int)] = []
    /// Every finding of the run, kept or not, by severity.
    public var severityCounts: [Severity: Int] = [:]
    public var verdicts = VerdictList()
    public var rules: [(id: String, tally: RuleTally)] = []
    /// Rules that report a value (`note:`) rather than check one: their `holds` counts the rows
    /// they reported on, and the summary of checks leaves them out.
    public var noteRules: Set<String> = []
    /// Display names by unit, as the inputs give them.
    public var unitNames = UnitNames()
    /// Forensic evidence per unit, the strongest first; why detectors did not apply; how many tests ran.
    public var evidence: [UnitEvidence] = []
    public var detectorNotes: [DetectorNote] = []
    public var detectorTests = 0

    /// The highest severity among all findings of the run (info included), kept or not.
    public var worst: Severity? {
        Severity.allCases.reversed().first { (severityCounts[$0] ?? 0) > 0 }
    }

    /// How many findings of severity `s` the run produced (kept or not).
    public func count(_ s: Severity) -> Int { severityCounts[s] ?? 0 }
}

public struct CheckOptions: Sendable {
    public var reader = CSVReaderOptions()
    /// The rules: the built-in `family-welfare` pack unless a rule file is given.
    public var rules: RuleSet
    /// Per-person standards: the pack's examples, the rule file's, and a `--standards` table.
    public var standards: StandardsTable
    /// At most this many findings are kept (the most severe first); all are counted.
    public var maxFindings = 100_000
    /// Runs the forensic detectors the rule set declares.
    public var detectors = true

    public init() {
        // The pack is part of the toolkit and tested to parse; an empty set is the only fallback.
        rules = (try? Packs.load("family-welfare")) ?? RuleSet(rules: [])
        standards = StandardsTable.examples
    }
}

/// Checks report tables in one streaming pass. Each row is read into a reused cell buffer and
/// every rule that can be decided on arrival is evaluated there and then (row rules, and period
/// links whose previous period was already read); what the rules must remember across rows is
/// kept compactly: per unit-period its verdict and the columns `prev.` reads, per parent-period
/// the sums of the columns `sum(children.X)` reads. Rows whose rules need what is still to come
/// (a parent's children, a previous period not yet read, a group aggregate) are held until it
/// comes or the inputs end. Each row's findings come from one batch of its rules, whatever order
/// the rows came in: a held row is decided whole at the end on its row read again (a file, bytes,
/// or the copy of standard input), a late row with a failure likewise; only when no copy could be
/// made is a held row decided on the cells it kept, and then never given `veto`.
///
/// - Complexity: time O(rows × rule instructions); memory O(unit-periods × prev columns +
///   parent-periods × child columns + rows held + distinct figures of repeated unit-periods), never O(rows)
///   for row and link rules on period-ordered input.
public final class Checker {
    public let options: CheckOptions
    let program: Program
    let schema: Schema
    private let machine = TapeMachine()
    @exclusivity(unchecked) private var sink: FindingSink
    @exclusivity(unchecked) private var result = CheckResult()
    private var files: [String] = []
    private var bindings: [TableBinding] = []
    /// Per rule, its outcomes so far: raw storage (`program.rules.count` of them, freed in
    /// `deinit`), counted into for every rule of every row without an array's uniqueness check.
    private let tallies: UnsafeMutablePointer<RuleTally>
    private let standards: StandardsTable
    private let flags: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var packer = KeyPacker()

    // Unit-period table (structure of arrays, by slot).
    @exclusivity(unchecked) private var upIndex = SlotMap()
    // Blocks, not arrays: a table of millions costs what it holds (see `Chunked`).
    @exclusivity(unchecked) private var upWorst = Chunked<UInt8>()
    @exclusivity(unchecked) private var upFirst = Chunked<UInt32>()     // line of the first row (UInt32.max: in `upFirstFar`)
    private var upFirstFar: [Int32: Int] = [:]
    /// The first slot of each input: inputs are read one after the other, so a slot's first row
    /// is in the last input that started at or before it.
    private var inputFirstSlot: [Int] = []
    /// The fingerprint of a first row's figures, only for first rows that cannot be read again
    /// (standard input that could not be copied): a unit-period seen again is told a duplicate
    /// from a revision by it on arrival. Every other repeat is compared figure by figure on the
    /// two rows read again at the end (``Repeat``), so a table of millions keeps no fingerprints
    /// (slots whose first row can be read again hold 0 here, and only below the last that cannot).
    @exclusivity(unchecked) private var upPrint = Chunked<UInt64>()
    /// Per input, once its first row came: whether its first rows keep a fingerprint.
    private var keepsPrints: [Bool?] = []
    @exclusivity(unchecked) private var upPrev = SmallCells()           // slot × prevColumns.count, 4 bytes a cell
    /// The previous period's cells of the row being evaluated, unpacked for the tapes.
    private let prevScratch: UnsafeMutablePointer<Cell>

    // Parent-period child sums.
    @exclusivity(unchecked) private var parIndex = SlotMap()
    private var lastParentKey: UInt64 = .max, lastParentSlot = 0
    @exclusivity(unchecked) private var parCount = Chunked<Int32>()
    // A sum of reported figures is a symmetric interval: its centre (the sum of the values) and
    // half-width (the sum of the ±½ units), 24 bytes a column. A child's figure missing, or a sum
    // that would leave the exact range, makes the column unknown for that parent.
    // The centre is kept in millionths (8 bytes) while it is a whole number of them and fits;
    // otherwise, exactly, in `parWide` (10⁻¹² units). Half-widths are kept densely only for the
    // columns whose figures are intervals (money, rates); a count's is zero unless written in
    // 万 (then in `parHalfSide`). One bit a column marks a sum unknown. About 10 bytes a column.
    @exclusivity(unchecked) private var parCenter = Chunked<Int64>()   // slot × the columns not counts
    /// Counts' sums in whole units, 4 bytes (a fraction or more than 2³¹: `parWide`).
    @exclusivity(unchecked) private var parSmall = Chunked<Int32>()    // slot × count columns
    /// Per child column: its index among the counts (≥ 0) or, as -1 - i, among the others.
    private let centerIndex: [Int]
    /// Per child column: the schema column, and its index among the compact count sums where a
    /// whole figure goes straight into one (-1: the general path).
    private let childColumnList: [Int]
    private let childCountIndex: [Int]
    private let smallColumns: Int
    private let bigColumns: Int
    @exclusivity(unchecked) private var parHalf = Chunked<Int64>()     // slot × halfColumns
    @exclusivity(unchecked) private var parUnknown = Chunked<UInt64>() // slot × unknownWords
    @exclusivity(unchecked) private var parWide: [Int: Int128] = [:]
    @exclusivity(unchecked) private var parHalfSide: [Int: Int64] = [:]
    /// Per child column: its index among the dense half-widths, or -1.
    private let halfIndex: [Int]
    private let halfColumns: Int
    private let unknownWords: Int

    // Rows held until what their rules need has been read.
    /// A row whose rules wait for its children or for the whole table: its row rules were decided
    /// on arrival; it keeps only the cells the waiting rules read (`deferredColumns`), and which
    /// rules wait.
    /// 44 bytes (every township and county period of a file is held to the end: at 2.3 M
    /// unit-periods 120,000 of them); the rare parts are kept aside (`heldPeriods`, `heldExtras`).
    struct Held {
        /// Its unit is its key's (`key` 0: a row without a unit, named by its line).
        var key: UInt64
        var print: UInt64
        /// Where its cells start in `heldCells` (`deferredColumns.count` of them), or -1: its
        /// input is a regular file, read again at the end for them (`print` checks they are the
        /// same figures).
        var cells: Int
        var slot: Int32
        var input: Int32
        var line: Int32
        /// Which rules wait: an index into `waitingSets` (rows of one level share one list).
        var waiting: Int32
        /// Its period packed (``KeyPacker/period(_:)``; 0: none), or `UInt32.max`: in `heldPeriods`.
        var period: UInt32
    }
    /// By held index: a period the packed form cannot hold.
    private var heldPeriods: [Int: Period] = [:]
    /// By held index: the uniqueness hashes and group keys of its table rules, when the rules have any.
    private var heldExtras: [Int: (uniqueHashes: [UInt64], groupKeys: [UInt64])] = [:]
    /// Columns read by rules that can wait (children, previous period, table).
    private let deferredColumns: [Int]
    /// The distinct lists of waiting rules, shared by the held rows.
    @exclusivity(unchecked) private var waitingSets: [[Int32]] = []
    @exclusivity(unchecked) private var waitingIndex: [[Int32]: Int32] = [:]
    @exclusivity(unchecked) private var held: [Held?] = []
    /// The held rows' cells, packed.
    @exclusivity(unchecked) private var heldCells = PackedCells()

    /// A row whose previous period was not read when it came: its other rules were decided then;
    /// its period rules wait, with only the cells they read, until that period comes or the inputs
    /// end (then they are not checked, or their notes say what the opening implies).
    /// In 16 bytes: a late row always has a unit-period (its key is its slot's in `upIndex`).
    struct Late {
        var slot: Int32
        private var inputAndFlags: UInt32
        var line: Int32
        var next: Int32            // the next late row waiting for the same period, or -1

        init(slot: Int32, input: Int, line: Int32, next: Int32, whole: Bool) {
            precondition(input < 1 << 30, "inputs are counted in 30 bits")
            (self.slot, self.line, self.next) = (slot, line, next)
            inputAndFlags = UInt32(input) | (whole ? 1 << 30 : 0)
        }

        var input: Int32 { Int32(inputAndFlags & 0x3FFF_FFFF) }
        var done: Bool {
            get { inputAndFlags & 1 << 31 != 0 }
            set { inputAndFlags = newValue ? inputAndFlags | 1 << 31 : inputAndFlags & ~(1 << 31) }
        }
        /// Not finished on arrival (a rule failed): its arrival outcomes are in `lateArrival`.
        var whole: Bool { inputAndFlags & 1 << 30 != 0 }
    }
    /// The outcomes decided on arrival of the late rows not finished then (`Late.whole`).
    private var lateArrival: [Int32: [RuleOutcome?]] = [:]
    @exclusivity(unchecked) private var late = Chunked<Late>()
    /// Late rows with a failing rule, waiting to be read again whole (`finishLateFailures`).
    private struct LateFailure { var late: Int32; var outcomes: [RuleOutcome?]; var prevSlot: Int32? }
    private var lateFailures: [LateFailure] = []
    /// The cells of late rows, `lateColumns.count` per row.
    @exclusivity(unchecked) private var lateCells = SmallCells()
    /// Previous unit-period → the first late row waiting for it (Int32.max once resolved).
    @exclusivity(unchecked) private var waitingForPrevious = KeyMap(capacity: 16)
    /// By packed period (``KeyPacker/period(_:)``): whether a row waits under a key of it.
    @exclusivity(unchecked) private var periodWaitedFor = [Bool](repeating: false, count: 1 << 15)
    /// Columns the period rules read on their own row (kept for late rows).
    private let lateColumns: [Int]

    // Table rules: aggregates per (slot, group) and uniqueness counts.
    private var aggValues: [[UInt64: [ExactDecimal]]] = []
    private var aggSums: [[UInt64: (sum: FixedInterval, n: Int, missing: Int)]] = []
    private var uniqueCounts: [[UInt64: Int]] = []

    // The row being evaluated (read by the frame's closures).
    @exclusivity(unchecked) private var currentRecord: CSVRecord?
    /// The outcomes of the row-local rules of the row being checked, when a reader thread
    /// decided them (`localRules` order).
    @exclusivity(unchecked) private var precomputed: UnsafePointer<RuleOutcome?>?
    @exclusivity(unchecked) private var currentBinding: TableBinding?
    private let services: FrameServices
    /// Reused per row: the outcome of each rule.
    @exclusivity(unchecked) private var outcomeBuffer: [RuleOutcome?]
    /// Schema columns whose values a row's fingerprint covers (numbers and categories).
    private let printed: [Int]
    /// Per rule: a note rule without an assertion (its value is noted when known); a rule with
    /// an implied-amount note (when no standard applies).
    private let noteOnly: [Bool]
    private let hasImplied: [Bool]
    /// Per rule reading children: its `when` is false for a unit without children whatever its
    /// figures (`count(children) > 0`), so a village's outcome is known without running it.
    private var childlessNotApplicable: [Bool] = []
    /// Per rule: its index among the row-local rules (no previous period, children or table),
    /// which reader threads may decide ahead (`--jobs`), or -1.
    private let localIndex: [Int32]
    private let localRules: [Int]
    /// Units whose name is recorded (by the unit's key without a period).
    @exclusivity(unchecked) private var names = NameStore()

    /// Input findings of the record being read, given the unit and period of its row once known.
    @exclusivity(unchecked) private var pendingLineFindings: [Finding] = []

    /// Failing `X = sum(children.X)` findings, kept aside until a second pass over the inputs has
    /// looked for one child whose single typo balances the sum (bounded by such failures).
    private var hierarchyFailures: [(finding: Finding, slot: Int32?, parent: UnitPeriod, column: Int, reported: ReportedNumber)] = []
    /// A unit-period's row seen again, told a duplicate or a revision (the same unit-period with
    /// other figures) by the second pass, which reads the first row again — and this one, unless
    /// its cells are kept (it cannot be read again) — and lists the figures that changed.
    /// `revised`: told on arrival by the fingerprint of a first row that cannot be read again.
    private struct Repeat {
        var slot: Int32
        var input: Int32
        var line: Int
        var first: UInt64
        var period: Period?     // as reported (a period outside the packed range packs as none)
        var revised: Bool
        var cells: [Cell]?
    }
    /// Bounded by the distinct figures a unit-period is repeated with: about 100 bytes each (plus
    /// the cells of those that cannot be read again); a repeat with the figures of an earlier one
    /// is a duplicate of it, reported on arrival.
    private var repeats: [Repeat] = []
    /// The repeats told at the end, by unit-period and fingerprint (distinct figures only).
    private struct RepeatPrint: Hashable { var slot: Int32; var print: UInt64 }
    private var repeatOf: [RepeatPrint: Int] = [:]
    /// Where each input can be read again: a path, or the bytes given to `add(bytes:)`.
    private var sources: [Source] = []
    enum Source { case path(String), bytes([UInt8]) }
    /// Per input: a regular file's size and modification time when it was read (it can be read
    /// again for what held rows need), nil for anything else (standard input, a pipe).
    private var identities: [FileIdentity?] = []
    struct FileIdentity: Equatable { var size: Int; var seconds: Int; var nanoseconds: Int }

    static func identity(_ path: String) -> FileIdentity? {
        guard path != "-" else { return nil }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileIdentity(size: Int(st.st_size), seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec))
    }
    /// Copies of the inputs that could not be read twice, removed at the end; the inputs being
    /// copied (their rows are read again from the copy, as a file's).
    private var spools: [Spool] = []
    private var spooling: Set<Int> = []
    /// Inputs whose copy could not be written whole.
    private var notCopied: Set<Int> = []
    /// The forensic detectors (Sources/Veto/Detect), fed every unit-period's first row.
    private let detectors: Detectors
    /// Whether inputs were read with more than one job (the end then uses a second thread too).
    private var finishesInParallel = false
    /// The previous period's slot found for the last row (the next row's first guess).
    private var lastPrevSlot: Int32 = -1
    /// While `add(paths:jobs:)` reads with more than one job: the thread the detectors run on.
    private var detectorFeed: DetectorFeed?

    public init(options: CheckOptions = CheckOptions()) {
        self.options = options
        var set = options.rules
        // Standards: the pack's examples, the rule file's, and the user's table, by declared programme.
        var table = options.standards.standards + set.standards.standards
        for i in table.indices {
            if let p = set.schema.programme(table[i].programme) { table[i].programme = set.schema.programmes[p].name }
        }
        set.standards = StandardsTable([])
        standards = StandardsTable(table)
        // A rule set that does not compile was refused when its file was read.
        program = (try? Program(rules: set)) ?? Program(empty: set.schema)
        schema = program.schema
        sink = FindingSink(cap: options.maxFindings, noteKeys: 2 * program.rules.count)
        tallies = UnsafeMutablePointer<RuleTally>.allocate(capacity: max(1, program.rules.count))
        tallies.initialize(repeating: RuleTally(), count: max(1, program.rules.count))
        flags = .allocate(capacity: max(1, program.flags.count))
        prevScratch = .allocate(capacity: max(1, program.prevColumns.count))
        prevScratch.initialize(repeating: .absent, count: max(1, program.prevColumns.count))
        flags.initialize(from: program.flags, count: program.flags.count)
        services = FrameServices(standards: standards, programmes: program.schema.programmes.map(\.name))
        outcomeBuffer = Array(repeating: nil, count: program.rules.count)
        var lateCols = Set<Int>()
        let compiled = program
        for r in compiled.rules where r.needs.contains(.previous) {
            for e in [r.rule.assert, r.rule.when, r.rule.note, r.rule.implied].compactMap({ $0 }) {
                e.visit { x in if case .column(let n) = x, let c = compiled.schema.index(of: n) { lateCols.insert(c) } }
            }
        }
        lateColumns = lateCols.sorted()
        var deferredCols = Set<Int>()
        for r in compiled.rules where !r.needs.isEmpty {
            for e in [r.rule.assert, r.rule.when, r.rule.note, r.rule.implied].compactMap({ $0 }) {
                e.visit { x in if case .column(let n) = x, let c = compiled.schema.index(of: n) { deferredCols.insert(c) } }
            }
        }
        deferredColumns = deferredCols.sorted()
        let columns = program.schema.columns
        printed = columns.indices.filter { c in
            if case .category = columns[c].type { return true }
            return columns[c].isNumeric
        }
        var hi: [Int] = []
        var nh = 0
        for c in program.childColumns {
            if program.flags[c] & (ColumnFlag.integerExact | ColumnFlag.exact) != 0 { hi.append(-1) } else { hi.append(nh); nh += 1 }
        }
        halfIndex = hi
        halfColumns = nh
        var ci: [Int] = []
        var ns = 0, nb = 0
        for c in program.childColumns {
            if program.flags[c] & ColumnFlag.integerExact != 0 { ci.append(ns); ns += 1 } else { ci.append(-1 - nb); nb += 1 }
        }
        centerIndex = ci
        childColumnList = program.childColumns
        var counts: [Int] = []
        for (c, d) in zip(program.childColumns, ci) {
            counts.append(d >= 0 && program.flags[c] & (ColumnFlag.integerExact | ColumnFlag.exact) != 0 ? d : -1)
        }
        childCountIndex = counts
        smallColumns = ns
        bigColumns = nb
        unknownWords = (program.childColumns.count + 63) / 64
        var li: [Int32] = []
        var lr: [Int] = []
        for (r, rule) in program.rules.enumerated() {
            if rule.needs.isEmpty && !rule.tableLevel { li.append(Int32(lr.count)); lr.append(r) } else { li.append(-1) }
        }
        localIndex = li
        localRules = lr
        noteOnly = program.rules.map { $0.rule.note != nil && $0.rule.assert == nil }
        hasImplied = program.rules.map { $0.implied != nil }
        aggValues = Array(repeating: [:], count: program.aggregates.count)
        aggSums = Array(repeating: [:], count: program.aggregates.count)
        uniqueCounts = Array(repeating: [:], count: program.uniques.count)
        detectors = Detectors(schema: options.detectors ? program.schema : Schema())
        setUpServices()
        childlessNotApplicable = computeChildlessNotApplicable()
    }

    /// Runs each children rule's `when` once on a unit without children and with every figure
    /// missing: false there (Kleene: a missing figure is unknown) means false for every such
    /// unit, whatever it reports.
    private func computeChildlessNotApplicable() -> [Bool] {
        let width = max(1, schema.columns.count)
        let missing = [Cell](repeating: .missing, count: width)
        return missing.withUnsafeBufferPointer { cells in
            guard let base = cells.baseAddress else { return Array(repeating: false, count: program.rules.count) }
            var frame = makeFrame(cells: base, code: "", period: nil)
            frame.childrenKnown = true
            frame.childCount = 0
            return program.rules.map { r in
                guard r.needs == [.children], let w = r.when else { return false }
                // Only where a missing figure can only make the condition unknown: not with
                // is_missing, which is definite on missing figures.
                for ins in w.code {
                    switch ins {
                    case .missing, .missingPrev: return false
                    default: continue
                    }
                }
                machine.resetReason()
                return machine.truth(w, frame) == false
            }
        }
    }

    deinit {
        for s in spools { s.remove() }
        names.release()
        flags.deallocate()
        tallies.deallocate()
        prevScratch.deallocate()
        upWorst.release()
        upIndex.release()
        releasePassState()
        lateCells.release()
        heldCells.release()
    }

    /// Frees what only the pass over the rows needs (previous-period cells, fingerprints, first
    /// lines, parent sums); the verdicts' keys and severities stay.
    private func releasePassState() {
        upPrev.release()
        upPrint.release()
        upFirst.release()
        parCenter.release()
        parSmall.release()
        parHalf.release()
        parUnknown.release()
        parCount.release()
        parIndex.release()
        parWide = [:]
        parHalfSide = [:]
    }

    /// Where a unit-period's first row was read: input << 40 | line.
    private func firstRow(_ slot: Int32) -> UInt64 {
        var input = inputFirstSlot.count - 1
        while input > 0 && inputFirstSlot[input] > Int(slot) { input -= 1 }
        let l = upFirst[Int(slot)]
        let line = l == .max ? upFirstFar[slot] ?? 0 : Int(l)
        return UInt64(max(0, input)) << 40 | UInt64(line)
    }

    /// The kept previous-period cells of `slot`, unpacked (valid until the next call).
    private func previous(_ slot: Int32) -> UnsafePointer<Cell> {
        let n = program.prevColumns.count
        let base = Int(slot) * n
        for k in 0..<n { prevScratch[k] = upPrev[base + k] }
        return UnsafePointer(prevScratch)
    }

    private func setUpServices() {
        services.text = { [unowned self] c in self.text(c) }
    }

    // MARK: Inputs

    /// Reads and checks one input. An input that cannot be opened is recorded, not thrown.
    public func add(path: String, display: String? = nil) {
        let index = files.count
        inputFirstSlot.append(upWorst.count)
        let name = display ?? (path == "-" ? "<stdin>" : path)
        files.append(name)
        sources.append(.path(path))
        identities.append(Self.identity(path))
        bindings.append(TableBinding(bindings: [], fieldOf: [], exponentOf: []))
        let reader = TableReader(schema: schema, file: name, input: index,
                                 onRow: { [unowned self] row in self.row(&row) },
                                 onFinding: { [unowned self] f in self.finding(f) })
        // An input that cannot be read twice is copied as it is read (see `Spool`).
        let spool = identities[index] == nil ? Spool() : nil
        if spool != nil { spooling.insert(index) }
        do {
            let s = try CSVReader.read(path: path, options: options.reader, spool: spool, onRecord: { [unowned self] r in
                reader.record(r)
                if r.index == 0 { self.bindings[index] = reader.binding }
            }, onFinding: reader.csvFinding)
            flushPending()
            result.inputs.append(Self.summary(s, file: name, rows: reader.rows))
            adopt(spool, input: index)
        } catch {
            flushPending()
            result.unreadable.append(error)
            spool?.remove()
        }
    }

    /// An input's copy, once whole, stands for it when the input is read again.
    private func adopt(_ spool: Spool?, input: Int) {
        guard let spool else { return }
        guard spool.close(), let identity = Self.identity(spool.path) else {
            // The rows that counted on it are reported as not read again (`notReadAgain`).
            spool.remove()
            notCopied.insert(input)
            return
        }
        sources[input] = .path(spool.path)
        identities[input] = identity
        spools.append(spool)
    }

    /// Reads and checks inputs, reading on up to `jobs - 1` other threads (each input on one,
    /// the next ones ahead while this thread checks): the same findings, verdicts and output,
    /// byte for byte, as `add(path:)` one after the other — rows are checked here, in order.
    ///
    /// - Complexity: memory O(jobs × 8 batches × 512 rows) beyond what the checks keep.
    public func add(paths: [String], jobs: Int) {
        guard jobs > 1, !paths.isEmpty else {
            for p in paths { add(path: p) }
            return
        }
        let readers = paths.enumerated().map { k, p in
            InputReader(path: p, name: p == "-" ? "<stdin>" : p, input: files.count + k, schema: schema, options: options.reader,
                        rules: RowRuleEvaluator(program: program, local: localRules, flags: UnsafePointer(flags), standards: standards),
                        keepsRecords: program.readsRowText)
        }
        finishesInParallel = true
        // The detectors on their own thread while these inputs are read (fed in row order).
        if !detectors.isEmpty { detectorFeed = DetectorFeed(detectors, width: schema.columns.count) }
        defer {
            detectorFeed?.finish()
            detectorFeed = nil
        }
        let ahead = jobs - 1
        for r in readers.prefix(ahead) { r.start() }
        for (k, reader) in readers.enumerated() {
            reader.start()
            consume(reader)
            reader.join()
            // At most `ahead` readers at a time: the next starts when one is done.
            if k + ahead < readers.count { readers[k + ahead].start() }
        }
    }

    private func consume(_ reader: InputReader) {
        let index = files.count
        precondition(index == reader.input, "inputs are consumed in order")
        inputFirstSlot.append(upWorst.count)
        files.append(reader.name)
        sources.append(.path(reader.path))
        identities.append(nil)
        bindings.append(TableBinding(bindings: [], fieldOf: [], exponentOf: []))
        while let batch = reader.pipe.take() {
            // Written by the reader before its first batch was handed over.
            identities[index] = reader.identity
            if reader.spooling { spooling.insert(index) }
            batch.outcomes.withUnsafeBufferPointer { ob in
                batch.cells.withUnsafeMutableBufferPointer { cb in
                    guard let base = cb.baseAddress else {
                        for e in batch.events { event(e, index: index, cells: nil, outcomes: nil) }
                        return
                    }
                    for e in batch.events { event(e, index: index, cells: base, outcomes: ob.baseAddress) }
                }
            }
            batch.reset()
            reader.spares.give(batch)
        }
        identities[index] = reader.identity
        // Written by the reader before it closed the pipe.
        adopt(reader.spool, input: index)
    }

    private func event(_ e: PipeEvent, index: Int, cells: UnsafeMutablePointer<Cell>?, outcomes: UnsafePointer<RuleOutcome?>?) {
        switch e {
        case .binding(let b): bindings[index] = b
        case .finding(let f): finding(f)
        case .row(let r):
            guard let cells else { return }
            var view = RowView(input: index, line: r.line, endLine: r.endLine, cells: cells + r.cellsAt, record: r.record,
                               binding: bindings[index])
            view.unit = r.unit
            view.period = r.period
            view.unitText = r.unitText
            view.periodText = r.periodText
            view.unitName = r.unitName
            precomputed = r.outcomesAt >= 0 ? outcomes.map { $0 + r.outcomesAt } : nil
            row(&view)
            precomputed = nil
        case .end(let s, let rows):
            flushPending()
            result.inputs.append(Self.summary(s, file: files[index], rows: rows))
        case .failed(let error):
            flushPending()
            result.unreadable.append(error)
        }
    }

    /// Checks an input held in memory (tests, and callers that already have the bytes).
    public func add(bytes: [UInt8], name: String) {
        let index = files.count
        inputFirstSlot.append(upWorst.count)
        files.append(name)
        sources.append(.bytes(bytes))
        identities.append(nil)
        bindings.append(TableBinding(bindings: [], fieldOf: [], exponentOf: []))
        let reader = TableReader(schema: schema, file: name, input: index,
                                 onRow: { [unowned self] row in self.row(&row) },
                                 onFinding: { [unowned self] f in self.finding(f) })
        let csv = CSVReader(options: options.reader, onRecord: { [unowned self] r in
            reader.record(r)
            if r.index == 0 { self.bindings[index] = reader.binding }
        }, onFinding: reader.csvFinding)
        bytes.withUnsafeBytes { csv.feed($0) }
        let s = csv.finish()
        flushPending()
        result.inputs.append(Self.summary(s, file: name, rows: reader.rows))
    }

    static func summary(_ s: CSVInputSummary, file: String, rows: Int) -> InputSummary {
        let d: String = s.delimiter == 0x09 ? "\\t" : String(UnicodeScalar(s.delimiter))
        return InputSummary(file: file, rows: rows, encoding: s.encoding.rawValue, hadBOM: s.hadBOM,
                            encodingNote: s.encodingNote, delimiter: d, lines: s.lines, bytes: s.bytes, blankLines: s.blankLines,
                            columns: [])
    }

    // MARK: Findings

    /// Input findings wait for their record's row, so that those without a unit (a ragged
    /// row, a NUL byte) get the row's unit and period, and all keep the order they came in.
    private func finding(_ f: Finding) {
        if f.kind == .input && f.line != nil {
            pendingLineFindings.append(f)
            return
        }
        keep(f, slot: nil)
    }

    private func keep(_ f: Finding, slot: Int32?) {
        if let s = slot {
            let i = Int(s)
            upWorst[i] = max(upWorst[i], UInt8(f.severity.rawValue))
        }
        sink.add(f)
    }

    private func flushPending(row: RowView? = nil, key: UnitPeriod? = nil, slot: Int32? = nil) {
        guard !pendingLineFindings.isEmpty else { return }
        for var f in pendingLineFindings {
            var s: Int32?
            if let row, let line = f.line, line >= row.line, line <= row.endLine {
                if f.unitCode == nil { f.unitCode = key?.unit.code }
                if f.period == nil { f.period = key?.period?.description }
                s = slot
            }
            keep(f, slot: s)
        }
        pendingLineFindings.removeAll(keepingCapacity: true)
    }

    // MARK: Rows

    private func unitKey(_ row: RowView) -> UnitKey? {
        if let u = row.unit, row.binding.textKeyColumns.isEmpty { return .code(u) }
        if let t = row.unitText { return .text(t) }
        if row.binding.keyIsLine { return .line(input: row.input, line: row.line) }
        if row.binding.unitColumn == nil && row.period != nil { return .text("") }
        return nil
    }

    private func row(_ row: inout RowView) {
        let unit = unitKey(row)
        // Without an identity (an unreadable code or period) a row gets no verdict; its findings
        // say why. Its row rules are still evaluated.
        let hasPeriodColumn = row.binding.periodColumn != nil
        let key: UnitPeriod? = unit.flatMap { u in (hasPeriodColumn && row.period == nil) ? nil : UnitPeriod(unit: u, period: row.period) }
        var slot: Int32?
        var first = false
        var id: UInt64 = 0
        if let key {
            id = packer.pack(key)
            if let s = upIndex[id] {
                slot = s
                let firstAt = firstRow(s)
                flushPending(row: row, key: key, slot: s)
                let cells = canReadAgain(row.input) ? nil : Array(UnsafeBufferPointer(start: row.cells, count: schema.columns.count))
                if keepsPrints(Int(firstAt >> 40)) {
                    if upPrint[Int(s)] == fingerprint(row.cells) {
                        let file = files[Int(firstAt >> 40)], line = Int(firstAt & 0xFF_FFFF_FFFF)
                        keep(InputFindings.duplicate(unit: key.unit.code, period: key.period?.description, line: row.line,
                                                     first: (file, line), file: files[row.input]), slot: s)
                    } else {
                        repeats.append(Repeat(slot: s, input: Int32(row.input), line: row.line, first: firstAt, period: key.period, revised: true,
                                              cells: cells ?? Array(UnsafeBufferPointer(start: row.cells, count: schema.columns.count))))
                    }
                } else {
                    // A row with the same figures as an earlier repeat of its unit-period (by their
                    // fingerprint) is a duplicate of that one, said now: a file of one row repeated
                    // millions of times keeps one repeat, not one per row.
                    let print = RepeatPrint(slot: s, print: fingerprint(row.cells))
                    if let j = repeatOf[print] {
                        let earlier = repeats[j]
                        keep(InputFindings.copyOfRepeat(unit: key.unit.code, period: key.period?.description, line: row.line,
                                                        copy: (files[Int(earlier.input)], earlier.line),
                                                        first: (files[Int(firstAt >> 40)], Int(firstAt & 0xFF_FFFF_FFFF)),
                                                        file: files[row.input]), slot: s)
                    } else {
                        repeatOf[print] = repeats.count
                        repeats.append(Repeat(slot: s, input: Int32(row.input), line: row.line, first: firstAt, period: key.period,
                                              revised: false, cells: cells))
                    }
                }
            } else {
                let s = Int32(upWorst.count)
                slot = s
                first = true
                upIndex.insert(id)
                upWorst.append(0)
                if row.line < Int(UInt32.max) { upFirst.append(UInt32(row.line)) } else {
                    upFirst.append(.max)
                    upFirstFar[s] = row.line
                }
                if keepsPrints(row.input) {
                    while upPrint.count < Int(s) { upPrint.append(0) }
                    upPrint.append(fingerprint(row.cells))
                }
                for c in program.prevColumns { upPrev.append(row.cells[c]) }
                flushPending(row: row, key: key, slot: s)
            }
            if key.unit.unitCode != nil, let n = row.unitName, !n.isEmpty, let unitID = KeyPacker.withPeriod(id, nil) {
                names.add(unitID, n)
            }
        } else {
            flushPending(row: row)
        }
        if first, let key {
            if let feed = detectorFeed {
                feed.add(cells: UnsafePointer(row.cells), key: key, input: row.input, line: row.line)
            } else {
                detectors.row(row, key: key)
            }
        }
        // A first row adds to its parent's child sums.
        if first, !program.childColumns.isEmpty, let u = unit?.unitCode, let parent = u.parent {
            addToParent(UnitPeriod(unit: .code(parent), period: row.period), row.cells)
        }
        for (k, agg) in program.aggregates.enumerated() {
            addToAggregate(k, agg, row)
        }
        var uniqueHashes: [UInt64] = []
        for (k, cols) in program.uniques.enumerated() {
            let h = tupleHash(cols, row)
            uniqueHashes.append(h)
            uniqueCounts[k][h, default: 0] += 1
        }
        evaluateOnArrival(row, unit: unit, key: key, id: id, slot: slot, uniqueHashes: uniqueHashes)
        // The rows waiting for this unit-period as their previous one can now be decided: they
        // wait under its key (one lookup only for a period some row waits for).
        if first, late.count > 0, let key, key.period != nil, periodWaitedFor[Int(id & 0x7FFF)],
           let head = waitingForPrevious[id], head != .max {
            waitingForPrevious[id] = .max
            var k = head
            while k >= 0 {
                resolveLate(Int(k))
                k = late[Int(k)].next
            }
        }
    }

    /// Whether input `i`'s first rows keep a fingerprint: decided at its first row, when whether
    /// it can be read again is known (a regular file, bytes in memory, or a copy being made).
    private func keepsPrints(_ i: Int) -> Bool {
        while keepsPrints.count <= i { keepsPrints.append(nil) }
        if let k = keepsPrints[i] { return k }
        let k = !canReadAgain(i)
        keepsPrints[i] = k
        return k
    }

    /// What a fingerprint and ``samePrinted(_:_:)`` compare of a cell: its value, not its spelling
    /// (`40` and `40.0` alike), and its mantissa alone when it is not a number.
    private static func printedValue(_ cell: Cell) -> (mantissa: Int64, exponent: Int64) {
        var m = cell.mantissa, e = Int64(cell.exponent)
        if cell.state == .number && m != 0 {
            while m % 10 == 0 { m /= 10; e += 1 }
        } else {
            e = 0
        }
        return (m, e)
    }

    /// Whether two rows have the same figures where a fingerprint looks (``fingerprint(_:)``):
    /// the same state and value in every printed column, whatever their spelling.
    private func samePrinted(_ a: [Cell], _ b: [Cell]) -> Bool {
        printed.allSatisfy { c in a[c].state == b[c].state && Self.printedValue(a[c]) == Self.printedValue(b[c]) }
    }

    private func fingerprint(_ cells: UnsafeMutablePointer<Cell>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in printed {
            let cell = cells[c]
            let (m, e) = Self.printedValue(cell)
            h = (h ^ UInt64(cell.state.rawValue)) &* 0x100_0000_01b3
            h = (h ^ UInt64(bitPattern: m)) &* 0x100_0000_01b3
            h = (h ^ UInt64(bitPattern: e)) &* 0x100_0000_01b3
        }
        return h
    }

    private func tupleHash(_ cols: [Int], _ row: RowView) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in cols {
            let text = schema.columns[c].isNumeric ? (row.cells[c].number.map { ExactDecimal($0).description } ?? "\u{0}NA") : row.text(c)
            for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = (h ^ 0xFF) &* 0x100_0000_01b3
        }
        return h
    }

    private func groupKey(_ cols: [Int], _ row: RowView) -> UInt64 { cols.isEmpty ? 0 : tupleHash(cols, row) }

    private func addToParent(_ parent: UnitPeriod, _ cells: UnsafeMutablePointer<Cell>) {
        let id = packer.pack(parent)
        let n = program.childColumns.count
        let s: Int
        // Villages come township by township: the last row's parent, without a lookup.
        if id == lastParentKey { s = lastParentSlot } else if let i = parIndex[id] {
            s = Int(i)
            (lastParentKey, lastParentSlot) = (id, s)
        } else {
            s = parCount.count
            parIndex.insert(id)
            parCount.append(0)
            parCenter.append(repeating: 0, count: bigColumns)
            parSmall.append(repeating: 0, count: smallColumns)
            parHalf.append(repeating: 0, count: halfColumns)
            parUnknown.append(repeating: 0, count: unknownWords)
            (lastParentKey, lastParentSlot) = (id, s)
        }
        parCount[s] += 1
        let unknownBase = s * unknownWords, smallBase = s * smallColumns
        childColumnList.withUnsafeBufferPointer { columns in
            childCountIndex.withUnsafeBufferPointer { counts in
                for k in 0..<n {
                    let c = columns[k], d = counts[k]
                    // A whole count into a compact count sum: its interval is the point itself and
                    // adds nothing to the half-width, so only the sum moves.
                    let cell = cells[c]
                    if d >= 0, cell.state == .number, cell.exponent == 0,
                       parUnknown[unknownBase + k >> 6] & (1 << UInt64(k & 63)) == 0, let m = Int32(exactly: cell.mantissa) {
                        let j = smallBase + d
                        let cur = parSmall[j]
                        if cur != .min, case let (sum, o) = cur.addingReportingOverflow(m), !o, sum != .min {
                            parSmall[j] = sum
                            continue
                        }
                    }
                    addToParentSlowly(s, k, c, cells)
                }
            }
        }
    }

    /// `addToParent` for one figure off the compact count path: an interval's centre and
    /// half-width, a wide sum, or the sum marked unknown.
    private func addToParentSlowly(_ s: Int, _ k: Int, _ c: Int, _ cells: UnsafeMutablePointer<Cell>) {
        let i = s * program.childColumns.count + k
        guard !parentUnknown(s, k), cells[c].state == .number, let v = cellInterval(cells[c], flags: flags[c]) else {
            markParentUnknown(s, k)
            return
        }
        let h = (v.hi - v.lo) / 2
        guard h <= Int128(Int64.max), case let (half, o) = parentHalf(s, k).addingReportingOverflow(Int64(h)), !o else {
            markParentUnknown(s, k)
            return
        }
        // The centre is the figure itself: a count in whole units, anything else in millionths,
        // while it is a whole number of them and fits; else exactly, in the side map.
        if !addCompact(s, k, cells[c]) {
            guard let wide = Fixed.add(parentCenter(s, k), v.lo + h) else {
                markParentUnknown(s, k)
                return
            }
            setWide(s, k)
            parWide[i] = wide
        }
        if h != 0 || halfIndex[k] >= 0 { setParentHalf(s, k, half) }
    }

    @inline(__always) private func parentUnknown(_ s: Int, _ k: Int) -> Bool {
        parUnknown[s * unknownWords + k >> 6] & (1 << UInt64(k & 63)) != 0
    }

    @inline(__always) private func markParentUnknown(_ s: Int, _ k: Int) {
        parUnknown[s * unknownWords + k >> 6] |= 1 << UInt64(k & 63)
    }

    @inline(__always) private func parentHalf(_ s: Int, _ k: Int) -> Int64 {
        let d = halfIndex[k]
        return d >= 0 ? parHalf[s * halfColumns + d] : parHalfSide[s * program.childColumns.count + k] ?? 0
    }

    private func setParentHalf(_ s: Int, _ k: Int, _ h: Int64) {
        let d = halfIndex[k]
        if d >= 0 { parHalf[s * halfColumns + d] = h } else { parHalfSide[s * program.childColumns.count + k] = h }
    }

    private static let micro: Int128 = 1_000_000
    private static let unit: Int128 = 1_000_000_000_000

    /// Adds a figure to the compact sum of (parent `s`, child column `k`); false when it cannot
    /// stay compact (the sum is, or becomes, kept in `parWide`).
    @inline(__always)
    private func addCompact(_ s: Int, _ k: Int, _ cell: Cell) -> Bool {
        let d = centerIndex[k]
        if d >= 0 {
            let j = s * smallColumns + d
            let cur = parSmall[j]
            guard cur != .min, cell.exponent >= 0, cell.exponent <= 9 else { return false }
            let (m, o1) = cell.mantissa.multipliedReportingOverflow(by: Self.pow10[Int(cell.exponent)])
            guard !o1, let m32 = Int32(exactly: m) else { return false }
            let (sum, o2) = cur.addingReportingOverflow(m32)
            guard !o2, sum != .min else { return false }
            parSmall[j] = sum
            return true
        }
        let j = s * bigColumns + (-1 - d)
        let cur = parCenter[j]
        guard cur != .min, let m = Self.millionths(cell) else { return false }
        let (sum, o) = cur.addingReportingOverflow(m)
        guard !o, sum != .min else { return false }
        parCenter[j] = sum
        return true
    }

    private func setWide(_ s: Int, _ k: Int) {
        let d = centerIndex[k]
        if d >= 0 { parSmall[s * smallColumns + d] = .min } else { parCenter[s * bigColumns + (-1 - d)] = .min }
    }

    /// The sum of (parent `s`, child column `k`) in 10⁻¹² units.
    private func parentCenter(_ s: Int, _ k: Int) -> Int128 {
        let i = s * program.childColumns.count + k
        let d = centerIndex[k]
        if d >= 0 {
            let c = parSmall[s * smallColumns + d]
            return c == .min ? parWide[i] ?? 0 : Int128(c) * Self.unit
        }
        let c = parCenter[s * bigColumns + (-1 - d)]
        return c == .min ? parWide[i] ?? 0 : Int128(c) * Self.micro
    }

    /// 10^k for 0 ≤ k ≤ 18, as literals (constant data: no first-use check per row).
    private static let pow10: [Int64] = [
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
        10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000,
        1000000000000000, 10000000000000000, 100000000000000000, 1000000000000000000,
    ]

    /// A figure in millionths, when it is a whole number of them that fits in 64 bits.
    @inline(__always)
    private static func millionths(_ c: Cell) -> Int64? {
        let k = Int(c.exponent) + 6
        guard k >= 0, k <= 18 else { return nil }
        let (m, o) = c.mantissa.multipliedReportingOverflow(by: pow10[k])
        return o ? nil : m
    }

    private func addToAggregate(_ k: Int, _ agg: Aggregate, _ row: RowView) {
        let g = groupKey(agg.group, row)
        let cell = row.cells[agg.column]
        if agg.fn == .median {
            if let n = cell.number { aggValues[k][g, default: []].append(ExactDecimal(n)) } else { aggValues[k][g, default: []].reserveCapacity(0) }
            if cell.state != .number { aggSums[k][g, default: (FixedInterval(point: 0), 0, 0)].missing += 1 }
            return
        }
        var acc = aggSums[k][g] ?? (FixedInterval(point: 0), 0, 0)
        if cell.state == .number, let v = cellInterval(cell, flags: flags[agg.column]) {
            switch agg.fn {
            case .min where acc.n > 0: acc.sum = FixedInterval(lo: min(acc.sum.lo, v.lo), hi: min(acc.sum.hi, v.hi))
            case .max where acc.n > 0: acc.sum = FixedInterval(lo: max(acc.sum.lo, v.lo), hi: max(acc.sum.hi, v.hi))
            case .min, .max: acc.sum = v
            default:
                if let lo = Fixed.add(acc.sum.lo, v.lo), let hi = Fixed.add(acc.sum.hi, v.hi) { acc.sum = FixedInterval(lo: lo, hi: hi) }
            }
            acc.n += 1
        } else {
            acc.missing += 1
        }
        aggSums[k][g] = acc
    }

    // MARK: Evaluation

    /// Evaluates what can be decided now; holds the row if some rule must wait.
    private func evaluateOnArrival(_ row: RowView, unit: UnitKey?, key: UnitPeriod?, id: UInt64, slot: Int32?,
                                   uniqueHashes: [UInt64]) {
        let pre = precomputed
        let level = unit?.unitCode?.level
        let canHaveChildren = level.map { $0 != .village } ?? false
        // The previous period's slot, when already read.
        var prevSlot: Int32?
        var prevMayCome = false
        if let key, let p = key.period, let pid = KeyPacker.withPeriod(id, p.previous) {
            // A period lists its units in the order the period before did: the previous period's
            // slot is most often the one after the last row's (checked against its key).
            let guess = lastPrevSlot &+ 1
            if guess > 0, Int(guess) < upIndex.count, upIndex.key(Int(guess)) == pid { prevSlot = guess } else { prevSlot = upIndex[pid] }
            if let s = prevSlot { lastPrevSlot = s }
            prevMayCome = prevSlot == nil
        }
        for i in outcomeBuffer.indices { outcomeBuffer[i] = nil }
        var waitsChildren = false, waitsPrev = false, waitsTable = false
        currentRecord = row.record
        currentBinding = row.binding
        var frame = makeFrame(cells: UnsafePointer(row.cells), code: unit?.unitCode?.code ?? "", period: key?.period ?? row.period)
        let hasPeriod = key?.period != nil
        let hasKey = key != nil
        if let p = prevSlot {
            frame.prev = previous(p)
            frame.prevKnown = true
        }
        do {
            program.rules.withUnsafeBufferPointer { rs in
                outcomeBuffer.withUnsafeMutableBufferPointer { outcomes in
                    guard let rules = rs.baseAddress else { return }
                    for r in 0..<rs.count {
                        if let pre, localIndex[r] >= 0 { outcomes[r] = pre[Int(localIndex[r])]; continue }
                        let rule = rules + r
                        if let level, let mask = rule.pointee.levelMask, mask & (1 << level.rank) == 0 { outcomes[r] = .notApplicable; continue }
                        if rule.pointee.tableLevel { continue }
                        let needs = rule.pointee.needs
                        if needs.contains(.children) {
                            if canHaveChildren && hasKey { waitsChildren = true; continue }
                            if childlessNotApplicable[r] { outcomes[r] = .notApplicable; continue }
                            frame.childrenKnown = true
                            frame.childCount = 0
                        }
                        if needs.contains(.previous) {
                            if !hasPeriod { outcomes[r] = .notApplicable; continue }
                            if prevMayCome { waitsPrev = true; continue }
                        }
                        if needs.contains(.table) { waitsTable = true; continue }
                        outcomes[r] = decide(rule, frame)
                    }
                }
            }
        }
        let outcomes = outcomeBuffer
        let hold = waitsChildren || waitsTable
        // A row of a regular file (or of bytes in memory) can be read again at the end for its cells.
        let again = canReadAgain(row.input)
        // (A row with a key has a slot: only rows with both wait as late rows.)
        let latePid: UInt64? = !hold && waitsPrev && slot != nil ? key?.period.flatMap { KeyPacker.withPeriod(id, $0.previous) } : nil
        // One batch per row, whatever order the rows came in: a held row that is read again is
        // decided whole at the end, with what it waits for; a late row with a failure now is
        // finished with its period rules, on the whole row read again. Findings are localised
        // on every rule of the row, so they cannot depend on which rule was decided first.
        let wholeLate = latePid != nil && again && outcomes.contains { $0 == .fails }
        if !(hold && again) && !wholeLate {
            // What could be decided now is tallied and reported now.
            finishRow(outcomes: outcomes, cells: UnsafePointer(row.cells), unit: unit, period: key?.period ?? row.period, slot: slot,
                      input: row.input, line: row.line, prevSlot: prevSlot, parent: nil)
        }
        if !hold {
            if let pid = latePid, let slot {
                let k = Int32(late.count)
                var next: Int32 = -1
                if let head = waitingForPrevious[pid], head != .max { next = head }
                late.append(Late(slot: slot, input: row.input, line: Int32(row.line), next: next, whole: wholeLate))
                if wholeLate { lateArrival[k] = outcomes }
                for c in lateColumns { lateCells.append(row.cells[c]) }
                waitingForPrevious[pid] = k
                // (A period outside the packed range, 0, is never looked up: its rows wait for the end.)
                if pid & 0x7FFF != 0 { periodWaitedFor[Int(pid & 0x7FFF)] = true }
            }
            currentRecord = nil
            return
        }
        var list: [Int32] = []
        for r in outcomes.indices where (outcomes[r] == nil || again) && !program.rules[r].tableLevel { list.append(Int32(r)) }
        let waiting: Int32
        if let w = waitingIndex[list] { waiting = w } else {
            waiting = Int32(waitingSets.count)
            waitingSets.append(list)
            waitingIndex[list] = waiting
        }
        // A row with a unit but no readable period keeps its unit in `key` (with no period).
        let heldKey = id != 0 ? id : (unit.map { packer.pack(UnitPeriod(unit: $0, period: nil)) } ?? 0)
        let period = key?.period ?? row.period
        var packed = UInt32(truncatingIfNeeded: KeyPacker.period(period))
        if let p = period, KeyPacker.period(UInt64(packed)) != p {
            packed = .max
            heldPeriods[held.count] = p
        }
        let h = Held(key: heldKey, print: deferredPrint(UnsafePointer(row.cells)), cells: again ? -1 : heldCells.count,
                     slot: slot ?? -1, input: Int32(row.input), line: Int32(row.line), waiting: waiting, period: packed)
        if !uniqueHashes.isEmpty || !program.aggregates.isEmpty {
            heldExtras[held.count] = (uniqueHashes, program.aggregates.map { groupKey($0.group, row) })
        }
        if !again { for c in deferredColumns { heldCells.append(row.cells[c]) } }
        held.append(h)
        currentRecord = nil
    }

    /// Decides a late row's period rules, now that its previous period came or the inputs ended.
    private func resolveLate(_ k: Int) {
        guard !late[k].done else { return }
        late[k].done = true
        let entry = late[k]
        let id = upIndex.key(Int(entry.slot))
        let key = packer.unpack(id)
        let row = (key: id, unit: Optional(key.unit), period: key.period, slot: Optional(entry.slot),
                   input: entry.input, line: entry.line)
        let prevSlot: Int32? = row.period.flatMap { p in KeyPacker.withPeriod(row.key, p.previous).flatMap { upIndex[$0] } }
        var cells = [Cell](repeating: .absent, count: max(1, schema.columns.count))
        let base = k * lateColumns.count
        for (i, c) in lateColumns.enumerated() { cells[c] = lateCells[base + i] }
        var outcomes = [RuleOutcome?](repeating: nil, count: program.rules.count)
        cells.withUnsafeBufferPointer { cb in
            guard let base = cb.baseAddress else { return }
            var frame = makeFrame(cells: base, code: row.unit?.unitCode?.code ?? "", period: row.period)
            do {
                if let p = prevSlot {
                    frame.prev = previous(p)
                    frame.prevKnown = true
                }
                let level = row.unit?.unitCode?.level
                program.rules.withUnsafeBufferPointer { rs in
                    guard let rules = rs.baseAddress else { return }
                    for r in 0..<rs.count where rs[r].needs == [.previous] {
                        if let level, let mask = rs[r].levelMask, mask & (1 << level.rank) == 0 { continue }
                        outcomes[r] = decide(rules + r, frame)
                    }
                }
            }
            if entry.whole, let arrival = lateArrival.removeValue(forKey: Int32(k)) {
                for r in outcomes.indices where outcomes[r] == nil { outcomes[r] = arrival[r] }
            }
            // A failing row is localised on its whole row, read again at the end (it keeps only
            // the cells its period rules read).
            if entry.whole || (outcomes.contains(where: { $0 == .fails }) && canReadAgain(Int(row.input))) {
                lateFailures.append(LateFailure(late: Int32(k), outcomes: outcomes, prevSlot: prevSlot))
                return
            }
            finishRow(outcomes: outcomes, cells: base, unit: row.unit, period: row.period, slot: row.slot,
                      input: Int(row.input), line: Int(row.line), prevSlot: prevSlot, parent: nil, complete: false)
        }
    }

    /// `outcomes` with the rules it leaves undecided decided on a whole row that waits for nothing
    /// (children: none; the previous period: `prevSlot`, or none), as on arrival.
    private func decideRest(_ outcomes: [RuleOutcome?], cells: UnsafePointer<Cell>, unit: UnitKey?, period: Period?,
                            prevSlot: Int32?) -> [RuleOutcome?] {
        var out = outcomes
        var frame = makeFrame(cells: cells, code: unit?.unitCode?.code ?? "", period: period)
        if let p = prevSlot {
            frame.prev = previous(p)
            frame.prevKnown = true
        }
        let level = unit?.unitCode?.level
        program.rules.withUnsafeBufferPointer { rs in
            guard let rules = rs.baseAddress else { return }
            for r in 0..<rs.count where out[r] == nil {
                let rule = rules + r
                if let level, let mask = rule.pointee.levelMask, mask & (1 << level.rank) == 0 { out[r] = .notApplicable; continue }
                if rule.pointee.tableLevel || rule.pointee.needs.contains(.table) { continue }
                if rule.pointee.needs.contains(.children) {
                    if childlessNotApplicable[r] { out[r] = .notApplicable; continue }
                    frame.childrenKnown = true
                    frame.childCount = 0
                }
                if rule.pointee.needs.contains(.previous) && period == nil { out[r] = .notApplicable; continue }
                out[r] = decide(rule, frame)
            }
        }
        return out
    }

    /// Why a held row of input `i` was not read again: its copy failed, or the file changed.
    private func notReadAgain(_ i: Int, line: Int) -> Finding {
        notCopied.contains(i) ? InputFindings.notCopied(file: files[i], line: line)
            : InputFindings.changedWhileChecked(file: files[i], line: line)
    }

    /// Whether input `i` can be read again for a row's cells: a regular file, or bytes in memory.
    private func canReadAgain(_ i: Int) -> Bool {
        guard i < identities.count else { return false }
        if identities[i] != nil || spooling.contains(i) { return true }
        if case .bytes = sources[i] { return true }
        return false
    }

    /// The late rows with a failing rule, finished on their whole rows read again (one pass per
    /// input); a row that cannot be read again as it was is finished on the cells it kept, and
    /// said to have changed.
    private func finishLateFailures() {
        guard !lateFailures.isEmpty else { return }
        lateFailures.sort { (late[Int($0.late)].input, late[Int($0.late)].line) < (late[Int($1.late)].input, late[Int($1.late)].line) }
        var done = [Bool](repeating: false, count: lateFailures.count)
        func finish(_ j: Int, _ cells: UnsafePointer<Cell>, complete: Bool) {
            let f = lateFailures[j], entry = late[Int(f.late)]
            let key = packer.unpack(upIndex.key(Int(entry.slot)))
            done[j] = true
            // Localised with every rule of the row: those decided on arrival, decided again on
            // the whole row (they read no previous period, so they come out as they did).
            let context = complete ? decideRest(f.outcomes, cells: cells, unit: key.unit, period: key.period, prevSlot: f.prevSlot) : nil
            finishRow(outcomes: f.outcomes, cells: cells, unit: key.unit, period: key.period, slot: entry.slot,
                      input: Int(entry.input), line: Int(entry.line), prevSlot: f.prevSlot, parent: nil, complete: complete,
                      context: context)
        }
        var start = 0
        while start < lateFailures.count {
            let input = Int(late[Int(lateFailures[start].late)].input)
            var end = start
            while end < lateFailures.count, Int(late[Int(lateFailures[end].late)].input) == input { end += 1 }
            let lines = lateFailures[start..<end].map { Int(late[Int($0.late)].line) }
            readLinesAgain(input, lines: lines) { [unowned self] i, row in
                let j = start + i
                let base = Int(self.lateFailures[j].late) * self.lateColumns.count
                guard self.lateColumns.enumerated().allSatisfy({ k, c in row.cells[c] == self.lateCells[base + k] }) else { return }
                finish(j, UnsafePointer(row.cells), complete: true)
            }
            for j in start..<end where !done[j] {
                let entry = late[Int(lateFailures[j].late)]
                keep(notReadAgain(input, line: Int(entry.line)), slot: entry.slot)
                var cells = [Cell](repeating: .absent, count: max(1, schema.columns.count))
                let base = Int(lateFailures[j].late) * lateColumns.count
                for (i, c) in lateColumns.enumerated() { cells[c] = lateCells[base + i] }
                cells.withUnsafeBufferPointer { b in if let p = b.baseAddress { finish(j, p, complete: false) } }
            }
            start = end
        }
        lateFailures.removeAll()
    }

    private func makeFrame(cells: UnsafePointer<Cell>, code: String, period: Period?) -> Frame {
        services.reset(code: code, period: period)
        return Frame(cells: cells, flags: UnsafePointer(flags), services: services)
    }

    private func text(_ c: Int) -> String {
        guard let r = currentRecord, let b = currentBinding, c < b.fieldOf.count, let f = b.fieldOf[c], f < r.storedCount else { return "" }
        return r.string(f)
    }

    /// One rule on one row, given what the frame holds.
    private func decide(_ rule: UnsafePointer<CompiledRule>, _ frame: Frame) -> RuleOutcome {
        Self.decide(rule, frame, machine)
    }

    static func decide(_ rule: UnsafePointer<CompiledRule>, _ frame: Frame, _ machine: TapeMachine) -> RuleOutcome {
        machine.resetReason()
        if let w = rule.pointee.when {
            switch rule.pointee.fastWhen?.truth(frame, tolerance: 0) ?? rule.pointee.wideWhen?.truth(frame, tolerance: 0)
                ?? machine.truth(w, frame) {
            case false?: return .notApplicable
            case nil: return .notChecked(machine.reason)
            case true?: break
            }
        }
        machine.resetReason()
        if let a = rule.pointee.assert {
            let t = rule.pointee.tolerance
            switch rule.pointee.fastAssert?.truth(frame, tolerance: t) ?? rule.pointee.wideAssert?.truth(frame, tolerance: t)
                ?? machine.truth(a, frame, tolerance: t) {
            case true?: return .holds
            case false?: return .fails
            case nil: return .notChecked(machine.reason)
            }
        }
        // A note: decided when its value is known.
        guard let n = rule.pointee.note else { return .notApplicable }
        return machine.number(n, frame) != nil ? .holds : .notChecked(machine.reason)
    }

    /// A held row whose wait is over (or the inputs ended: what never came is unknown).
    /// The fingerprint of a row's deferred cells (what a held row keeps, or reads again).
    private func deferredPrint(_ cells: UnsafePointer<Cell>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in deferredColumns {
            let x = cells[c]
            h = (h ^ UInt64(x.state.rawValue)) &* 0x100_0000_01b3
            h = (h ^ UInt64(bitPattern: x.mantissa)) &* 0x100_0000_01b3
            h = (h ^ UInt64(UInt16(bitPattern: x.exponent))) &* 0x100_0000_01b3
        }
        return h
    }

    /// Resolves every held row, in the order they were read: an input read again for the cells
    /// of its held rows (one pass per such input), the others from the cells they kept. A row that
    /// cannot be read again with the same figures (the file changed while it was checked) is a
    /// finding, and its waiting rules are not checked.
    private func resolveAllHeld() {
        var h = 0
        while h < held.count {
            guard let first = held[h] else { h += 1; continue }
            let input = Int(first.input)
            var end = h
            while end < held.count, held[end].map({ Int($0.input) == input }) ?? true { end += 1 }
            if first.cells >= 0 {
                for k in h..<end { resolveHeld(k, cells: nil) }
                h = end
                continue
            }
            // The held rows' lines and fingerprints, in order, as plain arrays: the CSV layer
            // asks about every line, and a `Held` is not free to copy.
            var index: [Int] = [], lines: [Int] = [], prints: [UInt64] = []
            for k in h..<end {
                guard let row = held[k] else { continue }
                index.append(k)
                lines.append(Int(row.line))
                prints.append(row.print)
            }
            readLinesAgain(input, lines: lines) { [unowned self] i, row in
                guard self.deferredPrint(UnsafePointer(row.cells)) == prints[i] else { return }
                self.resolveHeld(index[i], cells: UnsafePointer(row.cells))
            }
            // What could not be read again as it was.
            for k in h..<end {
                guard let row = held[k] else { continue }
                keep(notReadAgain(input, line: Int(row.line)), slot: row.slot >= 0 ? row.slot : nil)
                resolveHeld(k, cells: nil)
            }
            h = end
        }
        held.removeAll()
        heldPeriods = [:]
        heldExtras = [:]
    }

    /// Reads input `input` again for the rows starting on `lines` (ascending), unless it changed
    /// since it was read: each such row goes to `found` with its index in `lines`, its text
    /// available to the rules that read it (`matches`, `in {…}` on text). The CSV layer skims
    /// the other lines. A row that `found` declines (its figures differ) is simply not resolved.
    private func readLinesAgain(_ input: Int, lines: [Int], found: @escaping (Int, RowView) -> Void) {
        guard !lines.isEmpty, !(identities[input].map { Self.identity(sourcePath(input)) != $0 } ?? false) else { return }
        var next = 0
        func seek(_ line: Int) -> Bool {
            while next < lines.count, lines[next] < line { next += 1 }
            return next < lines.count && lines[next] == line
        }
        let reader = TableReader(schema: schema, file: files[input], input: input, onRow: { [unowned self] row in
            guard seek(row.line) else { return }
            self.currentRecord = row.record
            self.currentBinding = row.binding
            defer { self.currentRecord = nil }
            found(next, row)
            next += 1
        }, onFinding: { _ in })
        readAgain(input, wants: seek, into: reader)
    }

    /// Reads an input again into `reader`, parsing only the records that start on the lines
    /// `wants` names (the CSV layer skims the others); its findings were reported the first time.
    private func readAgain(_ input: Int, wants: @escaping (Int) -> Bool, into reader: TableReader) {
        switch sources[input] {
        case .path(let path):
            _ = try? CSVReader.read(path: path, options: options.reader, wantsLine: wants, reportsDeclined: false,
                                    onRecord: reader.record, onFinding: { _ in })
        case .bytes(let b):
            let csv = CSVReader(options: options.reader, onRecord: reader.record, onFinding: { _ in })
            csv.wantsLine = wants
            csv.reportsDeclined = false
            b.withUnsafeBytes { csv.feed($0) }
            _ = csv.finish()
        }
    }

    private func sourcePath(_ input: Int) -> String {
        if case .path(let p) = sources[input] { return p }
        return "-"
    }

    private func resolveHeld(_ h: Int, cells given: UnsafePointer<Cell>?) {
        guard let row = held[h] else { return }
        held[h] = nil
        let period = row.period == .max ? heldPeriods[h] : KeyPacker.period(UInt64(row.period))
        let extras = heldExtras.removeValue(forKey: h)
        let unit: UnitKey = row.key != 0 ? packer.unpack(row.key).unit : .line(input: Int(row.input), line: Int(row.line))
        var all = [Cell](repeating: .absent, count: max(1, schema.columns.count))
        // Read again: the whole row (its findings are localised on every figure, as on arrival).
        if let given {
            for c in 0..<schema.columns.count { all[c] = given[c] }
        } else if row.cells >= 0 {
            for (i, c) in deferredColumns.enumerated() { all[c] = heldCells[row.cells + i] }
        }
        var outcomes = [RuleOutcome?](repeating: nil, count: program.rules.count)
        let prevSlot: Int32? = period.flatMap { p in KeyPacker.withPeriod(row.key, p.previous).flatMap { upIndex[$0] } }
        let parent = parentSlot(of: unit, period: period)
        let childCount = parent.map { Int(parCount[Int($0)]) } ?? 0
        all.withUnsafeBufferPointer { cellBuffer in
            guard let cells = cellBuffer.baseAddress else { return }
            var frame = makeFrame(cells: cells, code: unit.unitCode?.code ?? "", period: period)
            frame.childrenKnown = true
            frame.childCount = childCount
            let unique = (extras?.uniqueHashes ?? []).enumerated().map { (k, h) in (uniqueCounts[k][h] ?? 0) <= 1 }
            let aggs = program.aggregates.enumerated().map { (k, a) in aggregate(k, a, group: extras?.groupKeys[k] ?? 0) }
            let (_, parentSums, parentMissing) = parent.map { childState($0) } ?? (0, [], [])
            parentSums.withUnsafeBufferPointer { sums in
                parentMissing.withUnsafeBufferPointer { missing in
                    do {
                        unique.withUnsafeBufferPointer { u in
                            aggs.withUnsafeBufferPointer { ag in
                                if parent != nil, let s = sums.baseAddress, let m = missing.baseAddress {
                                    frame.childSums = s
                                    frame.childMissing = m
                                }
                                if let p = prevSlot {
                                    frame.prev = self.previous(p)
                                    frame.prevKnown = true
                                }
                                frame.unique = u.baseAddress
                                frame.aggregates = ag.baseAddress
                                program.rules.withUnsafeBufferPointer { rs in
                                    guard let rules = rs.baseAddress else { return }
                                    let level = unit.unitCode?.level
                                    for k in waitingSets[Int(row.waiting)] {
                                        let r = Int(k)
                                        if let level, let mask = rs[r].levelMask, mask & (1 << level.rank) == 0 {
                                            outcomes[r] = .notApplicable
                                            continue
                                        }
                                        if rs[r].needs.contains(.previous) && period == nil { outcomes[r] = .notApplicable; continue }
                                        outcomes[r] = decide(rules + r, frame)
                                    }
                                }
                                finishRow(outcomes: outcomes, cells: cells, unit: unit, period: period,
                                          slot: row.slot >= 0 ? row.slot : nil, input: Int(row.input), line: Int(row.line),
                                          prevSlot: prevSlot, parent: parent, complete: given != nil)
                            }
                        }
                    }
                }
            }
        }
    }

    private func aggregate(_ k: Int, _ a: Aggregate, group g: UInt64) -> Slot {
        // As R: a missing value makes the aggregate unknown, unless na.rm.
        if !a.ignoreMissing, let acc = aggSums[k][g], acc.missing > 0 { return .unknown }
        if a.fn == .median {
            guard var vs = aggValues[k][g], !vs.isEmpty else { return .unknown }
            vs.sort()
            let m = vs.count / 2
            let med = vs.count % 2 == 1 ? vs[m] : ((vs[m - 1] + vs[m]).divided(by: ExactDecimal(integer: 2), digits: 12) ?? vs[m])
            guard let v = Fixed.scaled(med) else { return .unknown }
            return Slot(v: FixedInterval(point: v), tag: .number)
        }
        guard let acc = aggSums[k][g] else { return .unknown }
        switch a.fn {
        case .count: return Slot(v: FixedInterval(point: Int128(acc.n) * FixedInterval.one), tag: .number)
        case .sum, .min, .max: return acc.n > 0 ? Slot(v: acc.sum, tag: .number) : .unknown
        case .mean:
            guard acc.n > 0, let v = Fixed.divide(acc.sum, FixedInterval(point: Int128(acc.n) * FixedInterval.one)) else { return .unknown }
            return Slot(v: v, tag: .number)
        case .median: return .unknown
        }
    }

    /// Tallies a row's outcomes and emits its findings: violations localised together (which
    /// field is wrong, a typo, whether it inflates), and notes.
    private func finishRow(outcomes: [RuleOutcome?], cells: UnsafePointer<Cell>, unit: UnitKey?, period: Period?, slot: Int32?,
                           input: Int, line: Int, prevSlot: Int32?, parent: Int32?, complete: Bool = true,
                           context: [RuleOutcome?]? = nil) {
        var failing: [Int] = []
        outcomes.withUnsafeBufferPointer { os in
            for r in 0..<os.count {
                guard let o = os[r] else { continue }
                switch o {
                case .holds:
                    tallies[r].holds += 1
                    if noteOnly[r] {
                        emitNote(r, cells: cells, unit: unit, period: period, slot: slot, input: input, line: line, prevSlot: prevSlot)
                    }
                case .notApplicable: tallies[r].notApplicable += 1
                case .fails:
                    tallies[r].fails += 1
                    failing.append(r)
                case .notChecked(let why):
                    tallies[r].notChecked += 1
                    if case .noStandard(let p) = why, hasImplied[r] {
                        emitImplied(r, programme: p, cells: cells, unit: unit, period: period, slot: slot, input: input,
                                    line: line, prevSlot: prevSlot)
                    }
                }
            }
        }
        guard !failing.isEmpty else { return }
        let ctx = RowContext(checker: self, cells: cells, unit: unit, period: period, input: input, line: line,
                             prevSlot: prevSlot, parent: parent, complete: complete)
        var findings = ctx.violations(failing, outcomes: context ?? outcomes)
        for f in findings.indices { findings[f].file = files[input] }
        for (k, f) in findings.enumerated() {
            let rule = program.rules[failing[k]]
            if f.typo == nil, let u = unit?.unitCode, let c = Self.childSumColumn(rule, schema), let n = cells[c].number {
                hierarchyFailures.append((f, slot, UnitPeriod(unit: .code(u), period: period), c, n))
                continue
            }
            keep(f, slot: slot)
        }
    }

    /// The column of a rule `X = sum(children.X)`.
    static func childSumColumn(_ rule: CompiledRule, _ schema: Schema) -> Int? {
        guard case .compare([.eq], let operands)? = rule.rule.assert, operands.count == 2,
              case .column(let f) = operands[0], case .childSum(let g) = operands[1], f == g else { return nil }
        return schema.index(of: f)
    }

    // MARK: Second pass: a child's typo

    /// Reads the inputs again, only for what findings need and the pass did not keep: both rows
    /// of a repeated unit-period (a duplicate, or a revision and which figures changed), and the children of parents whose
    /// sums failed, to report a child whose single keystroke (a swap, a dropped or doubled digit, a 万/元 slip, a sign)
    /// balances the sum exactly: the parent is not wrong, that child is. Standard input cannot be
    /// read twice: there the parent's finding stands as it is.
    private func secondPass() {
        guard !hierarchyFailures.isEmpty || !repeats.isEmpty else { return }
        // The rows of each repeat to read again: its unit-period's first row, and itself unless
        // its cells were kept. An input that changed since it was read is not read for them.
        var repeatRows: [UInt64: [(repeat: Int, first: Bool)]] = [:]
        for (i, r) in repeats.enumerated() {
            repeatRows[r.first, default: []].append((i, true))
            if r.cells == nil { repeatRows[UInt64(r.input) << 40 | UInt64(r.line), default: []].append((i, false)) }
        }
        var firstCells: [Int: [Cell]] = [:], ownCells: [Int: [Cell]] = [:]
        let unchanged = sources.indices.map { i in !(identities[i].map { Self.identity(sourcePath(i)) != $0 } ?? false) }
        var wanted: [UInt64: [Int]] = [:]
        for (i, h) in hierarchyFailures.enumerated() { wanted[packer.pack(h.parent), default: []].append(i) }
        struct Child { var code: String; var input: Int; var line: Int; var field: Int?; var value: ReportedNumber? }
        var children: [Int: [Child]] = [:]
        // The lines to read again, per input: the revised first rows, and the first rows of the
        // failing parents' children (found from the unit-periods kept, without reading).
        var lines = [Set<Int>](repeating: [], count: sources.count)
        for key in repeatRows.keys where Int(key >> 40) < lines.count { lines[Int(key >> 40)].insert(Int(key & 0xFF_FFFF_FFFF)) }
        if !wanted.isEmpty {
            for s in 0..<upIndex.count {
                guard let pk = KeyPacker.parentKey(upIndex.key(s)), wanted[pk] != nil else { continue }
                let first = firstRow(Int32(s))
                if Int(first >> 40) < lines.count { lines[Int(first >> 40)].insert(Int(first & 0xFF_FFFF_FFFF)) }
            }
        }
        for (input, source) in sources.enumerated() {
            if case .path("-") = source { continue }
            if lines[input].isEmpty { continue }
            let mine = lines[input]
            let wants: (Int) -> Bool = { mine.contains($0) }
            let reader = TableReader(schema: schema, file: files[input], input: input, onRow: { [unowned self] row in
                if unchanged[input], let list = repeatRows[UInt64(input) << 40 | UInt64(row.line)] {
                    let cells = Array(UnsafeBufferPointer(start: row.cells, count: self.schema.columns.count))
                    for (i, first) in list {
                        if first { firstCells[i] = cells } else { ownCells[i] = cells }
                    }
                }
                guard let u = row.unit, let p = u.parent else { return }
                var pk = self.packer
                guard let list = wanted[pk.pack(UnitPeriod(unit: .code(p), period: row.period))] else { return }
                // Only a first occurrence counts in the parent's sum.
                let own = pk.pack(UnitPeriod(unit: .code(u), period: row.period))
                guard let s = self.upIndex[own], self.firstRow(s) == UInt64(input) << 40 | UInt64(row.line) else { return }
                for i in list {
                    let c = self.hierarchyFailures[i].column
                    children[i, default: []].append(Child(code: u.code, input: input, line: row.line, field: row.fieldNumber(c),
                                                          value: row.cells[c].number))
                }
            }, onFinding: { _ in })
            readAgain(input, wants: wants, into: reader)
        }
        for (i, r) in repeats.enumerated() {
            let key = packer.unpack(upIndex.key(Int(r.slot)))
            let firstFile = files[Int(r.first >> 40)], firstLine = Int(r.first & 0xFF_FFFF_FFFF)
            let (unit, period, file) = (key.unit.code, r.period?.description, files[Int(r.input)])
            var f = InputFindings.revision(unit: unit, period: period, line: r.line, first: (firstFile, firstLine), file: file)
            defer { keep(f, slot: r.slot) }
            guard let was = firstCells[i], let now = r.cells ?? ownCells[i] else {
                // Told a revision on arrival, it stays one (which figures changed is not known);
                // otherwise the two rows cannot be compared: said so, as for any row whose rules
                // waited for a row that could not be read again.
                if !r.revised {
                    f = firstCells[i] == nil ? notReadAgain(Int(r.first >> 40), line: firstLine) : notReadAgain(Int(r.input), line: r.line)
                }
                continue
            }
            if samePrinted(was, now) {
                f = InputFindings.duplicate(unit: unit, period: period, line: r.line, first: (firstFile, firstLine), file: file)
                continue
            }
            var changes: [(String, String, String)] = []
            for (c, spec) in schema.columns.enumerated() where spec.isNumeric {
                let x = was[c], y = now[c]
                switch (x.number, y.number) {
                case (let a?, let b?) where !a.hasSameValue(as: b):
                    changes.append((spec.name, ExactDecimal(a).description, ExactDecimal(b).description))
                case (nil, let b?) where x.state != .absent:
                    changes.append((spec.name, "", ExactDecimal(b).description))
                case (let a?, nil) where y.state != .absent:
                    changes.append((spec.name, ExactDecimal(a).description, ""))
                default: continue
                }
            }
            guard !changes.isEmpty else { continue }
            let list = changes.prefix(6).map { "\($0.0) \($0.1.isEmpty ? "—" : $0.1) → \($0.2.isEmpty ? "—" : $0.2)" }
                .joined(separator: ", ") + (changes.count > 6 ? ", …" : "")
            f.fields = changes.map(\.0)
            f.expected = changes[0].1
            f.actual = changes[0].2
            f.column = schema.index(of: changes[0].0).flatMap { c in binding(Int(r.input))?.fieldOf[c].map { $0 + 1 } }
            f.message = Message(zh: f.message.zh.replacingAll("：二者不可能都真实", with: "：\(list)"),
                                en: f.message.en.replacingAll(": both cannot be true", with: ": \(list)"))
        }
        repeats.removeAll()
        repeatOf = [:]
        for (i, h) in hierarchyFailures.enumerated() {
            var parentFinding = h.finding
            defer { keep(parentFinding, slot: h.slot) }
            guard let kids = children[i], !kids.isEmpty, kids.allSatisfy({ $0.value != nil }) else { continue }
            let spec = schema.columns[h.column]
            var figures = [Figure(name: "parent", reported: h.reported, isCount: spec.type == .count, isRate: spec.type == .rate, exact: spec.exact)]
            var terms: [(variable: String, coefficient: ExactDecimal)] = [("parent", ExactDecimal(integer: 1))]
            for (k, c) in kids.enumerated() {
                guard let v = c.value else { continue }
                figures.append(Figure(name: "child\(k)", reported: v, isCount: spec.type == .count, isRate: spec.type == .rate, exact: spec.exact))
                terms.append(("child\(k)", ExactDecimal(integer: -1)))
            }
            let hypotheses = Localizer.typos(figures, [LinearConstraint(terms: terms, lo: .zero, hi: .zero, rule: h.finding.id)])
            // Only an unambiguous answer: one child, one correction, and not the parent itself.
            guard !hypotheses.contains(where: { $0.field == "parent" }),
                  Set(hypotheses.map(\.field)).count == 1, Set(hypotheses.map(\.corrected)).count == 1,
                  let t = hypotheses.first, let k = Int(t.field.dropFirst("child".count)), k < kids.count,
                  let was = kids[k].value else { continue }
            let child = kids[k]
            let col = spec.name
            let wasText = ExactDecimal(was).grouped()
            parentFinding.message = Message(zh: parentFinding.message.zh + "（疑为 \(child.code) 的 \(col) 笔误：\(wasText) 应为 \(t.corrected)）",
                                            en: parentFinding.message.en + " (likely a typo in \(child.code)'s \(col): \(wasText) for \(t.corrected))")
            parentFinding.likelyWrong = ["\(child.code).\(col)"]
            parentFinding.severity = min(parentFinding.severity, .fail)
            let parentCode = h.parent.unit.code
            let f = Finding(id: h.finding.id, kind: .rule, severity: .fail, file: files[child.input], line: child.line, column: child.field,
                            unitCode: child.code, period: h.parent.period?.description, fields: [col], expected: t.corrected,
                            actual: ExactDecimal(was).description, likelyWrong: [col],
                            typo: TypoHypothesis(field: col, kind: t.kind, corrected: t.corrected),
                            message: Message(zh: "\(col) 疑为笔误（\(t.kind)）：改为 \(t.corrected) 后上级 \(parentCode) 的合计正好相符",
                                             en: "\(col) looks mistyped (\(t.kind)): with \(t.corrected) the sum at \(parentCode) balances exactly"))
            keepLate(f, key: UnitPeriod(unit: .code(UnitCode(code: child.code)), period: h.parent.period))
        }
        hierarchyFailures.removeAll()
    }

    /// Evaluates a number on a row: its cells and the kept previous period.
    private func noteValue(_ tape: Tape, cells: UnsafePointer<Cell>, unit: UnitKey?, period: Period?, prevSlot: Int32?) -> ExactDecimal? {
        var frame = makeFrame(cells: cells, code: unit?.unitCode?.code ?? "", period: period)
        if let p = prevSlot {
            frame.prev = previous(p)
            frame.prevKnown = true
        }
        machine.resetReason()
        let v = machine.number(tape, frame)
        guard let v else { return nil }
        if v.lo == v.hi { return Fixed.decimal(v.lo) }
        // The midpoint to 2 decimals, half away from zero: what `(lo + hi) / 2` to 2 digits gives
        // on exact decimals, in the units of the tape.
        let (sum, overflow) = v.lo.addingReportingOverflow(v.hi)
        if !overflow {
            let step = 2 * Fixed.pow10[FixedInterval.scale - 2]
            var (q, r) = sum.quotientAndRemainder(dividingBy: step)
            if r.magnitude * 2 >= step.magnitude { q += sum < 0 ? -1 : 1 }
            return ExactDecimal(mantissa: q, exponent: -2)
        }
        let lo = Fixed.decimal(v.lo), hi = Fixed.decimal(v.hi)
        return (lo + hi).divided(by: ExactDecimal(integer: 2), digits: 2) ?? lo
    }

    /// A note rule's value; the message is written only for the few rows a folded note shows.
    private func emitNote(_ r: Int, cells: UnsafePointer<Cell>, unit: UnitKey?, period: Period?, slot: Int32?,
                          input: Int, line: Int, prevSlot: Int32?) {
        let tape: Tape? = program.rules.withUnsafeBufferPointer { $0[r].note }
        guard let tape, let value = noteValue(tape, cells: cells, unit: unit, period: period, prevSlot: prevSlot) else { return }
        let position = FindingSink.position(input: input, line: line)
        guard sink.wantsExample(2 * r, at: position) else {
            sink.noteCount(2 * r, value: value)
            return
        }
        let rule = program.rules[r]
        let ctx = RowContext(checker: self, cells: cells, unit: unit, period: period, input: input, line: line, prevSlot: prevSlot, parent: nil)
        let (zh, _) = ctx.fill(rule.rule.message.zh, value: value)
        let (en, _) = ctx.fill(rule.rule.message.en, value: value)
        let f = Finding(id: rule.rule.id, kind: .rule, severity: .info, file: files[input], line: line,
                        column: rule.target.flatMap { ctx.fieldNumber($0) }, unitCode: unit?.code, period: period?.description,
                        fields: rule.columns.map { schema.columns[$0].name }, expected: value.description,
                        message: Message(zh: zh, en: en))
        sink.note(f, key: 2 * rule.index, value: value, at: position)
    }

    private func emitImplied(_ r: Int, programme p: Int, cells: UnsafePointer<Cell>, unit: UnitKey?, period: Period?,
                             slot: Int32?, input: Int, line: Int, prevSlot: Int32?) {
        let tape: Tape? = program.rules.withUnsafeBufferPointer { $0[r].implied }
        guard let tape, let mid = noteValue(tape, cells: cells, unit: unit, period: period, prevSlot: prevSlot) else { return }
        let position = FindingSink.position(input: input, line: line)
        guard sink.wantsExample(2 * r + 1, at: position) else {
            sink.noteCount(2 * r + 1, value: mid)
            return
        }
        let rule = program.rules[r]
        let id = rule.rule.id + ".implied"
        let ctx = RowContext(checker: self, cells: cells, unit: unit, period: period, input: input, line: line, prevSlot: prevSlot, parent: nil)
        let text = mid.grouped(fractionDigits: 2)
        let name = schema.programmes[p].name
        let f = Finding(id: id, kind: .rule, severity: .info, file: files[input], line: line,
                        column: rule.target.flatMap { ctx.fieldNumber($0) }, unitCode: unit?.code, period: period?.description,
                        fields: rule.columns.map { schema.columns[$0].name }, actual: mid.description,
                        message: Message(zh: "未检查：没有 \(name) 的标准；按报告数推算每人 \(text) 元",
                                         en: "not checked: no standard for \(name); implied \(text) yuan per person"))
        sink.note(f, key: 2 * rule.index + 1, value: mid, at: position)
    }

    // MARK: Finish

    public func finish() -> CheckResult {
        // With more than one job the detectors finish (their tests, corrections and evidence) on
        // a thread of their own while the held rows are resolved: they share no state.
        let forensicAhead = finishesInParallel ? DetectorFinish(detectors, files: files) : nil
        // Rows still waiting: their previous periods never came, or they waited for children.
        resolveAllHeld()
        heldCells.release()
        for k in 0..<late.count where !late[k].done { resolveLate(k) }
        finishLateFailures()
        late.release()
        lateCells.release()
        waitingForPrevious = KeyMap(capacity: 16)
        // Whole-table rules: one outcome for the table.
        for r in program.rules.indices where program.rules[r].tableLevel {
            let rule = program.rules[r]
            let aggs = program.aggregates.enumerated().map { (k, a) in aggregate(k, a, group: 0) }
            let empty = [Cell](repeating: .absent, count: max(1, schema.columns.count))
            let outcome: RuleOutcome = empty.withUnsafeBufferPointer { cells in
                aggs.withUnsafeBufferPointer { ag in
                    guard let base = cells.baseAddress else { return .notChecked(.noGroup) }
                    var frame = makeFrame(cells: base, code: "", period: nil)
                    frame.aggregates = ag.baseAddress
                    return program.rules.withUnsafeBufferPointer { rs in
                        guard let rules = rs.baseAddress else { return .notApplicable }
                        return decide(rules + r, frame)
                    }
                }
            }
            switch outcome {
            case .holds: tallies[r].holds += 1
            case .fails:
                tallies[r].fails += 1
                sink.add(Finding(id: rule.rule.id, kind: .rule, severity: rule.rule.severity, file: files.first ?? "",
                                 message: rule.rule.message))
            case .notApplicable: tallies[r].notApplicable += 1
            case .notChecked: tallies[r].notChecked += 1
            }
        }
        secondPass()
        for s in spools { s.remove() }
        spools = []
        // What only the rules' pass needed is freed before the detectors build their tests and
        // findings on top (the run's peak was there) and before the verdicts are sorted: the
        // verdicts need only each unit-period's key and worst severity.
        releasePassState()
        Memory.returnFreed()
        // Each detector finding raises its unit-periods' verdicts and goes to the sink as it is made
        // (with one job), not listed first.
        func keep(_ f: Finding, _ keys: [UnitPeriod]) {
            for k in keys { var p = packer; if let s = upIndex[p.pack(k)] { upWorst[Int(s)] = max(upWorst[Int(s)], UInt8(f.severity.rawValue)) } }
            sink.add(f)
        }
        let forensic = forensicAhead?.wait() ?? detectors.finish(files: files, emit: keep)
        Memory.returnFreed()
        for (f, keys) in forensic.findings { keep(f, keys) }
        (result.evidence, result.detectorNotes, result.detectorTests) = (forensic.evidence, forensic.notes, forensic.tests)
        // Unit names, kept as they are for the reports (the result owns them now).
        result.unitNames = UnitNames(store: names.take())
        // Input, line, column (the whole-line ones last), the most severe first, then the order
        // they were found in.
        var inputOf: [String: Int] = [:]
        for (i, f) in files.enumerated() where inputOf[f] == nil { inputOf[f] = i }
        result.findings = sink.findings { a, b in
            let ia = inputOf[a.file] ?? 0, ib = inputOf[b.file] ?? 0
            if ia != ib { return ia < ib }
            if (a.line ?? 0) != (b.line ?? 0) { return (a.line ?? 0) < (b.line ?? 0) }
            if (a.column ?? .max) != (b.column ?? .max) { return (a.column ?? .max) < (b.column ?? .max) }
            if a.severity != b.severity { return a.severity > b.severity }
            return a.sequence < b.sequence
        }
        result.droppedFindings = sink.droppedTotal
        result.dropped = sink.dropped.sorted { $0.key < $1.key }.flatMap { id, counts in
            counts.enumerated().compactMap { s, n in n > 0 ? (id, Severity(rawValue: s) ?? .info, n) : nil }
        }
        for s in Severity.allCases { result.severityCounts[s] = sink.counts[s.rawValue] }
        // Sorted by packed key: codes, then key texts, then lines; periods in order within a unit.
        // Text keys sort by first appearance (their interned index), not alphabetically.
        // Each key with its worst severity in bits 56–57 (free in every kind of packed key): no
        // lookups, and the map is freed before the sort's buffer is taken.
        let n = upIndex.count
        let mark: UInt64 = 3 << 56
        upIndex.releaseBuckets()
        var keys: [UInt64] = []
        keys.reserveCapacity(n)
        for s in 0..<n { keys.append(upIndex.key(s) | UInt64(upWorst[s] & 3) << 56) }
        upIndex.release()
        upWorst.release()
        keys.sort { ($0 & ~mark) < ($1 & ~mark) }
        var worst = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            worst[i] = UInt8((keys[i] >> 56) & 3)
            keys[i] &= ~mark
        }
        result.verdicts = VerdictList(keys: keys, worst: worst, packer: packer)
        result.rules = program.rules.indices.map { (program.rules[$0].rule.id, tallies[$0]) }
        result.noteRules = Set(program.rules.filter { $0.rule.assert == nil }.map(\.rule.id))
        Causes.attach(&result, rules: options.rules)
        return result
    }

    // MARK: State access for RowContext and the second pass

    var fileNames: [String] { files }

    func prevCells(_ slot: Int32) -> [Cell] {
        let n = program.prevColumns.count
        return (0..<n).map { upPrev[Int(slot) * n + $0] }
    }

    /// A parent-period's child sums as intervals (a column whose sum is unknown is marked missing).
    func childState(_ parent: Int32) -> (count: Int, sums: [FixedInterval], missing: [Bool]) {
        let n = program.childColumns.count
        var sums: [FixedInterval] = []
        var missing: [Bool] = []
        let s = Int(parent)
        for k in 0..<n {
            let h = Int128(parentHalf(s, k))
            if !parentUnknown(s, k), let lo = Fixed.sub(parentCenter(s, k), h), let hi = Fixed.add(parentCenter(s, k), h) {
                sums.append(FixedInterval(lo: lo, hi: hi))
                missing.append(false)
            } else {
                sums.append(FixedInterval(point: 0))
                missing.append(true)
            }
        }
        return (Int(parCount[Int(parent)]), sums, missing)
    }

    var standardsTable: StandardsTable { standards }

    func parentSlot(of unit: UnitKey, period: Period?) -> Int32? {
        guard let u = unit.unitCode else { return nil }
        var p = packer
        return parIndex[p.pack(UnitPeriod(unit: .code(u), period: period))]
    }

    func binding(_ input: Int) -> TableBinding? { input < bindings.count ? bindings[input] : nil }

    /// A finding from the second pass, at the slot of its unit-period.
    func keepLate(_ f: Finding, key: UnitPeriod) {
        var p = packer
        let s = upIndex[p.pack(key)]
        keep(f, slot: s)
    }
}

extension Period {
    /// The period before this one (2020 → 2019, 2020H1 → 2019H2, 2020Q1 → 2019Q4, 2020-01 → 2019-12).
    public var previous: Period {
        switch part {
        case .year: Period(year: year - 1, part: .year)
        case .half(let h): h == 1 ? Period(year: year - 1, part: .half(2)) : Period(year: year, part: .half(1))
        case .quarter(let q): q == 1 ? Period(year: year - 1, part: .quarter(4)) : Period(year: year, part: .quarter(q - 1))
        case .month(let m): m == 1 ? Period(year: year - 1, part: .month(12)) : Period(year: year, part: .month(m - 1))
        }
    }

    /// The period after this one.
    public var next: Period {
        switch part {
        case .year: Period(year: year + 1, part: .year)
        case .half(let h): h == 2 ? Period(year: year + 1, part: .half(1)) : Period(year: year, part: .half(2))
        case .quarter(let q): q == 4 ? Period(year: year + 1, part: .quarter(1)) : Period(year: year, part: .quarter(q + 1))
        case .month(let m): m == 12 ? Period(year: year + 1, part: .month(1)) : Period(year: year, part: .month(m + 1))
        }
    }
}
