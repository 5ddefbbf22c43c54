import Testing
@testable import VetoCSV

/// What a reader produced for an input: records (start line, end line, fields) and findings.
struct ReadResult: Equatable, CustomStringConvertible {
    var records: [Rec] = []
    var findings: [CSVFinding] = []
    var summary: CSVInputSummary?

    struct Rec: Equatable, CustomStringConvertible {
        var line: Int, endLine: Int, fields: [String], damaged: [Int]
        var description: String { "\(line)-\(endLine)\(fields)\(damaged.isEmpty ? "" : " damaged \(damaged)")" }
    }
    var description: String { "records: \(records)\nfindings: \(findings)" }
}

func read(_ bytes: [UInt8], options: CSVReaderOptions = CSVReaderOptions(), splits: [Int]? = nil) -> ReadResult {
    var out = ReadResult()
    let reader = CSVReader(options: options, onRecord: { r in
        out.records.append(.init(line: r.line, endLine: r.endLine, fields: r.strings,
                                 damaged: (0..<r.storedCount).filter { r.isDamaged($0) }))
    }, onFinding: { out.findings.append($0) })
    var start = 0
    for s in splits ?? [] where s > start && s < bytes.count {
        reader.feed(bytes: bytes[start..<s])
        start = s
    }
    reader.feed(bytes: bytes[start...])
    out.summary = reader.finish()
    return out
}

func read(_ text: String, options: CSVReaderOptions = CSVReaderOptions()) -> ReadResult {
    read(Array(text.utf8), options: options)
}

