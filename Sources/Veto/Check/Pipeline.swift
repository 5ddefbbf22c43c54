import VetoCSV
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` on a new thread (which keeps what `body` captures until it returns); nil when no
/// thread can be started.
func startThread(_ body: @escaping () -> Void) -> pthread_t? {
    final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body))
    var t = pthread_t()
    let rc = pthread_create(&t, nil, { raw in
        guard let raw else { return nil }
        Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, box.toOpaque())
    guard rc == 0 else {
        box.release()
        return nil
    }
    return t
}

/// What a reader thread hands the checking thread, in the order it happened: the header's
/// binding, input findings, rows (copied out of the reader's buffers), and how the input ended.
enum PipeEvent {
    case binding(TableBinding)
    case finding(Finding)
    case row(PipeRow)
    case end(CSVInputSummary, rows: Int)
    case failed(CSVReadError)
}

/// A row that outlives the reader's callback: its record copied, its cells in the batch.
struct PipeRow {
    var line: Int
    var endLine: Int
    var cellsAt: Int
    /// Where the row-local rules' outcomes start in the batch (-1: not decided ahead).
    var outcomesAt: Int
    var record: CSVRecord
    var unit: UnitCode?
    var period: Period?
    var unitText: String?
    var periodText: String?
    var unitName: String?
}

/// Events in batches (fewer hand-overs), with the rows' cells side by side.
final class PipeBatch: @unchecked Sendable {
    var events: [PipeEvent] = []
    var cells: [Cell] = []
    var outcomes: [RuleOutcome?] = []
    init() {
        events.reserveCapacity(PipeBatch.size)
    }
    static let size = 512

    /// Empties the batch for reuse, its buffers kept.
    func reset() {
        events.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
        outcomes.removeAll(keepingCapacity: true)
    }
}

/// Batches handed back by the consumer once read, for the producer to fill again: a batch's
/// buffers (a quarter of a megabyte of cells) are allocated once, not once per 512 rows (each a
/// fresh mapping and its page faults, buffers that large being mapped on their own).
///
/// - Complexity: O(1) per call; memory at most `limit` batches.
final class SparePool<Batch: AnyObject>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var spares: [Batch] = []
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// A spare batch, or nil when none was handed back yet.
    func take() -> Batch? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return spares.popLast()
    }

    /// Hands an emptied batch back (dropped when `limit` are already spare).
    func give(_ b: Batch) {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if spares.count < limit { spares.append(b) }
    }
}

/// A bounded queue of batches between two threads (a reader and the checking thread, or the
/// checking thread and the detectors'): the producer waits when `capacity` batches are waiting,
/// so memory stays bounded however fast it produces.
///
/// - Complexity: memory O(capacity × batch size × row width).
final class RowPipe<Batch>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    private var queue: [Batch] = []
    private var closed = false
    let capacity: Int

    init(capacity: Int = 8) {
        self.capacity = capacity
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
    }

    deinit {
        pthread_cond_destroy(&cond)
        pthread_mutex_destroy(&mutex)
    }

    func put(_ b: Batch) {
        pthread_mutex_lock(&mutex)
        while queue.count >= capacity { pthread_cond_wait(&cond, &mutex) }
        queue.append(b)
        pthread_cond_broadcast(&cond)
        pthread_mutex_unlock(&mutex)
    }

    func close() {
        pthread_mutex_lock(&mutex)
        closed = true
        pthread_cond_broadcast(&cond)
        pthread_mutex_unlock(&mutex)
    }

    /// The next batch, or nil once the reader closed the pipe and everything was taken.
    func take() -> Batch? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while queue.isEmpty && !closed { pthread_cond_wait(&cond, &mutex) }
        guard !queue.isEmpty else { return nil }
        let b = queue.removeFirst()   // at most `capacity` waiting: nothing taken stays referenced
        pthread_cond_broadcast(&cond)
        return b
    }
}

/// Reads one input on its own thread into a pipe: CSV parsing, transcoding, header binding and
/// number parsing happen there; the checking thread gets the rows in order.
final class InputReader: @unchecked Sendable {
    let path: String
    let name: String
    let input: Int
    let schema: Schema
    let options: CSVReaderOptions
    let pipe = RowPipe<PipeBatch>()
    /// Batches the checking thread has read, emptied, for this reader to fill again.
    let spares = SparePool<PipeBatch>(limit: 10)
    private var thread: pthread_t?
    private var started = false
    /// The file's identity just before it was read (read it once the pipe is drained).
    private(set) var identity: Checker.FileIdentity?
    /// The copy of an input that cannot be read twice, whole once the pipe is drained (else nil).
    private(set) var spool: Spool?
    /// Whether the input is being copied (written before the first batch, never changed after).
    private(set) var spooling = false

    let rules: RowRuleEvaluator?
    /// Whether the checking thread reads the rows' text (else a row is handed over with its
    /// place and figures, its record's bytes not copied).
    let keepsRecords: Bool

    init(path: String, name: String, input: Int, schema: Schema, options: CSVReaderOptions, rules: RowRuleEvaluator? = nil,
         keepsRecords: Bool = true) {
        self.rules = rules
        self.keepsRecords = keepsRecords
        self.path = path
        self.name = name
        self.input = input
        self.schema = schema
        self.options = options
    }

    func start() {
        guard !started else { return }
        started = true
        if let t = startThread({ self.run() }) {
            thread = t
        } else {
            // No thread: read here, in the caller's (the pipe is unbounded for it then).
            run()
        }
    }

    func join() {
        if let t = thread { pthread_join(t, nil) }
        thread = nil
    }

    private func run() {
        defer { pipe.close() }
        identity = Checker.identity(path)
        if identity == nil {
            spool = Spool()
            spooling = spool != nil
        }
        let width = max(1, schema.columns.count)
        var batch = PipeBatch()
        func flush(_ force: Bool = false) {
            guard force || batch.events.count >= PipeBatch.size else { return }
            if !batch.events.isEmpty { pipe.put(batch) }
            batch = spares.take() ?? PipeBatch()
        }
        let reader = TableReader(schema: schema, file: name, input: input, onRow: { row in
            let at = batch.cells.count
            batch.cells.append(contentsOf: UnsafeBufferPointer(start: row.cells, count: width))
            var outcomesAt = -1
            if let rules = self.rules {
                outcomesAt = batch.outcomes.count
                rules.decide(row, into: &batch.outcomes)
            }
            batch.events.append(.row(PipeRow(line: row.line, endLine: row.endLine, cellsAt: at, outcomesAt: outcomesAt,
                                             record: self.keepsRecords ? row.record.copy() : row.record.placeOnly(),
                                             unit: row.unit, period: row.period, unitText: row.unitText,
                                             periodText: row.periodText, unitName: row.unitName)))
            flush()
        }, onFinding: { f in
            batch.events.append(.finding(f))
        })
        do throws(CSVReadError) {
            let s = try CSVReader.read(path: path, options: options, spool: spool, onRecord: { r in
                reader.record(r)
                if r.index == 0 {
                    batch.events.append(.binding(reader.binding))
                    flush()
                }
            }, onFinding: reader.csvFinding)
            batch.events.append(.end(s, rows: reader.rows))
            if spool?.close() == false { spool = nil }
        } catch {
            batch.events.append(.failed(error))
            spool?.remove()
            spool = nil
        }
        flush(true)
    }
}

/// Decides a row's row-local rules (those that read only the row: no previous period, no
/// children, no whole table) on a reader thread, with its own tape machine and services: what
/// the checking thread would decide for them, decided ahead. It reads the compiled program and
/// the column flags the checker owns (immutable while inputs are read).
final class RowRuleEvaluator: @unchecked Sendable {
    let program: Program
    let local: [Int]
    let flags: UnsafePointer<UInt8>
    private let machine = TapeMachine()
    private let services: FrameServices
    private var record: CSVRecord?
    private var binding: TableBinding?

    init(program: Program, local: [Int], flags: UnsafePointer<UInt8>, standards: StandardsTable) {
        self.program = program
        self.local = local
        self.flags = flags
        services = FrameServices(standards: standards, programmes: program.schema.programmes.map(\.name))
        services.text = { [unowned self] c in
            guard let r = self.record, let b = self.binding, c < b.fieldOf.count, let f = b.fieldOf[c], f < r.storedCount else { return "" }
            return r.string(f)
        }
    }

    /// Appends the outcome of each row-local rule, in `local` order.
    func decide(_ row: RowView, into out: inout [RuleOutcome?]) {
        // As the checker keys the row: a division code unless a text key is declared.
        let code = row.binding.textKeyColumns.isEmpty ? row.unit : nil
        let level = code?.level
        record = row.record
        binding = row.binding
        defer { record = nil; binding = nil }
        services.reset(code: code?.code ?? "", period: row.period)
        let frame = Frame(cells: UnsafePointer(row.cells), flags: flags, services: services)
        program.rules.withUnsafeBufferPointer { rs in
            guard let rules = rs.baseAddress else { return }
            for r in local {
                let rule = rules + r
                if let level, let mask = rule.pointee.levelMask, mask & (1 << level.rank) == 0 { out.append(.notApplicable); continue }
                out.append(Checker.decide(rule, frame, machine))
            }
        }
    }
}

/// The forensic detectors on a thread of their own, while inputs are read with `--jobs` above 1:
/// the checking thread hands each unit-period's first row over (its cells copied, in batches)
/// and goes on; the detectors see the rows in the same order as when fed directly, so the
/// report is the same byte for byte. ``finish()`` waits for them.
///
/// - Complexity: O(row width) per row to copy; memory O(capacity × batch size × row width).
final class DetectorFeed: @unchecked Sendable {
    final class Batch {
        var cells: [Cell] = []
        var keys: [UnitPeriod] = []
        var inputs: [Int32] = []
        var lines: [Int] = []
        init() {
            keys.reserveCapacity(PipeBatch.size)
        }

        func reset() {
            cells.removeAll(keepingCapacity: true)
            keys.removeAll(keepingCapacity: true)
            inputs.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
        }
    }

    private let detectors: Detectors
    private let width: Int
    private let pipe = RowPipe<Batch>()
    private let spares = SparePool<Batch>(limit: 10)
    private var batch = Batch()
    private var thread: pthread_t?

    /// Starts the thread; nil when none can be started (the caller then feeds the detectors itself).
    init?(_ detectors: Detectors, width: Int) {
        self.detectors = detectors
        self.width = max(1, width)
        guard let t = startThread({ [self] in run() }) else { return nil }
        thread = t
    }

    /// Called on the checking thread for each unit-period's first row.
    func add(cells: UnsafePointer<Cell>, key: UnitPeriod, input: Int, line: Int) {
        batch.cells.append(contentsOf: UnsafeBufferPointer(start: cells, count: width))
        batch.keys.append(key)
        batch.inputs.append(Int32(input))
        batch.lines.append(line)
        if batch.keys.count >= PipeBatch.size {
            pipe.put(batch)
            batch = spares.take() ?? Batch()
        }
    }

    /// Hands the last rows over and waits until the detectors have seen every row.
    func finish() {
        if !batch.keys.isEmpty { pipe.put(batch) }
        batch = Batch()
        pipe.close()
        if let t = thread { pthread_join(t, nil) }
        thread = nil
    }

    private func run() {
        while let b = pipe.take() {
            b.cells.withUnsafeBufferPointer { cb in
                guard let base = cb.baseAddress else { return }
                for i in b.keys.indices {
                    detectors.row(cells: base + i * width, key: b.keys[i], input: Int(b.inputs[i]), line: b.lines[i])
                }
            }
            b.reset()
            spares.give(b)
        }
    }
}

/// The detectors' end (their tests, corrections and evidence) on a thread of their own while
/// the caller goes on; ``wait()`` joins it. Run in the caller's thread when no thread starts.
final class DetectorFinish: @unchecked Sendable {
    private let detectors: Detectors
    private let files: [String]
    private var outcome: DetectorOutcome?
    private var thread: pthread_t?

    init(_ detectors: Detectors, files: [String]) {
        self.detectors = detectors
        self.files = files
        thread = startThread({ [self] in run() })
    }

    private func run() {
        outcome = detectors.finish(files: files)
    }

    /// The outcome, once computed (here, if the thread never started).
    func wait() -> DetectorOutcome {
        if let t = thread { pthread_join(t, nil) }
        thread = nil
        if let o = outcome { return o }
        run()
        return outcome ?? DetectorOutcome()
    }
}
