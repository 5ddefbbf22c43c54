import Testing
@testable import Veto
import VetoCSV

// The seeded mutation harness of issue 8 ("What else"): the entry points the libFuzzer
// targets in fuzz/ exercise (the CSV reader over every encoding and delimiter, the number
// parser, the header matcher), run here on deterministic mutations of the fixtures, so
// every `make test` fuzzes a little. Each checks the same properties as its fuzz target.

private let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

private let seeds: [[UInt8]] = [
    "/fixtures/domain/county-2020.csv", "/fixtures/domain/county-2020-gb18030-crlf.csv",
    "/fixtures/malformed/stray-quote.csv", "/fixtures/malformed/swallowed-rows.csv",
    "/fixtures/malformed/unterminated-quote.csv", "/fixtures/malformed/invalid-gb18030.csv",
    "/fixtures/generated/seed16-en-utf8bom-wan-crlf/620121-2018.csv",
].compactMap { readFile(root + $0).map { Array($0.prefix(6000)) } }

/// Bytes that break CSV, encodings and numbers.
private let hostile: [[UInt8]] = [
    [0x22], [0x2C], [0x0A], [0x0D], [0x00], [0xFF], [0xFE], [0xEF, 0xBB, 0xBF], [0xE4, 0xB8, 0x87],
    [0x81, 0x30], [0xA4, 0x40], [0x3B], [0x09], [0x7C], Array("万".utf8), Array("%".utf8),
    Array("0.0000000000000000000001".utf8), Array(String(repeating: "9", count: 40).utf8),
    Array("\"\"".utf8), Array("\u{1B}[2J".utf8), [0x00, 0x41],
]

private func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
    var b = input
    for _ in 0..<(1 + rng.below(8)) {
        let at = rng.below(max(b.count, 1))
        switch rng.below(6) {
        case 0 where !b.isEmpty: b[at] = UInt8(truncatingIfNeeded: rng.next())
        case 1: b.insert(contentsOf: hostile[rng.below(hostile.count)], at: min(at, b.count))
        case 2 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + 1 + rng.below(16)))
        case 3 where b.count > 4:   // duplicate a slice
            let end = min(b.count, at + 1 + rng.below(200))
            b.insert(contentsOf: b[at..<end], at: rng.below(b.count))
        case 4: b = Array(b.prefix(at))
        default: if !b.isEmpty { b[at] = hostile[rng.below(hostile.count)][0] }
        }
    }
    return b
}

/// The CSV reader, every encoding forced or detected, every delimiter, a small and the
/// default field cap, fed whole and in odd chunks: no crash, lines never go back, the same
/// records and findings whatever the chunking.
@Test(arguments: 0..<6)
func mutatedCSVThroughTheReader(seed: Int) {
    var rng = SplitMix64(seed: 8_000 + UInt64(seed))
    let encodings: [TextEncoding?] = [nil, .utf8, .gb18030, .utf16le, .utf16be]
    let delimiters: [UInt8?] = [nil, 0x2C, 0x09, 0x3B, 0x7C]
    for _ in 0..<150 {
        let bytes = mutate(seeds[rng.below(seeds.count)], &rng)
        var options = CSVReaderOptions(delimiter: delimiters[rng.below(delimiters.count)],
                                       encoding: encodings[rng.below(encodings.count)])
        if rng.below(3) == 0 { options.maxFieldBytes = 64 }
        func run(_ chunk: Int) -> ([String], [CSVFinding], CSVInputSummary) {
            var records: [String] = []
            var findings: [CSVFinding] = []
            var last = 0
            let reader = CSVReader(options: options, onRecord: { r in
                #expect(r.line >= last && r.endLine >= r.line)
                last = r.line
                records.append("\(r.line)-\(r.endLine)\(r.strings)\((0..<r.storedCount).filter { r.isDamaged($0) })")
            }, onFinding: { findings.append($0) })
            var at = 0
            while at < bytes.count {
                let n = min(chunk, bytes.count - at)
                reader.feed(bytes: bytes[at..<at + n])
                at += n
            }
            let summary = reader.finish()
            return (records, findings, summary)
        }
        let whole = run(max(bytes.count, 1))
        let split = run(1 + rng.below(97))
        #expect(whole.0 == split.0, "records depend on chunking")
        #expect(whole.1 == split.1, "findings depend on chunking")
        #expect(whole.2 == split.2)
        #expect(whole.2.records + (whole.0.isEmpty ? 0 : 1) == whole.0.count)
    }
}

/// The number parser on mutated cells, in every kind and header unit: an accepted figure
/// is bounded and reads back to its value from its printed form; normalize's form too.
@Test(arguments: 0..<4)
func mutatedCellsThroughTheNumberParser(seed: Int) {
    var rng = SplitMix64(seed: 9_000 + UInt64(seed))
    let cells: [[UInt8]] = ["1,825", "１８２５", "53.376万", "29.1360万元", "1.2亿", "0%", "２．４９％", "-5",
                            "(1,234)", "1.23E+11", "#DIV/0!", "0.000000000000000001", "无", "——"].map { Array($0.utf8) }
    let kinds: [ColumnKind] = [.count, .money, .rate]
    for _ in 0..<5_000 {
        let cell = mutate(cells[rng.below(cells.count)], &rng)
        let kind = kinds[rng.below(3)]
        let value = cell.withUnsafeBufferPointer { NumberParser.parse($0, kind: kind, headerExponent: [0, 4, 8][rng.below(3)]) }
        guard case .number(let n) = value else { continue }
        #expect(n.exponent >= -NumberParser.maxDecimalPlaces)
        #expect(n.mantissa.magnitude < 1_000_000_000_000_000_000)
        if case .number(let back) = NumberParser.parse(n.description, kind: .money) {
            #expect(back.hasSameValue(as: n), "\(n.description)")
        } else {
            Issue.record("\(String(decoding: cell, as: UTF8.self)) → \(n) does not read back")
        }
        let written = NormalizeWriter.format(value, kind: kind)
        if case .number(let again) = NumberParser.parse(written, kind: kind) {
            #expect(again.hasSameValue(as: n) && Interval(reported: again, kind: kind) == Interval(reported: n, kind: kind),
                    "normalize writes \(written) for \(n) (\(kind))")
        } else {
            Issue.record("normalize writes \(written), unreadable, for \(n) (\(kind))")
        }
    }
}

/// The header matcher on mutated header lines: normalize and bind never crash, and bind
/// gives one binding per name.
@Test func mutatedHeadersThroughTheHeaderMatcher() {
    var rng = SplitMix64(seed: 10_000)
    let headers = seeds.map { Array($0.prefix { $0 != 0x0A && $0 != 0x0D }) }
    for _ in 0..<2_000 {
        let line = String(decoding: mutate(headers[rng.below(headers.count)], &rng), as: UTF8.self)
        let names = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for n in names { _ = HeaderMatcher.normalize(n) }
        #expect(HeaderMatcher.bind(names).columns.count == names.count)
    }
}