/// Byte at a time, all at once, and seeded random splits must agree exactly.
func assertChunkInvariant(_ bytes: [UInt8], options: CSVReaderOptions = CSVReaderOptions(),
                          sourceLocation: SourceLocation = #_sourceLocation) {
    let whole = read(bytes, options: options)
    let byteWise = read(bytes, options: options, splits: Array(0..<bytes.count))
    #expect(byteWise.records == whole.records, "byte at a time", sourceLocation: sourceLocation)
    #expect(byteWise.findings == whole.findings, "byte at a time", sourceLocation: sourceLocation)
    var rng = SplitMix(seed: 42)
    for _ in 0..<20 {
        let n = bytes.isEmpty ? 0 : Int(rng.next() % 6)
        let splits = (0..<n).map { _ in Int(rng.next() % UInt64(max(bytes.count, 1))) }.sorted()
        let r = read(bytes, options: options, splits: splits)
        #expect(r.records == whole.records, "splits \(splits)", sourceLocation: sourceLocation)
        #expect(r.findings == whole.findings, "splits \(splits)", sourceLocation: sourceLocation)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// Table of inputs named after their shape, with the records and findings they must give.
struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var input: String
    var records: [String]            // "line-endLine[f1, f2]" as ReadResult.Rec describes itself
    var findings: [String]           // "id@line:column"
    var testDescription: String { name }
}

let cases: [Case] = [
    Case(name: "oneRowLF", input: "a,b\n1,2\n", records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"2\"]"], findings: []),
    Case(name: "oneRowCRLF", input: "a,b\r\n1,2\r\n", records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"2\"]"], findings: []),
    Case(name: "oneRowCROnly", input: "a,b\r1,2\r", records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"2\"]"], findings: []),
    Case(name: "noFinalNewline", input: "a,b\n1,2", records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"2\"]"], findings: []),
    Case(name: "blankLinesCountedNotRecords", input: "a,b\n\n1,2\r\n\r\n3,4\n",
         records: ["1-1[\"a\", \"b\"]", "3-3[\"1\", \"2\"]", "5-5[\"3\", \"4\"]"], findings: []),
    Case(name: "spacesKeptAsWritten", input: "a,b\n 1 ,\t2\n", records: ["1-1[\"a\", \"b\"]", "2-2[\" 1 \", \"\\t2\"]"], findings: []),
    Case(name: "quotedCommaQuoteNewline", input: "a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n\"multi\nline\",2\n3,4\n",
         records: ["1-1[\"a\", \"b\"]", "2-2[\"x,y\", \"he said \\\"hi\\\"\"]", "3-4[\"multi\\nline\", \"2\"]", "5-5[\"3\", \"4\"]"], findings: []),
    Case(name: "quotedCRLFInsideField", input: "a,b\r\n\"p\r\nq\",1\r\n2,3\r\n",
         records: ["1-1[\"a\", \"b\"]", "2-3[\"p\\r\\nq\", \"1\"]", "4-4[\"2\", \"3\"]"], findings: []),
    Case(name: "tooFewFields", input: "a,b,c\n1,2\n", records: ["1-1[\"a\", \"b\", \"c\"]", "2-2[\"1\", \"2\"]"],
         findings: ["csv-too-few-fields@2:3"]),
    Case(name: "tooManyFields", input: "a,b\n1,2,3,4\n", records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"2\", \"3\", \"4\"]"],
         findings: ["csv-too-many-fields@2:3"]),
    Case(name: "whitespaceOnlyLineIsARaggedRecord", input: "a,b\n   \n1,2\n",
         records: ["1-1[\"a\", \"b\"]", "2-2[\"   \"]", "3-3[\"1\", \"2\"]"], findings: ["csv-too-few-fields@2:2"]),
    Case(name: "strayQuoteInUnquotedField", input: "a,b\n1,2\"5\n3,4\n",
         records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"2\\\"5\"]", "3-3[\"3\", \"4\"]"], findings: ["csv-stray-quote@2:2"]),
    Case(name: "textAfterClosingQuote", input: "a,b\n\"12\"3,4\n5,6\n",
         records: ["1-1[\"a\", \"b\"]", "2-2[\"123\", \"4\"] damaged [0]", "3-3[\"5\", \"6\"]"], findings: ["csv-stray-quote@2:1"]),
    Case(name: "unterminatedQuoteRecovered", input: "a,b,c\n1,\"2,3\n4,5,6\n7,8,9\n",
         records: ["1-1[\"a\", \"b\", \"c\"]", "2-2[\"1\", \"\\\"2\", \"3\"]", "3-3[\"4\", \"5\", \"6\"]", "4-4[\"7\", \"8\", \"9\"]"],
         findings: ["csv-unterminated-quote@2:2"]),
    Case(name: "twoStrayQuotesSwallowingRowsAreReadAgain",
         input: "p,c,n,b\n2020,101,\"甲镇,40\n2020,102,乙乡,33\n2020,103,丙乡,20\n2020,104,丁乡\",31\n2020,105,戊乡,12\n",
         records: ["1-1[\"p\", \"c\", \"n\", \"b\"]", "2-2[\"2020\", \"101\", \"\\\"甲镇\", \"40\"]",
                   "3-3[\"2020\", \"102\", \"乙乡\", \"33\"]", "4-4[\"2020\", \"103\", \"丙乡\", \"20\"]",
                   "5-5[\"2020\", \"104\", \"丁乡\\\"\", \"31\"]", "6-6[\"2020\", \"105\", \"戊乡\", \"12\"]"],
         findings: ["csv-unterminated-quote@2:3", "csv-stray-quote@5:3"]),
    Case(name: "strayQuotesOnAdjacentRowsAreReadAgain",
         input: "p,c,n,b\r\n2020,101,\"甲镇,40\r\n2020,102,乙乡\",33\r\n",
         records: ["1-1[\"p\", \"c\", \"n\", \"b\"]", "2-2[\"2020\", \"101\", \"\\\"甲镇\", \"40\"]",
                   "3-3[\"2020\", \"102\", \"乙乡\\\"\", \"33\"]"],
         findings: ["csv-unterminated-quote@2:3", "csv-stray-quote@3:3"]),
    Case(name: "swallowingQuoteAtEndOfInputWithoutNewline",
         input: "a,b\n1,\"x\n2,y\"",
         records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"\\\"x\"]", "3-3[\"2\", \"y\\\"\"]"],
         findings: ["csv-unterminated-quote@2:2", "csv-stray-quote@3:2"]),
    Case(name: "noteWithLineBreakInLastFieldStaysOneField",
         input: "a,b,c\n1,2,\"line one\nline two\"\n4,5,6\n",
         records: ["1-1[\"a\", \"b\", \"c\"]", "2-3[\"1\", \"2\", \"line one\\nline two\"]", "4-4[\"4\", \"5\", \"6\"]"],
         findings: []),
    Case(name: "noteWithLineBreakInMiddleFieldStaysOneField",
         input: "a,b,c\n1,\"see: a, b\nand c\",3\n",
         records: ["1-1[\"a\", \"b\", \"c\"]", "2-3[\"1\", \"see: a, b\\nand c\", \"3\"]"],
         findings: []),
    Case(name: "unterminatedQuoteOnLastLine", input: "a,b\n1,\"2\n",
         records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"\\\"2\"]"], findings: ["csv-unterminated-quote@2:2"]),
    Case(name: "nulByte", input: "a,b\n1,2\u{0}3\n", records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"2\\03\"]"], findings: ["csv-nul-byte@2:2"]),
    Case(name: "emptyFile", input: "", records: [], findings: ["csv-empty-file@-:-"]),
    Case(name: "onlyBlankLines", input: "\n\r\n\n", records: [], findings: ["csv-empty-file@-:-"]),
    Case(name: "headerOnly", input: "a,b\n", records: ["1-1[\"a\", \"b\"]"], findings: ["csv-header-only@1:-"]),
    Case(name: "bomStripped", input: "\u{FEFF}a,b\n1,2\n", records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"2\"]"], findings: []),
    Case(name: "tabSniffed", input: "a\tb\n1,5\t2\n", records: ["1-1[\"a\", \"b\"]", "2-2[\"1,5\", \"2\"]"], findings: []),
    Case(name: "semicolonSniffed", input: "a;b;c\n1,5;2;3\n", records: ["1-1[\"a\", \"b\", \"c\"]", "2-2[\"1,5\", \"2\", \"3\"]"], findings: []),
    Case(name: "pipeSniffed", input: "a|b\n1|2\n", records: ["1-1[\"a\", \"b\"]", "2-2[\"1\", \"2\"]"], findings: []),
    Case(name: "emptyFieldsKept", input: "a,b,c\n,,\n", records: ["1-1[\"a\", \"b\", \"c\"]", "2-2[\"\", \"\", \"\"]"], findings: []),
]

