#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
private import CLibCSV

/// How a ``CSVReader`` reads its input.
public struct CSVReaderOptions: Sendable {
    /// The field delimiter; nil sniffs it from the header line among `,` `\t` `;` `|` (comma wins ties).
    public var delimiter: UInt8?
    /// The input's encoding; nil detects it from the bytes.
    public var encoding: TextEncoding?
    /// A field longer than this (bytes, UTF-8) is a finding and its content is not kept.
    public var maxFieldBytes: Int = 1 << 20
    /// Fields beyond this many in one record are counted, not kept.
    public var maxFieldsPerRecord: Int = 10_000
    /// Whether record 0 is a header that fixes the expected field count.
    public var hasHeader: Bool = true
    /// Called after each chunk given to ``CSVReader/feed(_:)`` with the raw bytes and the
    /// records (header included) read so far, for a progress display. It must be cheap (it runs
    /// once per chunk, 64 KiB from a file) and never changes what is read; nil costs nothing.
    public var progress: (@Sendable (_ bytes: Int64, _ records: Int) -> Void)?

    public init(delimiter: UInt8? = nil, encoding: TextEncoding? = nil, maxFieldBytes: Int = 1 << 20,
                maxFieldsPerRecord: Int = 10_000, hasHeader: Bool = true) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.maxFieldBytes = maxFieldBytes
        self.maxFieldsPerRecord = maxFieldsPerRecord
        self.hasHeader = hasHeader
    }
}

/// What the reader learned about one input.
public struct CSVInputSummary: Sendable, Equatable {
    public var encoding: TextEncoding
    public var hadBOM: Bool
    public var encodingNote: String
    public var delimiter: UInt8
    public var delimiterSniffed: Bool
    /// Raw bytes read.
    public var bytes: Int64
    /// Physical lines (a final line without a line break counts).
    public var lines: Int
    /// Records after the header.
    public var records: Int
    public var blankLines: Int
    public var headerFieldCount: Int?
}

/// Streams CSV bytes through libcsv into ``CSVRecord``s with exact physical line
/// numbers, and reports every structural defect as a ``CSVFinding`` while going on.
///
/// Feed it bytes in chunks of any size (``feed(_:)``), then call ``finish()``;
/// records and findings do not depend on how the input was split. Memory is
/// bounded by the chunk size plus the field cap, whatever the input size.
///
/// Line numbers are counted here, not by libcsv: the UTF-8 text is fed to libcsv
/// one physical line (LF, CRLF or CR) at a time, so every callback knows its line.
public final class CSVReader {
    public let options: CSVReaderOptions
    private let onRecord: (CSVRecord) -> Void
    private let onFinding: (CSVFinding) -> Void

    private let transcoder: Transcoder
    private var decoded: [UInt8] = []
    private var issues: [EncodingIssue] = []
    private var issueCursor = 0
    /// Decoded bytes not yet given to the parser: the header line while the delimiter is
    /// unknown, or a trailing CR whose LF may come in the next chunk.
    private var carry: [UInt8] = []
    /// Offset in the decoded stream of the next byte to be parsed.
    private var streamOffset: Int64 = 0

    private var parser: UnsafeMutablePointer<csv_parser>
    private var delimiter: UInt8 = UInt8(ascii: ",")
    private var delimiterKnown = false
    private var delimiterSniffed = false

    private let storage = RecordStorage()
    /// Physical line being fed (1-based).
    @exclusivity(unchecked) private var line = 1
    private var lineHasBytes = false
    @exclusivity(unchecked) private var recordStartLine = 1
    @exclusivity(unchecked) private var fieldStartLine = 1
    @exclusivity(unchecked) private var fieldsInRecord = 0
    /// Which records to keep, by the line they start on (nil: all). A declined record is parsed
    /// and counted as any other (lines, records, the record-level findings), but its fields are
    /// not kept nor looked at and it is not passed on: for an input read again for a few rows. A
    /// declined line of plain fields is not even given to libcsv (see `skimmedWholeLine`). It may
    /// be asked more than once about a line, and must give the same answer.
    public var wantsLine: ((Int) -> Bool)?
    /// Whether the record-level findings of declined records are wanted (the default). A
    /// caller that reads an input again, and already has its findings, turns this off: a
    /// declined line of plain fields is then counted as a record without counting its fields.
    public var reportsDeclined = true
    /// Whether the record being read is declined (decided at its first field).
    private var skipping = false
    @exclusivity(unchecked) private var currentFieldDamaged = false
    @exclusivity(unchecked) private var currentFieldOversizeReported = false
    /// Bytes of the field being read that were dropped from libcsv's buffer over the cap: its
    /// length is `fieldDropped + entry_pos` wherever the input was split and dropped.
    @exclusivity(unchecked) private var fieldDropped = 0
    /// The field's bytes are kept (text stays readable) but it is marked damaged: a quote
    /// closed mid-field (`"9"97`), so the bytes are not the figure as written.
    @exclusivity(unchecked) private var currentFieldMalformed = false
    @exclusivity(unchecked) private var recordIndex = 0
    @exclusivity(unchecked) private var headerFieldCount: Int?
    private var blankLines = 0
    private var rawBytes: Int64 = 0
    private var nulReportedLine = 0

