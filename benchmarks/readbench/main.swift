// veto's reader alone: bytes -> transcoder -> libcsv -> records -> every numeric field an
// exact number. Prints one line for benchmarks/run.sh:
//   bytes=N records=N fields=N numbers=N missing=N invalid=N seconds=S
// With --rows it runs the full typed-row reader (SubmissionReader) instead.
import Veto
import VetoCSV
#if canImport(Glibc)
import Glibc
#endif

let args = Array(CommandLine.arguments.dropFirst())
guard let path = args.last, !path.hasPrefix("--") else {
    print("usage: veto-readbench [--rows] FILE")
    exit(2)
}
let typedRows = args.contains("--rows")

var start = timespec()
clock_gettime(CLOCK_MONOTONIC, &start)
struct Counts { var records = 0, fields = 0, numbers = 0, missing = 0, invalid = 0, findings = 0 }
// Counters behind a pointer: top-level variables would pay a dynamic exclusivity check per field.
let c = UnsafeMutablePointer<Counts>.allocate(capacity: 1)
c.initialize(to: Counts())
var bytes: Int64 = 0

do {
    if typedRows {
        let s = try SubmissionReader.read(path: path, input: 0, options: CSVReaderOptions(),
            onRow: { row in
                c.pointee.records += 1
                for f in Field.allCases where f.numberKind != nil {
                    switch row[f] {
                    case .number?: c.pointee.numbers += 1
                    case .missing?: c.pointee.missing += 1
                    case .invalid?: c.pointee.invalid += 1
                    case nil: break
                    }
                }
            }, onFinding: { _ in c.pointee.findings += 1 })
        bytes = s.bytes
    } else {
        var numeric: [(Int, ColumnKind, Int)] = []
        bytes = try CSVReader.read(path: path, onRecord: { r in
            c.pointee.fields += r.fieldCount
            if r.index == 0 {
                let (cols, _) = HeaderMatcher.bind(r.strings)
                numeric = cols.compactMap { c in c.field?.numberKind.map { (c.index, $0, c.exponent) } }
                return
            }
            c.pointee.records += 1
            for (i, kind, exp) in numeric {
                switch NumberParser.parse(r.unsafeField(i), kind: kind, headerExponent: exp) {
                case .number: c.pointee.numbers += 1
                case .missing: c.pointee.missing += 1
                case .invalid: c.pointee.invalid += 1
                }
            }
        }, onFinding: { _ in c.pointee.findings += 1 }).bytes
    }
} catch {
    print("veto-readbench: \(error)")
    exit(3)
}
var end = timespec()
clock_gettime(CLOCK_MONOTONIC, &end)
let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
print("bytes=\(bytes) records=\(c.pointee.records) fields=\(c.pointee.fields) numbers=\(c.pointee.numbers) missing=\(c.pointee.missing) invalid=\(c.pointee.invalid) findings=\(c.pointee.findings) seconds=\(seconds)")