func render(_ f: CSVFinding) -> String {
    "\(f.problem.rawValue)@\(f.line.map(String.init) ?? "-"):\(f.column.map(String.init) ?? "-")"
}

@Test(arguments: cases)
func readerCase(_ c: Case) {
    let bytes = Array(c.input.utf8)
    let r = read(bytes)
    #expect(r.records.map(\.description) == c.records)
    #expect(r.findings.map(render) == c.findings, "\(r.findings)")
    assertChunkInvariant(bytes)
}

@Test func lineNumbersExactWithBlankAndMultilineRecords() {
    let text = "h1,h2\n\n\"a\nb\nc\",1\n\n\n2,3\r\n"
    let r = read(text)
    #expect(r.records.map(\.line) == [1, 3, 8])
    #expect(r.records.map(\.endLine) == [1, 5, 8])
    #expect(r.summary?.lines == 8)
    #expect(r.summary?.blankLines == 3)
    #expect(r.summary?.records == 2)
}

@Test func fieldOverCapIsAFindingAndMemoryStaysBounded() {
    var opts = CSVReaderOptions()
    opts.maxFieldBytes = 1000
    let big = String(repeating: "9", count: 5000)
    let text = "a,b\n1,\(big)\n2,3\n"
    let r = read(text, options: opts)
    #expect(r.findings.map(render) == ["csv-field-too-large@2:2"])
    #expect(r.records.count == 3)
    #expect(r.records[1].fields == ["1", ""])
    #expect(r.records[1].damaged == [1])
    #expect(r.records[2].fields == ["2", "3"])
    assertChunkInvariant(Array(text.utf8), options: opts)
}

@Test func unterminatedQuoteSwallowingPastTheCapIsRecovered() {
    var opts = CSVReaderOptions()
    opts.maxFieldBytes = 200
    var text = "a,b\n1,\"oops\n"
    for i in 0..<100 { text += "\(i),\(i * 2)\n" }
    let r = read(text, options: opts)
    #expect(r.findings.map(render) == ["csv-unterminated-quote@2:2"])
    #expect(r.records.count == 102)
    #expect(r.records[1].fields == ["1", "\"oops"])
    #expect(r.records[101].fields == ["99", "198"])
    #expect(r.records[101].line == 102)
}

@Test func tooWideRecordIsCountedNotKept() {
    var opts = CSVReaderOptions()
    opts.maxFieldsPerRecord = 10
    let text = "a,b\n" + Array(repeating: "1", count: 50).joined(separator: ",") + "\n"
    let r = read(text, options: opts)
    #expect(r.findings.map(render) == ["csv-too-many-fields@2:3", "csv-record-too-wide@2:11"])
    #expect(r.records[1].fields.count == 10)
}

@Test func explicitDelimiterOverridesSniffing() {
    let r = read("a;b,c\n1;2,3\n", options: CSVReaderOptions(delimiter: UInt8(ascii: ",")))
    #expect(r.records[1].fields == ["1;2", "3"])
    #expect(r.summary?.delimiterSniffed == false)
}

