// libFuzzer target: the CSV reader over every encoding and delimiter, fed in chunks.
// The first byte of the input picks the options (encoding forced or detected, delimiter
// given or sniffed, a small or the default field cap) and the chunk size; the rest is the
// file. Checks, besides "no crash": every record's fields are readable, lines only grow,
// and the summary counts what was handed out.

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
    let reader = CSVReader(options: options, onRecord: { r in
        records += 1
        precondition(r.line >= lastLine && r.endLine >= r.line, "lines go backwards")
        lastLine = r.line
        for i in 0..<r.storedCount { _ = r.string(i); _ = r.isDamaged(i); _ = r.line(ofField: i) }
    }, onFinding: { f in
        precondition(f.line.map { $0 >= 1 } ?? true && f.column.map { $0 >= 1 } ?? true, "bad location")
    })
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let chunk = 1 + Int(control % 7) * 3
    var at = 0
    while at < body.count {
        let n = min(chunk, body.count - at)
        reader.feed(UnsafeRawBufferPointer(rebasing: body[at..<at + n]))
        at += n
    }
    let summary = reader.finish()
    precondition(summary.records + (options.hasHeader && records > 0 ? 1 : 0) == records, "records miscounted")
    return 0
}
