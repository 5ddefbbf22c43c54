import Foundation
import Testing

// Issue 10 items 3–7 through the built binary: golden files per format, and each format
// validated by its schema (SARIF: the official OASIS 2.1.0 schema; JUnit: Jenkins'
// junit-10.xsd and junitparser; JSON: schemas/veto-report-v1.schema.json; HTML: parsed, every
// SVG has data; CSV: parsed, no cell a spreadsheet would run) with Python
// (Tests/Schemas/validate.py). Without python3 and its modules (pip install jsonschema
// xmlschema junitparser; `make test` installs them) the validation tests are skipped.
//
// Golden files are in Tests/Golden; VETO_RECORD=1 swift test --filter Golden
// writes them again from the current binary.

enum Python {
    /// Whether `python3` can import every module.
    static func has(_ modules: String...) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import " + modules.joined(separator: ", ")]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    static let schemas = has("jsonschema")
    static let junit = has("xmlschema", "junitparser")
    static let plain = has("html.parser", "csv")

    /// Runs Tests/Schemas/validate.py on `text` written to a file; its exit status and output.
    static func validate(_ format: String, _ text: String) throws -> (status: Int32, output: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("veto-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("report.\(format)"), out = dir.appendingPathComponent("out")
        try Data(text.utf8).write(to: report)
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Run.root.appendingPathComponent("Tests/Schemas/validate.py").path, format, report.path]
        p.currentDirectoryURL = Run.root
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        return (p.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self))
    }
}

/// The runs the golden files and the validations are made from.
struct Sample: CustomTestStringConvertible, Sendable {
    var name: String
    var args: [String]
    var testDescription: String { name }

    static let seed15 = "fixtures/generated/seed15-zh-utf8-yuan-lf"
    static let all: [Sample] = [
        Sample(name: "county-2020", args: ["fixtures/domain/county-2020.csv"]),
        Sample(name: "county-2020-zh", args: ["--lang", "zh", "fixtures/domain/county-2020.csv"]),
        Sample(name: "seed15", args: ["--standards", "\(seed15)/standards.yml",
                                      "\(seed15)/620121-2018.csv", "\(seed15)/620121-2019.csv", "\(seed15)/620121-2020.csv"]),
    ]
    /// More inputs for validation only: GB18030 with CRLF, a BOM with 万元, the malformed corpus.
    static var more: [Sample] {
        let malformed = (try? FileManager.default.contentsOfDirectory(atPath: Run.root.appendingPathComponent("fixtures/malformed").path)) ?? []
        return all + [
            Sample(name: "county-gb18030-crlf", args: ["fixtures/domain/county-2020-gb18030-crlf.csv"]),
            Sample(name: "seed16-bom-wan-crlf", args: ["fixtures/generated/seed16-en-utf8bom-wan-crlf/620121-2020.csv"]),
            Sample(name: "malformed", args: malformed.filter { $0.hasSuffix(".csv") }.sorted().map { "fixtures/malformed/" + $0 }),
        ]
    }
}

let formats = ["text", "json", "sarif", "junit", "html", "csv"]

@Test(arguments: Sample.all)
func goldenFilesPerFormat(_ sample: Sample) throws {
    let record = ProcessInfo.processInfo.environment["VETO_RECORD"] == "1"
    let dir = Run.root.appendingPathComponent("Tests/Golden")
    for format in formats {
        let r = try Run.veto(["check", "--format", format] + sample.args)
        #expect(r.status == 1, "\(sample.name) \(format): exit \(r.status), stderr \(r.stderr)")
        #expect(r.stderr.isEmpty, "\(sample.name) \(format): \(r.stderr)")
        let ext = format == "text" ? "txt" : format
        let file = dir.appendingPathComponent("\(sample.name).\(ext)")
        if record {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(r.stdout.utf8).write(to: file)
            continue
        }
        let golden = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        #expect(r.stdout == golden, "\(sample.name).\(ext) differs from its golden file (VETO_RECORD=1 records it again)")
    }
}

@Test(.enabled(if: Python.schemas, "needs python3 with jsonschema (pip install jsonschema)"), arguments: Sample.more)
func sarifValidatesAgainstTheOfficialSchema(_ sample: Sample) throws {
    let r = try Run.veto(["check", "--format", "sarif"] + sample.args)
    #expect(r.status == 1)
    let v = try Python.validate("sarif", r.stdout)
    #expect(v.status == 0, "\(sample.name): \(v.output)")
}