@Test func randomCSVIsChunkInvariant() {
    var rng = SplitMix(seed: 7)
    let alphabet: [UInt8] = Array("ab,\"\n\r 1,\"".utf8)
    for _ in 0..<40 {
        let n = Int(rng.next() % 80)
        let bytes = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        assertChunkInvariant(bytes)
    }
    // Forced options (nothing held back to sniff the delimiter or encoding) and a small field
    // cap: where the chunks end must not change which unterminated quotes are recovered.
    var small = CSVReaderOptions(delimiter: 0x2C, encoding: .utf8)
    small.maxFieldBytes = 8
    for _ in 0..<300 {
        let n = Int(rng.next() % 120)
        let bytes = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        assertChunkInvariant(bytes, options: small)
    }
}


/// Item 6, the worst shape for the read-again: every line opens or closes a quote, so each
/// recovery ends in another. Read in a loop (no recursion), chunk invariant, no line lost.
@Test func strayQuoteOnEveryLineIsReadLineByLine() {
    var text = "a,b\n"
    for i in 0..<30 { text += "\"\(i),\(i)\n" }
    let bytes = Array(text.utf8)
    let r = read(bytes)
    #expect(r.records.count == 31)
    #expect(r.records.map(\.line) == Array(1...31))
    assertChunkInvariant(bytes)
    var big = "a,b\n"
    for i in 0..<100_000 { big += "\"\(i),\(i)\n" }
    let rb = read(big)
    #expect(rb.records.count == 100_001)
    #expect(rb.records.last?.fields == ["\"99999", "99999"])
}

/// Records read (the header included) = non-blank physical lines when no field holds a line
/// break, whatever quotes stray in: random unit-name cells with stray quotes.
@Test func strayQuotesInNamesLoseNoRow() {
    var rng = SplitMix(seed: 8)
    for _ in 0..<40 {
        var text = "period,unit_code,unit_name,births\n"
        let rows = 2 + Int(rng.next() % 8)
        for i in 0..<rows {
            var name = "乡\(i)"
            switch rng.next() % 4 {
            case 0: name = "\"" + name
            case 1: name += "\""
            default: break
            }
            text += "2020,6230211\(i)000,\(name),\(i)\n"
        }
        let bytes = Array(text.utf8)
        let r = read(bytes)
        #expect(r.records.count == rows + 1, "\(text)")
        #expect(r.records.allSatisfy { $0.line == $0.endLine }, "\(text)")
        assertChunkInvariant(bytes)
    }
}

/// `wantsLine` keeps the records that start on the lines it names, exactly as a full read gives
/// them, and counts and numbers every line as a full read does (quoted line breaks, a bad quote,
/// blank lines, a short row), however the input is split.
@Test func wantsLineKeepsTheNamedRecordsAsAFullReadGivesThem() {
    let text = "a,b,c\n1,\"x\ny\",3\n\n4,5,6\n7,\"8\"9,10\n11,12\n13,14,15\n"
    let full = read(text)
    for wanted: Set<Int> in [[2], [5, 8], [4, 6, 7], [], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
        for splits in [nil, [3], [7, 12, 13, 20]] as [[Int]?] {
            var kept: [ReadResult.Rec] = []
            let reader = CSVReader(onRecord: { r in
                kept.append(.init(line: r.line, endLine: r.endLine, fields: r.strings, damaged: (0..<r.storedCount).filter { r.isDamaged($0) }))
            }, onFinding: { _ in })
            reader.wantsLine = { wanted.contains($0) }
            let bytes = Array(text.utf8)
            var start = 0
            for s in splits ?? [] { reader.feed(bytes: bytes[start..<s]); start = s }
            reader.feed(bytes: bytes[start...])
            let summary = reader.finish()
            let expected = full.records.filter { $0.line == 1 || wanted.contains($0.line) }
            #expect(kept == expected, "\(wanted) \(String(describing: splits))")
            #expect(summary.records == full.summary?.records && summary.lines == full.summary?.lines)
        }
    }
}

