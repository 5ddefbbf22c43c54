import Testing
@testable import Veto

// The standards loader on bytes and text, as `--standards` and the fuzz target run it.

private func csv(_ text: String) throws -> StandardsTable {
    try StandardsTable.parse(csv: Array(text.utf8), file: "s.csv")
}

/// Overlaps were found by comparing every pair: a 4 MiB table (the loaders' cap, some
/// 100,000 entries) would take 10¹⁰ comparisons. Sorted by start, it is checked at once.
@Test func hundredThousandStandardsAreCheckedForOverlapAtOnce() throws {
    var text = "programme,per_year,from_period,to_period,region\n"
    for i in 0..<100_000 { text += "reward,960,2012,,\(100_000 + i)\n" }
    let clock = ContinuousClock()
    var table = StandardsTable()
    let t = try clock.measure { table = try csv(text) }
    #expect(table.standards.count == 100_000)
    #expect(t < .seconds(30), "took \(t)")
    // The same table with one entry repeated at its end: the repetition is the error.
    #expect(throws: StandardsError.self) { try csv(text + "reward,1000,2015,,100007\n") }
}

/// Every overlap is found, whatever the order of the entries, and named by the later line.
@Test(arguments: [
    (["2010,2015", "2014,"], 3),
    (["2014,", "2010,2015"], 3),
    (["2010,2020", "2012,2013", "2015,2016"], 3),
    (["2015,2016", "2012,2013", "2010,2020"], 4),
    (["2010,2011", "2012,2013", "2014,"], nil),
    (["2010,2011", "2012,2013", "2013,2014"], 4),
])
func overlappingStandardsAreFoundInAnyOrder(periods: [String], line: Int?) {
    let text = "programme,per_year,from_period,to_period,region\n" + periods.map { "reward,960,\($0),62\n" }.joined()
    do {
        _ = try csv(text)
        #expect(line == nil, "no overlap found")
    } catch let e as StandardsError {
        #expect(e.line == line, "\(e)")
        #expect(e.message.contains("overlap"))
    } catch {
        Issue.record("\(error)")
    }
}

/// Entries are named by their physical line, not their row index: a quoted line break or a
/// blank line before them moved every later line number.
@Test func standardsErrorsNameThePhysicalLine() {
    let text = "programme,per_year,from_period,source\nreward,960,2012,\"a\nb\"\n\nreward,-1,2012,x\n"
    #expect { try csv(text) } throws: { ($0 as? StandardsError)?.line == 5 }
}

/// A YAML standards file that is not YAML names the file, line and column.
@Test func malformedYAMLStandardsNameTheFileAndLine() {
    #expect { try StandardsTable.parse(yaml: "standards:\n  - programme: [reward\n", file: "s.yml") } throws: {
        guard let e = $0 as? RuleFileError else { return false }
        return e.file == "s.yml" && e.line >= 2
    }
}
