import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Issue 8, end to end: hostile inputs given to the built binary. Each test is named after
// what broke; each run has a timeout, so a hang fails the test instead of stalling the suite.

/// One run of the built `veto`, with a timeout and, when asked, its peak RSS (GNU time).
private struct TimedRun {
    var stdout: Data
    var stderr: Data
    var status: Int32
    var timedOut: Bool
    /// Peak resident set size in KiB, when measured.
    var peakKiB: Int?

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: stdout)) as? [String: Any] ?? [:] }
    var findings: [[String: Any]] { json["findings"] as? [[String: Any]] ?? [] }

    static let time = "/usr/bin/time"

    static func veto(_ args: [String], timeout: Double = 60, measureMemory: Bool = false) throws -> TimedRun {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("veto-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        let rssURL = dir.appendingPathComponent("rss")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let p = Process()
        let measure = measureMemory && FileManager.default.isExecutableFile(atPath: time)
        if measure {
            p.executableURL = URL(fileURLWithPath: time)
            p.arguments = ["-f", "%M", "-o", rssURL.path, Run.binary.path] + args
        } else {
            p.executableURL = Run.binary
            p.arguments = args
        }
        p.currentDirectoryURL = Run.root
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C"
        env["NO_COLOR"] = "1"
        p.environment = env
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while p.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(p.processIdentifier, SIGKILL)   // the child this test started, by its id
                break
            }
            usleep(20_000)
        }
        p.waitUntilExit()
        try out.close()
        try err.close()
        var peak: Int?
        if measure, let text = try? String(contentsOf: rssURL, encoding: .utf8) {
            peak = text.split(whereSeparator: \.isNewline).last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        return TimedRun(stdout: try Data(contentsOf: outURL), stderr: try Data(contentsOf: errURL),
                        status: p.terminationStatus, timedOut: timedOut, peakKiB: peak)
    }
}

/// A temporary directory for one test's files.
private struct Scratch {
    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("veto-hostile-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    @discardableResult
    func write(_ name: String, _ data: Data) -> String {
        _ = FileManager.default.createFile(atPath: path(name), contents: data)
        return path(name)
    }
    func write(_ name: String, _ text: String) -> String { write(name, Data(text.utf8)) }
    func remove() { try? FileManager.default.removeItem(at: dir) }
}

/// Bytes a terminal would act on: C0 controls but tab and line feed, DEL, and the C1 controls
/// as UTF-8 (C2 80–C2 9F).
private func rawControls(_ d: Data) -> [UInt8] {
    var found: [UInt8] = []
    var previous: UInt8 = 0
    for b in d {
        if (b < 0x20 && b != 0x09 && b != 0x0A) || b == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(b)) {
            found.append(b)
        }
        previous = b
    }
    return found
}

/// A small deterministic generator (SplitMix64) for the random bytes below.
private struct Seeded {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int) -> Data { Data((0..<n).map { _ in UInt8(truncatingIfNeeded: next()) }) }
}

// MARK: Item 17: huge cells echoed whole

