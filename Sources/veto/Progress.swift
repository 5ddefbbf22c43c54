import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `--progress auto|always|never`.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    /// A bar when standard error is a terminal (and TERM is not `dumb`).
    case auto
    case always
    case never
}

/// A one-line progress bar on standard error: bytes read of the total, rows per second, ETA.
///
/// Fed by the reader's per-chunk callback (``CSVReaderOptions/progress``). It draws nothing for
/// the first half second (a small input never flashes a bar), then at most ten times a second;
/// between draws an update is a clock read and a comparison, so it costs nothing measurable.
/// The total is the sum of the regular files' sizes; with standard input or a pipe among the
/// inputs it shows bytes and rows without a percentage or ETA. ``finish()`` erases the line.
final class ProgressBar: @unchecked Sendable {
    private let total: Int64?
    private let start: Double
    private var lastDraw: Double = 0
    private var drawn = false
    private var doneBytes: Int64 = 0     // of the inputs before the current one
    private var doneRecords = 0
    private var lastBytes: Int64 = 0
    private var lastRecords = 0
    private let width = 24
    private let inputCount: Int
    private var started = 1              // inputs begun in this pass
    private var pass = 1

    /// nil when no bar should be shown.
    init?(mode: ProgressMode, inputs: [String]) {
        switch mode {
        case .never: return nil
        case .always: break
        case .auto:
            guard isatty(STDERR_FILENO) != 0 else { return nil }
            if let t = getenv("TERM"), String(cString: t) == "dumb" { return nil }
        }
        var sum: Int64 = 0
        var known = true
        for path in inputs {
            var st = stat()
            if path != "-", stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { sum += Int64(st.st_size) } else { known = false }
        }
        total = known ? sum : nil
        inputCount = inputs.count
        start = Self.now()
        pthread_mutex_init(&lock, nil)
    }

    private var lock = pthread_mutex_t()

    /// The reader's callback: bytes and records of the input being read (readers on several
    /// threads, with `--jobs`, take turns).
    func update(bytes: Int64, records: Int) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if bytes < lastBytes || records < lastRecords {   // the next input began
            doneBytes += lastBytes
            doneRecords += lastRecords
            started += 1
            if started > inputCount {
                // The checker reads inputs again (a second pass localises hierarchy failures):
                // count that pass on its own, without a total it may not cover.
                pass += 1
                started = 1
                doneBytes = 0
                doneRecords = 0
            }
        }
        lastBytes = bytes
        lastRecords = records
        let t = Self.now()
        guard t - start >= 0.5, t - lastDraw >= 0.1 else { return }
        lastDraw = t
        draw(elapsed: t - start)
    }

    private func draw(elapsed: Double) {
        let bytes = doneBytes + lastBytes
        let rows = doneRecords + lastRecords
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        var line = "\r"
        if pass > 1 { line += "pass \(pass): " }
        if let total, total > 0, pass == 1 {
            let f = min(max(Double(bytes) / Double(total), 0), 1)
            let filled = Int((f * Double(width)).rounded(.down))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            line += "\(Self.size(bytes)) / \(Self.size(total)) \(Int(f * 100))%"
            if f > 0, f < 1 {
                line += "  ETA \(Self.clock(elapsed * (1 - f) / f))"
            }
        } else {
            line += Self.size(bytes)
        }
        line += "  \(Self.grouped(Int(rate))) rows/s"
        line += "\u{1B}[K"
        drawn = true
        FileHandleOut.stderr(line)
    }

    /// Erases the bar, if one was drawn.
    func finish() {
        if drawn { FileHandleOut.stderr("\r\u{1B}[K") }
        drawn = false
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func size(_ b: Int64) -> String {
        let d = Double(b)
        let kib = 1024.0, mib = kib * 1024, gib = mib * 1024
        if d >= gib { return format1(d / gib) + " GiB" }
        if d >= mib { return format1(d / mib) + " MiB" }
        if d >= kib { return format1(d / kib) + " KiB" }
        return "\(b) B"
    }

    static func format1(_ d: Double) -> String {
        let t = Int((d * 10).rounded())
        return "\(t / 10).\(t % 10)"
    }

    static func clock(_ s: Double) -> String {
        let n = Int(s.rounded())
        let h = n / 3600, m = (n % 3600) / 60, sec = n % 60
        let mm = m < 10 ? "0\(m)" : "\(m)", ss = sec < 10 ? "0\(sec)" : "\(sec)"
        return h > 0 ? "\(h):\(mm):\(ss)" : "\(m):\(ss)"
    }

    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