/// Declined lines of plain fields are counted without libcsv (`skimmedWholeLine`): the same
/// records kept, the same line and record counts, and the same record-level findings (a row
/// short or long of fields, under every line ending and delimiter) as when libcsv parses them;
/// lines with a quote, a NUL or a field over the cap still go through libcsv.
@Test func declinedPlainLinesAreCountedAsLibcsvWouldCountThem() {
    let rows = ["a,b,c", "1,2", "3,4,5,6", "7,8,9", "\"q\",1", "10,,", "  ", "x\u{0}y,1,2", ",", "11,12,13,14,15"]
    for ending in ["\n", "\r\n", "\r"] {
        for delimiter: UInt8 in [0x2C, 0x3B] {
            let text = rows.map { delimiter == 0x2C ? $0 : String($0.map { $0 == "," ? ";" : $0 }) }.joined(separator: ending) + ending
            var options = CSVReaderOptions(delimiter: delimiter, encoding: .utf8)
            options.maxFieldBytes = 8
            let full = read(text, options: options)
            func recordLevel(_ fs: [CSVFinding]) -> [String] {
                fs.filter { [.tooFewFields, .tooManyFields, .tooManyFieldsToKeep].contains($0.problem) }.map(render)
            }
            for wanted: Set<Int> in [[], [4], [2, 9], Set(1...11)] {
                for chunk in [1, 5, 1_000] {
                    var kept: [ReadResult.Rec] = [], findings: [CSVFinding] = []
                    let reader = CSVReader(options: options, onRecord: { r in
                        kept.append(.init(line: r.line, endLine: r.endLine, fields: r.strings, damaged: (0..<r.storedCount).filter { r.isDamaged($0) }))
                    }, onFinding: { findings.append($0) })
                    reader.wantsLine = { wanted.contains($0) }
                    let bytes = Array(text.utf8)
                    var at = 0
                    while at < bytes.count { reader.feed(bytes: bytes[at..<min(bytes.count, at + chunk)]); at += chunk }
                    let summary = reader.finish()
                    let label = "\(ending.debugDescription) \(delimiter) \(wanted.sorted()) \(chunk)"
                    #expect(kept == full.records.filter { $0.line == 1 || wanted.contains($0.line) }, "\(label)")
                    #expect(summary.records == full.summary?.records && summary.lines == full.summary?.lines, "\(label)")
                    #expect(recordLevel(findings) == recordLevel(full.findings), "\(label): \(findings.map(render)) against \(full.findings.map(render))")
                }
            }
            #expect(recordLevel(full.findings).count >= 4, "\(full.findings.map(render))")
        }
    }
}

/// Found by the csv-reader fuzzer (the declined-lines differential, which feeds in other
/// chunks): a quote left open on a line longer than twice the field cap was recovered when
/// the line came in one chunk, but not when it crossed a chunk end (the partial line had a
/// smaller cap than the replay), so the rows after it were lost or kept by the split alone.
@Test func unterminatedQuoteOnALongLineIsRecoveredHoweverTheInputIsSplit() {
    var options = CSVReaderOptions(delimiter: 0x2C, encoding: .utf8)   // nothing held back to sniff
    options.maxFieldBytes = 64
    let long = String(repeating: "x", count: 150)
    let text = "a,b,c,d\n\(long),2,3,\"note\n" + "4,\(String(repeating: "y", count: 80)),6,7\n8,9,10,11\n"
    let whole = read(text, options: options)
    #expect(whole.records.map(\.line) == [1, 2, 3, 4], "\(whole)")
    #expect(whole.findings.map(render).contains("csv-unterminated-quote@2:4"), "\(whole.findings.map(render))")
    assertChunkInvariant(Array(text.utf8), options: options)
}

/// Found by the csv-reader fuzzer: a header line that leaves a quote open made the delimiter
/// sniffer count the next lines too, as far as the first chunk reached, so the delimiter (and
/// every record) depended on how the input was split. It reads the first physical line alone.
@Test func theDelimiterIsSniffedFromTheFirstLineHoweverTheInputIsSplit() {
    let text = "\"h1,h2\na\";b;c;d\n1;2;3;4\n"
    let whole = read(text)
    #expect(whole.summary?.delimiter == 0x2C, "\(String(describing: whole.summary))")
    assertChunkInvariant(Array(text.utf8))
}

/// Found by the csv-reader fuzzer: in a record that already spans lines, a second quoted field
/// that passed the cap on the line it opened on was reported too large and dropped when a
/// chunk ended mid-line, but recovered as an unterminated quote when the line came whole.
@Test func aSecondQuoteOverTheCapInAMultiLineRecordIsReadTheSameHoweverSplit() {
    var options = CSVReaderOptions(delimiter: 0x2C, encoding: .utf8)
    options.maxFieldBytes = 16
    let text = "a,b,c\n1,\"x\ny\",\"" + String(repeating: "z", count: 30) + "\n4,5,6\n7,8,9\n"
    let whole = read(text, options: options)
    #expect(whole.records.map(\.line) == [1, 2, 4, 5], "\(whole)")
    assertChunkInvariant(Array(text.utf8), options: options)
}
