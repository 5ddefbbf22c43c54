// libFuzzer target: the standards loader (read only), as `veto check --standards` runs it.
// The first byte picks the form (even: CSV, odd: YAML) and whether programmes are resolved
// against the pack's (bit 1); the rest is the file. The table is parsed and checked (programme
// names, overlaps), each entry looked up for a few periods and codes. Checks, besides "no
// crash": a looked-up standard covers the period and the code, and errors name the file.

private let programmes = (try? Packs.load("family-welfare"))?.schema.programmes ?? []
private let periods = ["2010", "2012", "2020", "2020H2", "2021Q3", "2022-06", "2200"].compactMap(Period.parse)
private let codes = ["", "62", "623021", "623021105000", "110000000000"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStandards(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let control = data[0]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let resolve: [ProgrammeSpec]? = control & 2 == 2 ? programmes : nil
    let table: StandardsTable
    do {
        if control & 1 == 1 {
            guard let text = String(validating: body, as: UTF8.self) else { return 0 }
            table = try StandardsTable.parse(yaml: text, file: "fuzz.yml", programmes: resolve)
        } else {
            table = try StandardsTable.parse(csv: body, file: "fuzz.csv", programmes: resolve)
        }
    } catch let e as StandardsError {
        precondition(e.file == "fuzz.csv" || e.file == "fuzz.yml", "an error that does not name the file")
        _ = e.description
        return 0
    } catch let e as RuleFileError {
        precondition(e.file == "fuzz.yml" && e.line >= 1, "an error that does not name the file")
        return 0
    } catch {
        return 0
    }
    precondition(table.overlaps().isEmpty, "a checked table with overlapping entries")
    for s in table.standards {
        for p in periods {
            _ = s.amount(for: p)
            for c in codes {
                guard let found = table.lookup(s.programme, period: p, code: c) else { continue }
                precondition(found.fromYear <= p.year && (found.toYear ?? .max) >= p.year && c.hasPrefix(found.region),
                             "a standard that does not cover its period and code")
            }
        }
    }
    return 0
}