    /// Bytes of the record being read, kept from the first line break inside a quoted field,
    /// so that an unterminated quote can be undone and the lines it swallowed read again.
    private var replay: [UInt8]?
    private var replayLineStarts: [(line: Int, offset: Int)] = []
    private var replayUnavailable = false
    private var replaying = false
    /// Fields completed before the quoted field that started the replay, and that field's
    /// text on its opening line (from the quote on), kept when the replay starts.
    private var replayFieldIndex = 0
    private var replayOpenText: [UInt8] = []
    /// The quoted field still open at the end of the line it opened on: where it is, and its
    /// text on that line from the quote on (just the quote when that part was over the cap).
    private var openField: (line: Int, index: Int, text: [UInt8])?
    /// Set by `recordEnd` when the record just read is a quoted field that swallowed lines
    /// that look like records; the recovery runs once libcsv has returned.
    private var pendingSwallow = false
    /// A recovery that happened while lines were being read again: what to read next.
    private var nestedReplay: (tail: [UInt8], line: Int)?
    /// Bytes of the replayed buffer handled when `nestedReplay` was set.
    private var processStoppedAt = 0
    /// Bytes of the current line from earlier segments (only when a line crosses a chunk end).
    private var partialLine: [UInt8] = []
    private var partialLineTooLong = false
    /// The most bytes a record is kept for its replay (the partial line included), the same
    /// however the input is split: whether an unterminated quote is recovered must not
    /// depend on where the chunks end.
    private var replayCap: Int { 2 * options.maxFieldBytes + (1 << 17) }

