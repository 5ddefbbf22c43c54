// libFuzzer target: the whole check (reader, typed rows, the family-welfare pack's rules, the
// forensic detectors, verdicts and the JSON report) on the input as one CSV file, as `veto
// check` runs it. The pack and its options are made once. Checks, besides "no crash": the
// verdicts' counts add up, a failing finding makes the run's worst severity at least `fail`,
// and the JSON report can be written.

private let options = CheckOptions()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheck(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let c = Checker(options: options)
    c.add(bytes: Array(UnsafeBufferPointer(start: data, count: size)), name: "fuzz.csv")
    let r = c.finish()
    precondition(r.verdicts.count <= size + 1, "more unit-periods than bytes")
    if r.findings.contains(where: { $0.severity >= .fail }) {
        precondition(r.count(.fail) + r.count(.veto) > 0, "a failing finding not counted")
    }
    var written = 0
    JSONReport.write(r, lang: .en, to: { written += $0.utf8.count })
    precondition(written > 0, "no report")
    return 0
}