/// Item 17: 1 MiB unit codes, periods and header names were echoed whole into every message
/// and JSON `actual` (500 such rows gave 9.6 GB RSS). Each echo is now the first 80 characters
/// and the length; memory stays bounded whatever the number of such rows.
@Test func megabyteUnitCodesPeriodsAndHeaderNamesEchoBoundedInBoundedMemory() throws {
    let s = try Scratch()
    defer { s.remove() }
    let mib = 1 << 20
    var text = "period,unit_code,unit_name,births," + String(repeating: "h", count: mib) + "\n"
    let code = String(repeating: "9", count: mib), period = String(repeating: "2", count: mib)
    for i in 0..<40 { text += "2020,\(code),甲,5,1\n" + "\(period),623021105\(String(format: "%03d", i)),乙,5,1\n" }
    let file = s.write("huge.csv", text)
    let r = try TimedRun.veto(["check", "--format", "json", file], timeout: 300, measureMemory: true)
    #expect(!r.timedOut)
    #expect(r.status == 1)
    let findings = r.findings
    #expect(findings.filter { $0["id"] as? String == "row-invalid-unit-code" }.count == 40)
    #expect(findings.filter { $0["id"] as? String == "row-invalid-period" }.count == 40)
    #expect(findings.contains { $0["id"] as? String == "header-unknown-column" })
    // 80 characters + "…(1048576 bytes)" + the message's own words.
    for f in findings {
        for key in ["actual", "unit_code", "period"] {
            let v = f[key] as? String ?? ""
            #expect(v.count <= 100, "\(f["id"] ?? "?") \(key) has \(v.count) characters")
        }
        for v in f["fields"] as? [String] ?? [] { #expect(v.count <= 100) }
        let message = f["message"] as? String ?? ""
        #expect(message.count <= 300, "\(f["id"] ?? "?") message has \(message.count) characters")
    }
    #expect(r.stdout.count < 200_000, "the JSON report is \(r.stdout.count) bytes")
    if let kib = r.peakKiB { #expect(kib < 200 * 1024, "peak RSS \(kib) KiB") }

    let t = try TimedRun.veto(["check", file], timeout: 300)
    #expect(t.status == 1)
    #expect(t.stdout.count < 200_000, "the text report is \(t.stdout.count) bytes")
}

/// Item 15 and 17 together: a terminal escape inside an invalid unit code, a period and a
/// header name is made visible in the finding itself (message and `actual`), not only by
/// the text reporter.
@Test func terminalEscapesInInvalidCodesPeriodsAndHeadersAreVisibleInFindings() throws {
    let s = try Scratch()
    defer { s.remove() }
    let esc = "\u{1B}]52;c;aGk=\u{07}\u{1B}[2J"
    let file = s.write("esc.csv", "period,unit_code,unit_name,births,x\(esc)\n2020,62\(esc)3021,甲,5,1\n20\(esc)20,623021105001,乙,5,1\n")
    let r = try TimedRun.veto(["check", "--format", "json", file], timeout: 60)
    #expect(r.status == 1)
    let ids = r.findings.compactMap { $0["id"] as? String }
    #expect(ids.contains("row-invalid-unit-code") && ids.contains("row-invalid-period"))
    for f in r.findings where (f["kind"] as? String) == "input" {
        for v in [f["actual"] as? String, f["message"] as? String] + (f["fields"] as? [String] ?? []).map(Optional.some) {
            #expect(!(v ?? "").unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(v ?? "")")
        }
    }
    #expect(r.findings.contains { ($0["message"] as? String ?? "").contains("\\e]52") })
    let t = try TimedRun.veto(["check", file], timeout: 60)
    #expect(rawControls(t.stdout).isEmpty)
    #expect(rawControls(t.stderr).isEmpty)
}

// MARK: Item 12: a quote closing mid-field in a number column

/// Item 12: `"9"97` in a count gave only the `review` stray-quote finding; the cell is now a
/// `fail` finding at that cell (`cell-invalid-number`), so the row fails.
@Test func quoteClosingMidFieldInANumberColumnIsAFailAtThatCell() throws {
    let s = try Scratch()
    defer { s.remove() }
    let file = s.write("q.csv", "period,unit_code,unit_name,births,births_male,births_female\n2020,623021000000,某县,\"9\"97,500,497\n")
    let r = try TimedRun.veto(["check", "--format", "json", file], timeout: 60)
    #expect(r.status == 1)
    let cell = r.findings.first { $0["id"] as? String == "cell-invalid-number" }
    #expect(cell?["severity"] as? String == "fail")
    #expect(cell?["line"] as? Int == 2)
    #expect(cell?["column"] as? Int == 4)
    let message = (cell?["message"] as? String) ?? ""
    #expect(message.contains("quote closed mid-field"))
    #expect(r.findings.contains { $0["id"] as? String == "csv-stray-quote" })
    #expect((r.json["verdicts"] as? [[String: Any]])?.first?["verdict"] as? String == "fail")
}

// MARK: Item 8: the report written over an input

/// Item 8 for `check`: `-o a.csv a.csv` would have replaced the input with the report. It is
/// refused before anything is read (exit 2), the input left byte for byte, nothing written.
@Test(arguments: [["-o", "a.csv", "a.csv"], ["-o", "./a.csv", "a.csv"], ["--output", "link.csv", "a.csv"],
                  ["-o", "rules.yml", "--rules", "rules.yml", "a.csv"], ["-o", "std.csv", "--standards", "std.csv", "a.csv"]])
func checkRefusesToWriteTheReportOverAnInput(args: [String]) throws {
    let s = try Scratch()
    defer { s.remove() }
    let source = try Data(contentsOf: Run.root.appendingPathComponent("fixtures/domain/county-2020.csv"))
    s.write("a.csv", source)
    let rules = Data("version: 1\nrules: []\n".utf8)
    s.write("rules.yml", rules)
    let std = Data("programme,per_year,from_period\nreward,960,2012\n".utf8)
    s.write("std.csv", std)
    try FileManager.default.createSymbolicLink(atPath: s.path("link.csv"), withDestinationPath: "a.csv")
    let p = Process()
    p.executableURL = Run.binary
    p.arguments = ["check"] + args
    p.currentDirectoryURL = s.dir
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 2)
    #expect(stderr.contains("refusing to write over an input"))
    #expect(FileManager.default.contents(atPath: s.path("a.csv")) == source)
    #expect(FileManager.default.contents(atPath: s.path("rules.yml")) == rules)
    #expect(FileManager.default.contents(atPath: s.path("std.csv")) == std)
    let names = try FileManager.default.contentsOfDirectory(atPath: s.dir.path).sorted()
    #expect(names == ["a.csv", "link.csv", "rules.yml", "std.csv"])
}

/// The refusal is about inputs only: a new output beside the input is written.
@Test func checkWritesTheReportBesideItsInput() throws {
    let s = try Scratch()
    defer { s.remove() }
    let r = try TimedRun.veto(["check", "-o", s.path("report.txt"), "fixtures/domain/county-2020.csv"], timeout: 60)
    #expect(r.status == 1)
    #expect(String(decoding: FileManager.default.contents(atPath: s.path("report.txt")) ?? Data(), as: UTF8.self)
        .contains("funds.ltc_reward_paid"))
}