    public init(options: CSVReaderOptions = CSVReaderOptions(),
                onRecord: @escaping (CSVRecord) -> Void,
                onFinding: @escaping (CSVFinding) -> Void) {
        self.options = options
        self.onRecord = onRecord
        self.onFinding = onFinding
        self.transcoder = Transcoder(forced: options.encoding)
        self.parser = .allocate(capacity: 1)
        Self.initParser(parser)
        if let d = options.delimiter {
            delimiter = d
            delimiterKnown = true
            csv_set_delim(parser, d)
        }
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    private static func initParser(_ p: UnsafeMutablePointer<csv_parser>) {
        _ = csv_init(p, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        // libcsv trims spaces and tabs around unquoted fields unless told that nothing is a space.
        csv_set_space_func(p, veto_csv_no_space)
    }

    // MARK: Input

    /// Reads more raw bytes (any encoding the transcoder handles).
    public func feed(_ raw: UnsafeRawBufferPointer) {
        rawBytes += Int64(raw.count)
        decoded.removeAll(keepingCapacity: true)
        transcoder.feed(raw, output: &decoded, issues: &issues)
        consumeDecoded(final: false)
        if let progress = options.progress { progress(rawBytes, recordIndex) }
    }

    /// Convenience for tests and small inputs.
    public func feed<C: Collection>(bytes: C) where C.Element == UInt8 {
        let a = Array(bytes)
        a.withUnsafeBytes { feed($0) }
    }

    /// Ends the input: flushes the parser, reports an unterminated quote, an empty or
    /// header-only input, and returns what was learned.
    @discardableResult
    public func finish() -> CSVInputSummary {
        decoded.removeAll(keepingCapacity: true)
        transcoder.finish(output: &decoded, issues: &issues)
        consumeDecoded(final: true)
        // A note about the last line that only the end of input could settle (no U+FFFD,
        // so no output carried it): it belongs to the last line.
        if issueCursor < issues.count {
            let saved = line
            if !lineHasBytes { line = max(line - 1, 1) }
            reportIssues(upTo: .max)
            line = saved
        }
        finishParser()
        if recordIndex == 0 {
            onFinding(CSVFinding(.emptyFile, line: nil, column: nil,
                                 detail: rawBytes == 0 ? "the input holds no bytes" : "the input holds no record (only blank lines or a byte-order mark)",
                                 zh: rawBytes == 0 ? "没有任何字节" : "没有任何记录（只有空行或字节顺序标记）"))
        } else if options.hasHeader && recordIndex == 1 {
            onFinding(CSVFinding(.headerOnly, line: 1, column: nil, detail: "the input holds a header and no record", zh: nil))
        }
        let lines = lineHasBytes ? line : line - 1
        return CSVInputSummary(
            encoding: transcoder.encoding ?? .utf8, hadBOM: transcoder.hadBOM,
            encodingNote: transcoder.detectionNote, delimiter: delimiter,
            delimiterSniffed: delimiterSniffed, bytes: rawBytes, lines: max(lines, 0),
            records: max(recordIndex - (options.hasHeader ? 1 : 0), 0),
            blankLines: blankLines, headerFieldCount: headerFieldCount)
    }

    private func consumeDecoded(final: Bool) {
        if !delimiterKnown {
            carry.append(contentsOf: decoded)
            let firstLineDone = carry.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) != nil
            guard firstLineDone || final || carry.count >= 1 << 16 else { return }
            sniffDelimiter(carry)
            let pending = carry
            carry.removeAll()
            pending.withUnsafeBufferPointer { process($0, final: final) }
            return
        }
        if carry.isEmpty {
            decoded.withUnsafeBufferPointer { process($0, final: final) }
        } else {
            carry.append(contentsOf: decoded)
            let pending = carry
            carry.removeAll(keepingCapacity: true)
            pending.withUnsafeBufferPointer { process($0, final: final) }
        }
    }

    /// The delimiter from the first physical line (its first 64 KiB), candidates inside quotes
    /// not counted. It stops at the first line break even inside a quote: what it looks at must
    /// not depend on how much input had arrived (a quote left open would otherwise count the
    /// next lines as far as the chunk reached).
    private func sniffDelimiter(_ bytes: [UInt8]) {
        delimiterKnown = true
        // Candidates in order of preference: comma wins ties.
        let candidates: [UInt8] = [0x2C, 0x09, 0x3B, 0x7C]
        var counts = [Int](repeating: 0, count: candidates.count)
        var quoted = false
        for b in bytes.prefix(1 << 16) {
            if b == 0x0A || b == 0x0D { break }
            if b == 0x22 { quoted.toggle(); continue }
            if quoted { continue }
            if let k = candidates.firstIndex(of: b) { counts[k] += 1 }
        }
        var bestIndex = 0
        for k in candidates.indices where counts[k] > counts[bestIndex] { bestIndex = k }
        let best = candidates[bestIndex]
        delimiter = best
        delimiterSniffed = true
        csv_set_delim(parser, best)
    }

    // MARK: Lines

    /// Splits decoded text into physical lines and feeds each to libcsv.
    private func process(_ buf: UnsafeBufferPointer<UInt8>, final: Bool) {
        guard let base = buf.baseAddress, buf.count > 0 else { return }
        let n = buf.count
        var start = 0
        var nextLF = -1, nextCR = -1
        while start < n {
            if nextLF < start { nextLF = Self.find(0x0A, base, from: start, n) }
            if nextCR < start { nextCR = Self.find(0x0D, base, from: start, n) }
            var end: Int
            var endsLine = true
            if nextCR < nextLF {
                // CR: a line end by itself, or the first half of CRLF.
                if nextCR + 1 < n {
                    end = base[nextCR + 1] == 0x0A ? nextCR + 2 : nextCR + 1
                } else if final {
                    end = n
                } else {
                    // Hold the CR back: its LF may start the next chunk.
                    feedSegment(base + start, nextCR - start, endsLine: false)
                    carry.append(0x0D)
                    return
                }
            } else if nextLF < n {
                end = nextLF + 1
            } else {
                end = n
                endsLine = false
            }
            feedSegment(base + start, end - start, endsLine: endsLine)
            start = end
            if nestedReplay != nil {
                processStoppedAt = end
                return
            }
        }
    }

    @inline(__always)
    private static func find(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, _ n: Int) -> Int {
        guard let p = memchr(base + from, Int32(byte), n - from) else { return n }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    /// Feeds part of one physical line (`endsLine`: it holds the line's terminator).
    private func feedSegment(_ p: UnsafePointer<UInt8>, _ count: Int, endsLine: Bool) {
        let segmentOffset = streamOffset
        streamOffset += Int64(count)
        if count == 0 { return }
        let atLineStart = !lineHasBytes
        lineHasBytes = true
        let atRowBoundary = parser.pointee.pstate == 0 && fieldsInRecord == 0
        if atRowBoundary {
            if endsLine && atLineStart && (p[0] == 0x0A || p[0] == 0x0D) {
                blankLines += 1
                reportIssues(upTo: segmentOffset + Int64(count))
                endLine()
                return
            }
            recordStartLine = line
            fieldStartLine = line
            if endsLine && atLineStart && skimmedWholeLine(p, count, offset: segmentOffset) { return }
        }
        if replay != nil { appendReplay(p, count, lineStart: atLineStart) }

        // Positions that need a location of their own: invalid encoding and NUL bytes.
        var done = 0
        while done < count {
            var mark = count
            var isNul = false
            if !replaying, issueCursor < issues.count {
                let rel = issues[issueCursor].outputOffset - segmentOffset
                if rel < Int64(count) { mark = max(Int(rel), done) }
            }
            if let z = memchr(p + done, 0, mark - done) {
                mark = p.distance(to: z.assumingMemoryBound(to: UInt8.self))
                isNul = true
            }
            if mark > done { parse(p + done, mark - done) }
            if pendingSwallow {
                // The record just ended swallowed record-like lines: this line is read again.
                recoverSwallowedLines()
                return
            }
            guard mark < count else { break }
            // A field already over the cap is reported before the finding at this mark, as
            // it is when a chunk ends here: the order of findings does not depend on chunking.
            reportOversizeBeforeMark()
            if isNul {
                if line > nulReportedLine {
                    nulReportedLine = line
                    onFinding(CSVFinding(.nulByte, line: line, column: fieldsInRecord + 1,
                                         detail: "a NUL byte (0x00) inside the field; kept, so the field is not a valid figure",
                                         zh: "保留原样，因此该字段不是有效数字"))
                }
                parse(p + mark, 1)
                done = mark + 1
            } else {
                let issue = issues[issueCursor]
                issueCursor += 1
                onFinding(encodingFinding(issue, column: fieldsInRecord + 1))
                done = mark
            }
        }
        compactIssues()
        if checkFieldSize(endsLine: endsLine) { return }   // the unterminated-quote recovery read this line again
        if endsLine {
            if isInsideQuotedField && fieldStartLine == line {
                openField = (line, fieldsInRecord, fieldDropped > 0 ? [0x22] : openingLineOfEntry())
            }
            if replay == nil, isInsideQuotedField {
                startReplay(p, count)
            }
            endLine()
        } else if replay == nil {
            keepPartialLine(p, count)
        }
    }

    /// A whole physical line at a record boundary that `wantsLine` declines, and that libcsv
    /// could only read as one record of plain fields (no quote, no NUL, no encoding issue, no
    /// field over the cap): counted as that record without parsing it. Its fields are the
    /// delimiters plus one, as libcsv would count them; the record goes through `emitRecord`
    /// like any skimmed record. The re-reads of a check decline most lines of a file, and this
    /// spares libcsv's byte-by-byte scan of them. False when the line must be parsed.
    private func skimmedWholeLine(_ p: UnsafePointer<UInt8>, _ count: Int, offset: Int64) -> Bool {
        guard let wantsLine, delimiterKnown, replay == nil, !replaying, nestedReplay == nil, !pendingSwallow,
              !(options.hasHeader && recordIndex == 0), count <= options.maxFieldBytes,
              issueCursor >= issues.count || issues[issueCursor].outputOffset >= offset + Int64(count),
              memchr(p, 0x22, count) == nil, memchr(p, 0, count) == nil, !wantsLine(line) else { return false }
        if !reportsDeclined {
            // What `emitRecord` does to a declined record, without the findings nobody reads.
            recordIndex += 1
            storage.reset()
            fieldsInRecord = 0
            endLine()
            return true
        }
        var fields = 1
        var at = 0
        while at < count, let d = memchr(p + at, Int32(delimiter), count - at) {
            fields += 1
            at = p.distance(to: d.assumingMemoryBound(to: UInt8.self)) + 1
        }
        fieldsInRecord = fields
        skipping = true
        emitRecord(endLine: line)
        endLine()
        return true
    }

    private func endLine() {
        line += 1
        lineHasBytes = false
        if !partialLine.isEmpty { partialLine.removeAll(keepingCapacity: true) }
        partialLineTooLong = false
    }

    private func keepPartialLine(_ p: UnsafePointer<UInt8>, _ count: Int) {
        guard !partialLineTooLong else { return }
        if partialLine.count + count > replayCap {
            partialLineTooLong = true
            partialLine.removeAll()
            return
        }
        partialLine.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
    }

    private var isInsideQuotedField: Bool {
        parser.pointee.quoted != 0 && parser.pointee.pstate == 2
    }

    private func reportIssues(upTo offset: Int64) {
        while issueCursor < issues.count, issues[issueCursor].outputOffset < offset {
            let issue = issues[issueCursor]
            issueCursor += 1
            onFinding(encodingFinding(issue, column: nil))
        }
        compactIssues()
    }

    /// An invalid run (shown as U+FFFD) at its field, or text in another encoding on its line.
    private func encodingFinding(_ issue: EncodingIssue, column: Int?) -> CSVFinding {
        if let note = issue.note {
            return CSVFinding(.invalidEncoding, line: line, column: nil, detail: note, zh: issue.noteZh)
        }
        return CSVFinding(.invalidEncoding, line: line, column: column,
                          detail: "bytes \(issue.bytes.map { hex($0) }.joined(separator: " ")) at byte offset \(issue.sourceOffset) are not valid \(transcoder.encoding?.rawValue ?? "text"); shown as U+FFFD",
                          zh: "字节偏移 \(issue.sourceOffset) 处的字节 \(issue.bytes.map { hex($0) }.joined(separator: " ")) 不是有效的 \(transcoder.encoding?.rawValue ?? "文本")")
    }

    private func compactIssues() {
        if issueCursor > 0 && issueCursor == issues.count {
            issues.removeAll(keepingCapacity: true)
            issueCursor = 0
        }
    }

    // MARK: libcsv

    /// The only place bytes enter libcsv. A strict-mode error (a stray quote) becomes a
    /// finding and the parse goes on as a lenient reader would.
    private func parse(_ p: UnsafePointer<UInt8>, _ count: Int) {
        var off = 0
        let me = Unmanaged.passUnretained(self).toOpaque()
        while off < count {
            off += csv_parse(parser, p + off, count - off, Self.fieldCallback, Self.recordCallback, me)
            guard off < count, !pendingSwallow else { break }
            let status = csv_error(parser)
            parser.pointee.status = 0
            guard status == CSV_EPARSE else {
                // Out of memory inside libcsv: the field cap makes this unreachable in practice.
                onFinding(CSVFinding(.fieldTooLarge, line: line, column: fieldsInRecord + 1,
                                     detail: "libcsv could not grow its buffer (\(String(cString: csv_strerror(status))))",
                                     zh: "libcsv 无法扩大缓冲区（\(String(cString: csv_strerror(status)))）"))
                dropEntry()
                continue
            }
            reportOversizeBeforeMark()
            onFinding(CSVFinding(.strayQuote, line: line, column: fieldsInRecord + 1,
                                 detail: parser.pointee.pstate == 3
                                    ? "text follows a closing quote; kept as text, never read as a figure"
                                    : "a quote inside an unquoted field; kept as a character",
                                 zh: parser.pointee.pstate == 3
                                    ? "闭合引号后还有文字；按文字保留，不按数字读取"
                                    : "未加引号的字段中出现引号；按普通字符保留"))
            if parser.pointee.pstate == 3 {
                currentFieldMalformed = true
                // `"ab"c`: the quote did close the field; what follows is appended unquoted.
                parser.pointee.pstate = 2
                parser.pointee.quoted = 0
                if parser.pointee.entry_pos > 0 {
                    parser.pointee.entry_pos -= 1
                } else if fieldDropped > 0 {
                    fieldDropped -= 1   // the quote went with the bytes dropped over the cap
                }
            } else {
                // `ab"c`: take the quote literally (libcsv's lenient reading), then back to strict.
                csv_set_opts(parser, UInt8(CSV_STRICT_FINI))
                off += csv_parse(parser, p + off, 1, Self.fieldCallback, Self.recordCallback, me)
                csv_set_opts(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
            }
        }
    }

    private static let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { bytes, len, me in
        Unmanaged<CSVReader>.fromOpaque(me!)._withUnsafeGuaranteedRef { $0.field(bytes, len) }
    }

    private static let recordCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, me in
        Unmanaged<CSVReader>.fromOpaque(me!)._withUnsafeGuaranteedRef { $0.recordEnd() }
    }

    @inline(__always)
    private func field(_ bytes: UnsafeMutableRawPointer?, _ len: Int) {
        let index = fieldsInRecord
        if index == 0, let wantsLine {
            skipping = !(options.hasHeader && recordIndex == 0) && !wantsLine(recordStartLine)
        }
        fieldsInRecord += 1
        if skipping {
            currentFieldDamaged = false
            currentFieldMalformed = false
            currentFieldOversizeReported = false
            fieldDropped = 0
            fieldStartLine = line
            return
        }
        if len + fieldDropped > options.maxFieldBytes && !currentFieldOversizeReported {
            oversizedWholeField(index)
        }
        if index < options.maxFieldsPerRecord {
            if currentFieldDamaged {
                damagedField(index)
            } else {
                storage.append(bytes.map(UnsafeRawPointer.init), len, line: fieldStartLine)
                if currentFieldMalformed { malformedField(index) }
            }
        }
        currentFieldDamaged = false
        currentFieldMalformed = false
        currentFieldOversizeReported = false
        fieldDropped = 0
        fieldStartLine = line
    }

    /// The whole field arrived in one piece: the size check between pieces never saw it.
    /// (Cold paths live out of line, so the per-field callback stays small.)
    @inline(never)
    private func oversizedWholeField(_ index: Int) {
        onFinding(CSVFinding(.fieldTooLarge, line: fieldStartLine, column: index + 1,
                             detail: "a field longer than \(options.maxFieldBytes) bytes; its content is not kept",
                             zh: "字段长于 \(options.maxFieldBytes) 字节"))
        currentFieldDamaged = true
    }

    @inline(never)
    private func malformedField(_ index: Int) {
        storage.damaged.insert(index)
    }

    @inline(never)
    private func damagedField(_ index: Int) {
        storage.damaged.insert(index)
        storage.append(nil, 0, line: fieldStartLine)
    }

    private func recordEnd() {
        if replay != nil, quotedFieldSwallowedRecords() {
            pendingSwallow = true
            return
        }
        emitRecord(endLine: line)
        replay = nil
        replayLineStarts.removeAll()
        replayUnavailable = false
    }

    private func emitRecord(endLine: Int) {
        let record = CSVRecord(index: recordIndex, line: recordStartLine, endLine: endLine,
                               fieldCount: fieldsInRecord, storage: storage)
        if options.hasHeader && recordIndex == 0 {
            headerFieldCount = fieldsInRecord
        } else if let expected = headerFieldCount {
            if fieldsInRecord < expected {
                onFinding(CSVFinding(.tooFewFields, line: endLine, column: fieldsInRecord + 1,
                                     detail: "\(fieldsInRecord) field\(fieldsInRecord == 1 ? "" : "s") where the header has \(expected); the missing ones are read as not reported",
                                     zh: "本行 \(fieldsInRecord) 个字段，表头 \(expected) 个；缺少的按未报告处理"))
            } else if fieldsInRecord > expected {
                onFinding(CSVFinding(.tooManyFields, line: record.line(ofField: expected), column: expected + 1,
                                     detail: "\(fieldsInRecord) fields where the header has \(expected); the extra ones are ignored",
                                     zh: "本行 \(fieldsInRecord) 个字段，表头 \(expected) 个；多出的不予读取"))
            }
        }
        if fieldsInRecord > options.maxFieldsPerRecord {
            onFinding(CSVFinding(.tooManyFieldsToKeep, line: recordStartLine, column: options.maxFieldsPerRecord + 1,
                                 detail: "\(fieldsInRecord) fields; only the first \(options.maxFieldsPerRecord) are kept",
                                 zh: "本行 \(fieldsInRecord) 个字段；只保留前 \(options.maxFieldsPerRecord) 个"))
        }
        if !skipping { onRecord(record) }
        skipping = false
        recordIndex += 1
        storage.reset()
        fieldsInRecord = 0
    }

    // MARK: Oversized fields and unterminated quotes

    /// At the end of a segment. A quoted field still open across a line and longer than the cap
    /// is taken for a quote never closed, decided at a line's end only, so that where the input
    /// was split does not change it (its bytes are all in the replay, itself capped, so memory
    /// stays bounded meanwhile). Any other field over the cap is reported once and its bytes
    /// dropped. Returns true when it recovered from an unterminated quote (the current line was
    /// read again).
    private func checkFieldSize(endsLine: Bool) -> Bool {
        guard fieldLength > options.maxFieldBytes else { return false }
        if isRecoveryCandidate {
            guard endsLine else { return false }
            recoverUnterminatedQuote(atEOF: false)
            return true
        }
        reportOversize()
        dropEntry()
        return false
    }

    /// The over-cap report of `checkFieldSize`, before a finding at a mark inside the segment.
    private func reportOversizeBeforeMark() {
        guard fieldLength > options.maxFieldBytes, !isRecoveryCandidate else { return }
        reportOversize()
        dropEntry()
    }

    /// What libcsv holds of the field that it takes back when the field ends: a closing quote
    /// and the spaces after it, or an unquoted field's trailing spaces.
    private var pendingTail: Int {
        let p = parser.pointee
        return min(p.entry_pos, p.pstate == 3 ? p.spaces + 1 : (p.quoted == 0 ? p.spaces : 0))
    }

    /// The field's length so far, bytes dropped over the cap included: it only grows, and the
    /// field ends at least this long, wherever the input was split.
    private var fieldLength: Int { fieldDropped + parser.pointee.entry_pos - pendingTail }

    /// Inside a quoted field of a record that already spans lines, with the record's bytes kept
    /// to read again (`replay`). Decided at a line's end, where a field still open has crossed
    /// the line; before that, whatever the split, nothing is reported or dropped for it (the
    /// replay's own cap bounds the memory). Just after a quote inside it (libcsv's state 3) the
    /// next byte decides whether the field ended, so it still counts.
    private var isRecoveryCandidate: Bool {
        let p = parser.pointee
        return p.quoted != 0 && (p.pstate == 2 || p.pstate == 3) && !replayUnavailable && replay != nil
    }

    private func reportOversize() {
        if !currentFieldOversizeReported {
            currentFieldOversizeReported = true
            onFinding(CSVFinding(.fieldTooLarge, line: fieldStartLine, column: fieldsInRecord + 1,
                                 detail: "a field longer than \(options.maxFieldBytes) bytes; its content is not kept",
                                 zh: "字段长于 \(options.maxFieldBytes) 字节"))
        }
        currentFieldDamaged = true
    }

    /// Drops what libcsv buffered of the field (memory stays bounded), counting it, and marks the
    /// field damaged. The pending tail stays, so libcsv's taking it back never goes below zero.
    private func dropEntry() {
        let keep = pendingTail
        let pos = parser.pointee.entry_pos
        if keep > 0, let buf = parser.pointee.entry_buf { memmove(buf, buf + (pos - keep), keep) }
        fieldDropped += pos - keep
        parser.pointee.entry_pos = keep
        currentFieldDamaged = true
    }

    private func startReplay(_ p: UnsafePointer<UInt8>, _ count: Int) {
        // The record began on this line (any earlier line break of it would have been quoted
        // and started the replay then); keep the line only if all of it is in hand.
        guard !replayUnavailable else { return }
        guard !partialLineTooLong && recordStartLine == line && partialLine.count + count <= replayCap else {
            replayUnavailable = true
            return
        }
        var r = partialLine
        r.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
        replay = r
        replayLineStarts = [(line, 0)]
        replayFieldIndex = fieldsInRecord
        replayOpenText = openField?.text ?? openingLineOfEntry()
    }

    /// The field being read, from its opening quote to the first line break, as written
    /// (the quote included): how its opening line reads when the quote is a plain character.
    private func openingLineOfEntry() -> [UInt8] {
        var text: [UInt8] = [0x22]
        let p = parser.pointee
        if let buf = p.entry_buf {
            for i in 0..<p.entry_pos {
                let b = buf[i]
                if b == 0x0A || b == 0x0D { break }
                text.append(b)
            }
        }
        return text
    }

    /// Whether the record that just ended is a quoted field (opened on the record's first
    /// line) that ran over lines looking like records: the opening line, with its quote read
    /// as a plain character, has the header's field count, and so has a later line of it.
    /// A note with a line break does not: its opening line is short of the record's fields.
    private func quotedFieldSwallowedRecords() -> Bool {
        guard let expected = headerFieldCount, expected >= 2, !replayUnavailable,
              let kept = replay, replayLineStarts.count >= 2 else { return false }
        let starts = replayLineStarts
        guard Self.naiveFieldCount(kept, 0, starts[1].offset, delimiter) == expected else { return false }
        for k in 1..<starts.count {
            let end = k + 1 < starts.count ? starts[k + 1].offset : kept.count
            if Self.naiveFieldCount(kept, starts[k].offset, end, delimiter) == expected { return true }
        }
        return false
    }

    /// Fields of `bytes[start..<end]` split on the delimiter alone (quotes are plain characters),
    /// a final line break not counted.
    private static func naiveFieldCount(_ bytes: [UInt8], _ start: Int, _ end: Int, _ delimiter: UInt8) -> Int {
        var n = 1
        var i = start
        while i < end {
            let b = bytes[i]
            if b == delimiter { n += 1 } else if b == 0x0A || b == 0x0D { break }
            i += 1
        }
        return n
    }

    private func appendReplay(_ p: UnsafePointer<UInt8>, _ count: Int, lineStart: Bool) {
        guard var r = replay else { return }
        replay = nil
        if lineStart { replayLineStarts.append((line, r.count)) }
        r.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
        if r.count > replayCap {
            replayUnavailable = true
            replayLineStarts.removeAll()
            return
        }
        replay = r
    }

    private func finishParser() {
        let me = Unmanaged.passUnretained(self).toOpaque()
        // Each recovery reads the lines after its opening line again, which may end in another
        // recovery: a loop, not recursion, so the stack stays flat whatever the input.
        while true {
            let failed = csv_fini(parser, Self.fieldCallback, Self.recordCallback, me) != 0
            if pendingSwallow {
                recoverSwallowedLines()
                continue
            }
            if failed, recoverUnterminatedQuote(atEOF: true) { continue }
            return
        }
    }

    /// A quote opened at `fieldStartLine` never closed. Report it where it opened, read that
    /// line as if the quote were a plain character, and read the lines it swallowed again.
    /// Returns true when the lines were read again (at EOF the caller then finishes the new parse).
    @discardableResult
    private func recoverUnterminatedQuote(atEOF: Bool) -> Bool {
        let openLine = fieldStartLine
        let column = fieldsInRecord + 1
        let me = Unmanaged.passUnretained(self).toOpaque()
        guard let kept = replay, !replayUnavailable, replayLineStarts.first?.line ?? .max <= openLine else {
            onFinding(CSVFinding(.unterminatedQuote, line: openLine, column: column,
                                 detail: "the quote opened here is never closed; the rest of the input (to line \(max(line - 1, openLine))) was read as this one field and is not kept",
                                 zh: "此处开始的引号没有闭合；其后直到第 \(max(line - 1, openLine)) 行的内容都被读作这一个字段，未予保留"))
            if atEOF {
                currentFieldDamaged = true
                parser.pointee.entry_pos = 0
                replay = nil   // what it kept cannot be read again: the record ends as it is
                csv_set_opts(parser, UInt8(CSV_STRICT))
                _ = csv_fini(parser, Self.fieldCallback, Self.recordCallback, me)
                csv_set_opts(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
            } else {
                currentFieldDamaged = true
                parser.pointee.entry_pos = 0
            }
            return false
        }
        onFinding(CSVFinding(.unterminatedQuote, line: openLine, column: column,
                             detail: "the quote opened here is never closed; read as a plain character, and the lines after it read as records",
                             zh: "此处开始的引号没有闭合；按普通字符处理，其后各行仍按记录读取"))
        let next = replayLineStarts.first(where: { $0.line == openLine + 1 })?.offset ?? kept.count
        // The rest of the opening line, split on the delimiter as if unquoted.
        let text = openField.flatMap { $0.line == openLine && $0.index == fieldsInRecord ? $0.text : nil }
            ?? openingLineOfEntry()
        readAgain(openLine: openLine, openText: text, tail: Array(kept[next...]))
        return true
    }

    /// The record that just ended is a quoted field that swallowed lines that look like
    /// records: report it where the quote opened, read the opening line with the quote as a
    /// plain character, and read the lines after it again as records.
    private func recoverSwallowedLines() {
        pendingSwallow = false
        guard let kept = replay, replayLineStarts.count >= 2 else { return }
        let openLine = replayLineStarts[0].line
        let closeLine = line
        let column = replayFieldIndex + 1
        onFinding(CSVFinding(.unterminatedQuote, line: openLine, column: column,
                             detail: "the quote opened here runs to line \(closeLine), over lines that have the header's \(headerFieldCount ?? 0) fields: read as a plain character, and lines \(openLine + 1)–\(closeLine) read as records",
                             zh: "此处开始的引号一直延续到第 \(closeLine) 行，跨过了与表头同为 \(headerFieldCount ?? 0) 个字段的行：按普通字符处理，第 \(openLine + 1)–\(closeLine) 行按记录读取"))
        storage.truncate(to: replayFieldIndex)
        fieldsInRecord = replayFieldIndex
        readAgain(openLine: openLine, openText: replayOpenText, tail: Array(kept[replayLineStarts[1].offset...]))
    }

    /// Ends the record of `openLine` with `openText` split on the delimiter, then reads `tail`
    /// (the lines after it) again with a fresh parser.
    private func readAgain(openLine: Int, openText: [UInt8], tail: [UInt8]) {
        fieldDropped = 0
        openField = nil
        var pieceStart = 0
        for i in 0...openText.count {
            if i == openText.count || openText[i] == delimiter {
                openText.withUnsafeBytes { raw in
                    field(raw.baseAddress.map { UnsafeMutableRawPointer(mutating: $0 + pieceStart) }, i - pieceStart)
                }
                pieceStart = i + 1
            }
        }
        emitRecord(endLine: openLine)
        // Start afresh on the line after the opening one.
        csv_free(parser)
        Self.initParser(parser)
        csv_set_delim(parser, delimiter)
        replay = nil
        replayLineStarts.removeAll()
        replayUnavailable = false
        currentFieldDamaged = false
        currentFieldOversizeReported = false
        currentFieldMalformed = false
        if replaying {
            // Inside a read-again already: the loop in `replayLines` takes it from here.
            nestedReplay = (tail, openLine + 1)
            return
        }
        replayLines(tail, from: openLine + 1)
    }

    /// Reads lines again. Encoding issues of these bytes were reported on the first pass; their
    /// offsets no longer apply, so the replay does not look at them. A CR that ends the
    /// replayed bytes was a complete line end when first read, hence `final: true`.
    private func replayLines(_ tail: [UInt8], from firstLine: Int) {
        let savedOffset = streamOffset
        replaying = true
        var buffer = tail
        var startLine = firstLine
        while true {
            line = startLine
            lineHasBytes = false
            nestedReplay = nil
            buffer.withUnsafeBufferPointer { process($0, final: true) }
            guard let nested = nestedReplay else { break }
            nestedReplay = nil
            // The nested recovery's lines end where this pass stopped; the rest follows them.
            buffer = nested.tail + buffer[processStoppedAt...]
            startLine = nested.line
        }
        replaying = false
        streamOffset = savedOffset
    }
}

@inline(__always)
private func hex(_ b: UInt8) -> String {
    let digits: [Character] = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}

/// An input that could not be read at all (as opposed to input read with findings).
public struct CSVReadError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

extension CSVReader {
    /// Reads a file (or standard input for `-`) in 64 KiB chunks, never the whole file.
    public static func read(path: String, options: CSVReaderOptions = CSVReaderOptions(),
                            wantsLine: ((Int) -> Bool)? = nil, reportsDeclined: Bool = true, spool: Spool? = nil,
                            onRecord: @escaping (CSVRecord) -> Void,
                            onFinding: @escaping (CSVFinding) -> Void) throws(CSVReadError) -> CSVInputSummary {
        let reader = CSVReader(options: options, onRecord: onRecord, onFinding: onFinding)
        reader.wantsLine = wantsLine
        reader.reportsDeclined = reportsDeclined
        try ByteFile.read(path) { chunk in
            spool?.write(chunk)
            reader.feed(chunk)
        }
        return reader.finish()
    }
}

/// Reads a file, or standard input for `-`, in 64 KiB chunks.
public enum ByteFile {
    /// Reads a whole small file (a rule file, a standards table), or standard input for `-`,
    /// refusing what would not fit: a regular file over `limit` bytes, a pipe that goes past
    /// it, and devices, which may never end (`/dev/zero`, `/dev/urandom`). Memory stays
    /// under `limit` plus one 64 KiB chunk.
    ///
    /// - Throws: ``CSVReadError`` naming the path, and the limit when it is the reason.
    public static func readAll(_ path: String, limit: Int) throws(CSVReadError) -> [UInt8] {
        let fd: Int32 = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw CSVReadError(path: path, reason: String(cString: strerror(errno))) }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CSVReadError(path: path, reason: String(cString: strerror(errno))) }
        let type = st.st_mode & S_IFMT
        switch type {
        case S_IFREG:
            if st.st_size > limit {
                throw CSVReadError(path: path, reason: "\(st.st_size) bytes, over the limit of \(limit) bytes")
            }
        case S_IFIFO, S_IFSOCK:
            break   // a pipe or standard input: read, but never past the limit
        case S_IFDIR:
            throw CSVReadError(path: path, reason: "is a directory")
        default:
            throw CSVReadError(path: path, reason: "not a regular file (a device may never end); give a file of at most \(limit) bytes")
        }
        if fd != STDIN_FILENO {
            // O_NONBLOCK only kept open() from waiting on a FIFO without a writer.
            let flags = fcntl(fd, F_GETFL)
            if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        }
        var out: [UInt8] = []
        let size = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw CSVReadError(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { return out }
            if out.count + n > limit {
                throw CSVReadError(path: path, reason: "more than the limit of \(limit) bytes")
            }
            out.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: n))
        }
    }

    @discardableResult
    public static func read(_ path: String, chunk: (UnsafeRawBufferPointer) -> Void) throws(CSVReadError) -> Int64 {
        let fd: Int32
        if path == "-" {
            fd = STDIN_FILENO
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw CSVReadError(path: path, reason: String(cString: strerror(errno))) }
            var st = stat()
            if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw CSVReadError(path: path, reason: "is a directory")
            }
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        let size = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = Glibc.read(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw CSVReadError(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            total += Int64(n)
            chunk(UnsafeRawBufferPointer(start: buffer, count: n))
        }
        return total
    }
}