@Test(.enabled(if: Python.schemas, "needs python3 with jsonschema (pip install jsonschema)"), arguments: Sample.more)
func jsonValidatesAgainstItsSchema(_ sample: Sample) throws {
    for lang in ["en", "zh"] {
        let r = try Run.veto(["check", "--format", "json", "--lang", lang] + sample.args)
        let v = try Python.validate("json", r.stdout)
        #expect(v.status == 0, "\(sample.name) \(lang): \(v.output)")
    }
}

@Test(.enabled(if: Python.junit, "needs python3 with xmlschema and junitparser (pip install xmlschema junitparser)"), arguments: Sample.more)
func junitValidatesAgainstJunit10XSD(_ sample: Sample) throws {
    let r = try Run.veto(["check", "--format", "junit"] + sample.args)
    let v = try Python.validate("junit", r.stdout)
    #expect(v.status == 0, "\(sample.name): \(v.output)")
}

@Test(.enabled(if: Python.plain, "needs python3"), arguments: Sample.more)
func htmlParsesAndEverySVGHasData(_ sample: Sample) throws {
    let r = try Run.veto(["check", "--format", "html"] + sample.args)
    let v = try Python.validate("html", r.stdout)
    #expect(v.status == 0, "\(sample.name): \(v.output)")
}

@Test(.enabled(if: Python.plain, "needs python3"), arguments: Sample.more)
func csvParsesWithNoCellASpreadsheetWouldRun(_ sample: Sample) throws {
    let r = try Run.veto(["check", "--format", "csv"] + sample.args)
    let v = try Python.validate("csv", r.stdout)
    #expect(v.status == 0, "\(sample.name): \(v.output)")
}

/// A hostile input: terminal escapes and formulas in a unit name and in numeric cells.
private func hostileInput() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("veto-hostile-\(UUID().uuidString).csv").path
    let csv = "period,unit_code,unit_name,births,births_male,births_female\n"
        + "2020,623021105000,\u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{7}=HYPERLINK(\"http://x\"),=1+1,@SUM(A1),-2+3+cmd\n"
        + "2020,623021106000,<script>alert(1)</script>,5,3,3\n"
    try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

@Test(arguments: formats)
func noFormatSendsRawControlCharacters(_ format: String) throws {
    let path = try hostileInput()
    defer { unlink(path) }
    let r = try Run.veto(["check", "--format", format, path])
    #expect(r.status == 1)
    let allowed: Set<UInt32> = [0x0A, 0x0D, 0x09]
    let bad = r.stdout.unicodeScalars.filter { ($0.value < 0x20 && !allowed.contains($0.value)) || (0x7F...0x9F).contains($0.value) }
    #expect(bad.isEmpty, "\(format): raw control characters \(bad.map { String($0.value, radix: 16) })")
    if format == "html" {
        #expect(!r.stdout.contains("<script>"))
    }
    if format == "csv" {
        for line in r.stdout.split(separator: "\r\n") {
            for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                #expect(!(cell.hasPrefix("=") || cell.hasPrefix("@") || cell.hasPrefix("-2+")), "\(cell)")
            }
        }
    }
}

@Test(arguments: ["sarif", "junit", "html", "csv"])
func aFailedWriteExits3ForEveryFormat(_ format: String) throws {
    let r = try Run.veto(["check", "--format", format, "-o", "/dev/full", "fixtures/domain/county-2020.csv"])
    #expect(r.status == 3)
    #expect(r.stderr.contains("/dev/full"))
}

@Test func progressNeverWritesNothingAndAlwaysDrawsOnlyForLongRuns() throws {
    // A small input finishes before the bar's first half second: nothing on stderr either way.
    let quiet = try Run.veto(["check", "--progress", "always", "fixtures/domain/county-2020.csv"])
    #expect(quiet.stderr.isEmpty)
    let never = try Run.veto(["check", "--progress", "never", "fixtures/domain/county-2020.csv"])
    #expect(never.stderr.isEmpty)
    #expect(quiet.stdout == never.stdout)
    let bad = try Run.veto(["check", "--progress", "sometimes", "fixtures/domain/county-2020.csv"])
    #expect(bad.status != 0 && bad.status != 1)
}
