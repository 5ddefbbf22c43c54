import Foundation
import Testing

/// A fresh directory under the system's temporary directory, removed by the caller.
private func scratch() throws -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("veto-generate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

@Test func generateWritesFilesThatVetoCheckPasses() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("county").path
    let g = try Run.veto(["generate", "--seed", "5", "--years", "2020-2021", "--townships", "2-3", "--villages", "2-4", "--out", out])
    #expect(g.status == 0, "\(g.stderr)")
    #expect(g.stderr.contains("wrote 2 files, standards.yml and labels.csv (0 planted cases)"))
    let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(names == ["620121-2020.csv", "620121-2021.csv", "labels.csv", "standards.yml"])
    #expect(try String(contentsOfFile: out + "/labels.csv", encoding: .utf8) == "file,line,unit_code,period,pattern,field,case,role,deserves,original\n")
    let c = try Run.veto(["check", "--format", "json", out + "/620121-2020.csv", out + "/620121-2021.csv"])
    #expect(c.status == 0, "\(c.located)")
    #expect((c.json["verdicts"] as? [[String: Any]])?.allSatisfy { $0["verdict"] as? String == "pass" } == true)
}

@Test func generatePlantsAndLabels() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let g = try Run.veto(["generate", "--seed", "2", "--years", "2019-2020", "--inject", "padded-roll:2", "--out", dir.path])
    #expect(g.status == 0)
    let labels = try String(contentsOfFile: dir.path + "/labels.csv", encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(labels.filter { $0.contains(",planted,") }.count == 2)
    #expect(labels.allSatisfy { $0.contains(",padded-roll,") && $0.contains(",fail,") })
}

/// `--help` lists the careful variants, where each is planted, and `--inject careful` plants them.
@Test func generateHelpAndInjectCareful() throws {
    let h = try Run.veto(["generate", "--help"])
    #expect(h.status == 0)
    let text = h.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    for s in ["careful-zero-washing", "careful-invented-smooth", "careful-invented-heaped", "careful-target-smoothing",
              "careful-copy-paste", "careful-frozen", "'careful' (every careful one)",
              "no rule of the family-welfare pack fails", "at least 20 illegal births were expected",
              "at least 20 births and an outside-policy rate just above 5.00 %", "for 3 years running"] {
        #expect(text.contains(s), "help lacks: \(s)")
    }
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let g = try Run.veto(["generate", "--seed", "3", "--inject", "careful", "--out", dir.path])
    #expect(g.status == 0, "\(g.stderr)")
    let labels = try String(contentsOfFile: dir.path + "/labels.csv", encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(!labels.isEmpty && labels.allSatisfy { $0.contains(",careful-") })
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("620121-") }.sorted()
    // The rules alone find nothing; the forensic detectors (on by default) are what finds them.
    let c = try Run.veto(["check", "--no-detectors", "--format", "json", "--standards", dir.path + "/standards.yml"]
                         + files.map { dir.path + "/" + $0 })
    #expect(c.status == 0, "careful cases break a rule: \(c.stdout.prefix(600))")
    let d = try Run.veto(["check", "--format", "json", "--standards", dir.path + "/standards.yml"] + files.map { dir.path + "/" + $0 })
    #expect(d.findings.contains { ($0["id"] as? String)?.hasPrefix("forensic.") == true && ($0["severity"] as? String) != "info" },
            "no detector finding on the careful cases")
}

@Test func describePrintsTheDistributions() throws {
    let r = try Run.veto(["generate", "--describe", "--seed", "1", "--years", "2019-2020"])
    #expect(r.status == 0)
    for s in ["births per 1,000 people", "sex ratio at birth", "exit rate", "villages with 0 illegal births"] {
        #expect(r.stdout.contains(s), "\(s)")
    }
}

@Test(arguments: [
    (["generate", "--describe", "--inject", "nonsense"], "unknown pattern 'nonsense'"),
    (["generate", "--describe", "--years", "2025-2016"], "--years"),
    (["generate", "--describe", "--encoding", "latin1"], "--encoding"),
    (["generate", "--describe", "--counties", "0"], "--counties"),
    (["generate", "--seed", "1"], "--out"),
])
func generateUsageErrorsExit2(_ args: [String], _ message: String) throws {
    let r = try Run.veto(args)
    #expect(r.status == 2)
    #expect(r.stderr.contains(message), "\(r.stderr)")
}

/// Every written variant is read by `veto check` as written: GB18030 detected, nothing to report.
@Test(arguments: [
    ["--encoding", "gb18030", "--money", "wan", "--line-ending", "crlf"],
    ["--headers", "en", "--encoding", "utf-8-bom", "--money", "wan"],
])
func generatedVariantsPassVetoCheck(_ variant: [String]) throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let g = try Run.veto(["generate", "--seed", "4", "--years", "2020-2021", "--townships", "2-3", "--villages", "2-4",
                          "--out", dir.path] + variant)
    #expect(g.status == 0, "\(g.stderr)")
    let c = try Run.veto(["check", "--format", "json", dir.path + "/620121-2020.csv", dir.path + "/620121-2021.csv"])
    #expect(c.status == 0, "\(c.located)")
    let encodings = (c.json["inputs"] as? [[String: Any]])?.compactMap { $0["encoding"] as? String }
    #expect(encodings == Array(repeating: variant.contains("gb18030") ? "gb18030" : "utf-8", count: 2))
    #expect(c.findings.allSatisfy { ($0["severity"] as? String) == "info" }, "\(c.located)")
}

/// The detection benchmark's scorer matches findings to careful cases at the right unit (the
/// township, or the village and period): its self-test, on a made-up county.
@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 is needed for the scorer"))
func detectionScorerFindsCarefulCasesAtTheRightUnit() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    p.arguments = ["benchmarks/detection_score.py", "--self-test"]
    p.currentDirectoryURL = Run.root
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0 && text.contains("self-test: ok"), "\(text)")
}
