// libFuzzer target: the CSV reader over every encoding and delimiter, fed in chunks.
// The first byte of the input picks the options (encoding forced or detected, delimiter
// given or sniffed, a small or the default field cap) and the chunk size; the rest is the
// file. Checks, besides "no crash": every record's fields are readable, lines only grow,
// the summary counts what was handed out, and a second read, fed in other chunks, that
// declines two lines in three (`wantsLine`, as the checker's re-reads do) keeps the records
// the full read gave on the other lines, field for field, with the same line and record
// counts: neither where the input is split nor which lines are declined changes a record.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let control = data[0]
    let encodings: [TextEncoding?] = [nil, .utf8, .gb18030, .utf16le, .utf16be, nil, nil, nil]
    let delimiters: [UInt8?] = [nil, 0x2C, 0x09, 0x3B, 0x7C, nil, nil, nil]
    var options = CSVReaderOptions(delimiter: delimiters[Int(control >> 5)], encoding: encodings[Int((control >> 2) & 7)])
    if control & 1 == 1 { options.maxFieldBytes = 64 }
    if control & 2 == 2 { options.maxFieldsPerRecord = 8 }
    var records = 0
    var lastLine = 0
    var wanted: [Kept] = []
    let reader = CSVReader(options: options, onRecord: { r in
        records += 1
        precondition(r.line >= lastLine && r.endLine >= r.line, "lines go backwards")
        lastLine = r.line
        for i in 0..<r.storedCount { _ = r.string(i); _ = r.isDamaged(i); _ = r.line(ofField: i) }
        if (options.hasHeader && records == 1) || r.line % 3 == 0 { wanted.append(Kept(r)) }   // the header is always kept
    }, onFinding: { f in
        precondition(f.line.map { $0 >= 1 } ?? true && f.column.map { $0 >= 1 } ?? true, "bad location")
    })
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let chunk = 1 + Int(control % 7) * 3
    feed(reader, body, chunk)
    let summary = reader.finish()
    precondition(summary.records + (options.hasHeader && records > 0 ? 1 : 0) == records, "records miscounted")

    var skimmed: [Kept] = []
    let skimmer = CSVReader(options: options, onRecord: { skimmed.append(Kept($0)) }, onFinding: { _ in })
    skimmer.wantsLine = { $0 % 3 == 0 }
    feed(skimmer, body, 1 + Int(control % 5) * 4)
    let again = skimmer.finish()
    if skimmed != wanted {
        let at = (0..<min(skimmed.count, wanted.count)).first { skimmed[$0] != wanted[$0] } ?? min(skimmed.count, wanted.count)
        FileHandle.standardError.write(Data("kept \(skimmed.count), full read \(wanted.count); first difference at \(at):\n  skimmed \(at < skimmed.count ? "\(skimmed[at])" : "none")\n  full    \(at < wanted.count ? "\(wanted[at])" : "none")\n".utf8))
        preconditionFailure("the split or a declined line changed the records kept")
    }
    precondition(again.records == summary.records && again.lines == summary.lines, "the split or a declined line changed the counts")
    return 0
}

private func feed(_ reader: CSVReader, _ body: UnsafeRawBufferPointer, _ chunk: Int) {
    var at = 0
    while at < body.count {
        let n = min(chunk, body.count - at)
        reader.feed(UnsafeRawBufferPointer(rebasing: body[at..<at + n]))
        at += n
    }
}

private struct Kept: Equatable {
    var line, endLine: Int
    var fields: [String]
    var damaged: [Bool]
    var fieldLines: [Int]
    init(_ r: CSVRecord) {
        line = r.line
        endLine = r.endLine
        fields = (0..<r.storedCount).map { r.string($0) }
        damaged = (0..<r.storedCount).map { r.isDamaged($0) }
        fieldLines = (0..<r.storedCount).map { r.line(ofField: $0) }
    }
}