// MARK: Item 4: rule and standards files read whole with no cap

/// Item 4: `--rules /dev/zero` reached 17 GB, `--standards /dev/urandom` grew without bound,
/// `--standards /dev/zero` spun forever. Each is now exit 2 at once, naming the file.
@Test(arguments: [["--rules", "/dev/zero"], ["--standards", "/dev/urandom"], ["--standards", "/dev/zero"],
                  ["--standards", "zero.yml"], ["--rules", "urandom.yml"]])
func endlessDeviceAsRuleOrStandardsFileIsExitTwoAtOnce(args: [String]) throws {
    // zero.yml, urandom.yml: the devices behind YAML names (the standards loader picks YAML by name).
    let s = try Scratch()
    defer { s.remove() }
    try FileManager.default.createSymbolicLink(atPath: s.path("zero.yml"), withDestinationPath: "/dev/zero")
    try FileManager.default.createSymbolicLink(atPath: s.path("urandom.yml"), withDestinationPath: "/dev/urandom")
    let path = args[1].hasPrefix("/") ? args[1] : s.path(args[1])
    let r = try TimedRun.veto(["check", args[0], path, "fixtures/domain/county-2020.csv"], timeout: 20, measureMemory: true)
    #expect(!r.timedOut, "veto check \(args.joined(separator: " ")) did not end")
    #expect(r.status == 2)
    #expect(r.err.contains(path) && r.err.contains("cannot read") && r.err.contains("not a regular file"), "\(r.err)")
    if let kib = r.peakKiB { #expect(kib < 200 * 1024, "peak RSS \(kib) KiB") }
}

/// Item 4: a rule or standards file over the 4 MiB cap is refused by its size, naming it.
@Test(arguments: ["--rules", "--standards"])
func fiveMegabyteRuleOrStandardsFileIsExitTwoNamingIt(option: String) throws {
    let s = try Scratch()
    defer { s.remove() }
    let big = s.write(option == "--rules" ? "big.yml" : "big.csv",
                      Data(repeating: 0x61, count: 5_000_000))
    let r = try TimedRun.veto(["check", option, big, "fixtures/domain/county-2020.csv"], timeout: 20)
    #expect(!r.timedOut)
    #expect(r.status == 2)
    #expect(r.err.contains(big) && r.err.contains("over the limit of 4194304 bytes"), "\(r.err)")
    let lint = try TimedRun.veto(["rules", "lint", big], timeout: 20)
    #expect(!lint.timedOut)
    #expect(lint.status == 2)
    #expect(lint.err.contains(big) && lint.err.contains("over the limit"))
}

/// Item 17: a binary rule file's bytes never reach stderr (or stdout) raw: not as random bytes,
/// and not as valid UTF-8 full of terminal escapes that YAML errors and rule listings quote.
@Test(arguments: 0..<6)
func binaryRuleFileNeverPutsRawControlBytesOnStderr(seed: Int) throws {
    let s = try Scratch()
    defer { s.remove() }
    var g = Seeded(state: UInt64(seed) &* 0x1234_5678_9ABC)
    let data: Data
    switch seed {
    case 0..<3:
        data = g.bytes(4096)
    case 3:
        // Valid UTF-8: every control, C1 controls and bidi overrides, in YAML that parses.
        let controls = (0..<0x20).filter { $0 != 0x0A && $0 != 0x09 }.map { String(UnicodeScalar(UInt8($0))) }.joined()
        data = Data("rules:\n  - id: \"x\\e[2J\"\n    severity: fail\n    assert: births > 0 \(controls)\u{7F}\u{85}\u{9B}\u{202E}\n    message: {en: \"\u{1B}[31m\"}\n".utf8)
    case 4:
        data = Data("version: 1\nrules:\n  - id: ok\n    severity: fail\n    assert: births >= 0\n    message: {en: \"\\e]52;c;aGk=\\a\\e[2J\", zh: \"\\e[31m\"}\n".utf8)
    default:
        data = Data("rules:\n  - id: \u{1B}[2J\u{07}\n".utf8) + g.bytes(512)
    }
    let file = s.write("bin.yml", data)
    let runs = [
        try TimedRun.veto(["check", "--rules", file, "fixtures/domain/county-2020.csv"], timeout: 30),
        try TimedRun.veto(["rules", "lint", file], timeout: 30),
        try TimedRun.veto(["rules", "list", "--rules", file], timeout: 30),
        try TimedRun.veto(["rules", "show", "--rules", file, "ok"], timeout: 30),
        try TimedRun.veto(["check", "--standards", file, "fixtures/domain/county-2020.csv"], timeout: 30),
    ]
    for r in runs {
        #expect(!r.timedOut)
        #expect(rawControls(r.stderr).isEmpty, "raw controls on stderr: \(rawControls(r.stderr)) in \(r.err)")
        #expect(rawControls(r.stdout).isEmpty, "raw controls on stdout: \(rawControls(r.stdout))")
    }
}

// MARK: Item 5: exit 0 on a failing submission

/// Item 5: `--max-findings 0` keeps no finding in the report, but the exit code still comes
/// from all of them.
@Test func maxFindingsZeroOnAFailingFileStillExitsOne() throws {
    let r = try TimedRun.veto(["check", "--max-findings", "0", "--format", "json", "fixtures/domain/county-2020.csv"], timeout: 60)
    #expect(r.status == 1)
    #expect(!r.findings.contains { $0["severity"] as? String != "info" })
    #expect((r.json["summary"] as? [String: Any]) != nil)
    // Folded notes count against the cap too.
    #expect(r.findings.isEmpty)
    #expect((r.json["findings_dropped"] as? Int ?? 0) >= 1)
}

/// Item 5: `--max-findings=-1` was silently 0; it is a usage error.
@Test func negativeMaxFindingsIsAUsageError() throws {
    let r = try TimedRun.veto(["check", "--max-findings=-1", "fixtures/domain/county-2020.csv"], timeout: 60)
    #expect(r.status == 2)
    #expect(r.err.contains("--max-findings must be 0 or more, got -1"))
    #expect(r.stdout.isEmpty)
}

/// Item 5: 100,002 duplicate-row reviews before one failing row filled the finding cap and the
/// failure was lost (exit 0). The cap is severity-aware: the failure is kept and exits 1.
@Test func hundredThousandDuplicateReviewsBeforeOneFailingRowStillFail() throws {
    let s = try Scratch()
    defer { s.remove() }
    var text = "period,unit_code,unit_name,births,births_male,births_female\n"
    text.reserveCapacity(3_000_000)
    for _ in 0..<100_002 { text += "2020,623021105001,甲,5,3,2\n" }
    text += "2020,623021105002,乙,5,3,3\n"
    let file = s.write("dup.csv", text)
    let r = try TimedRun.veto(["check", "--format", "json", file], timeout: 300)
    #expect(!r.timedOut)
    #expect(r.status == 1)
    let fails = r.findings.filter { $0["severity"] as? String == "fail" }
    #expect(fails.contains { $0["id"] as? String == "sum.births_sex" && $0["line"] as? Int == 100_004 })
    #expect(r.findings.contains { $0["id"] as? String == "row-duplicate" })
}

// MARK: Item 7: a user's standard lost to the built-in example

/// Item 7: a `--standards` entry from 2010 with no region lost to the pack's example (960 from
/// 2012), so a unit correctly paid 10 × 1,200 got VETO. The user's table wins.
@Test func userStandardFromTwentyTenBeatsThePackExample() throws {
    let s = try Scratch()
    defer { s.remove() }
    let table = s.write("paid.csv", "period,unit_code,unit_name,reward_prev,reward_added,reward_exited,reward_total,reward_funds\n"
                        + "2020,623021000000,某县,10,0,0,10,12000\n")
    let std = s.write("std.csv", "programme,per_year,from_period,region\nreward,1200,2010,\n")
    let without = try TimedRun.veto(["check", "--format", "json", table], timeout: 60)
    #expect(without.status == 1)   // against the example's 960, 12,000 is over 9,600
    let r = try TimedRun.veto(["check", "--format", "json", "--standards", std, table], timeout: 60)
    #expect(r.status == 0)
    #expect((r.json["verdicts"] as? [[String: Any]])?.first?["verdict"] as? String == "pass")
    #expect(!r.findings.contains { $0["id"] as? String == "funds.reward" })
}

/// Item 7: a negative `per_year`, a `to_period` before `from_period`, and two overlapping
/// entries for the same programme and region are errors naming the file and the line.
@Test(arguments: [
    ("programme,per_year,from_period,region\nreward,-1200,2010,\n", 2, "negative"),
    ("programme,per_year,from_period,to_period,region\nreward,1200,2015,2012,\n", 2, "before from_period"),
    ("programme,per_year,from_period,to_period,region\nreward,1200,2010,2015,62\nreward,1300,2014,,62\n", 3, "overlap"),
    ("programme,per_year,from_period,to_period,region\nreward,1200,2010,,\nreward,1300,2010,,\n", 3, "overlap"),
])
func badUserStandardIsExitTwoNamingFileAndLine(csv: String, line: Int, words: String) throws {
    let s = try Scratch()
    defer { s.remove() }
    let std = s.write("std.csv", csv)
    let r = try TimedRun.veto(["check", "--standards", std, "fixtures/domain/county-2020.csv"], timeout: 60)
    #expect(r.status == 2)
    #expect(r.err.contains("\(std):\(line):") && r.err.contains(words), "\(r.err)")
    #expect(r.stdout.isEmpty)
}
