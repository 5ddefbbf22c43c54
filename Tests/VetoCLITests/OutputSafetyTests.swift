import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Issue 8 items 8, 9, 10, 13, 15 through the built binary: an output never destroys an
// input or an earlier output, every write is checked, and a killed run leaves no partial file.

/// A scratch directory with a copy of the domain county as `a.csv`.
private struct Scratch {
    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("veto-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Run.root.appendingPathComponent("fixtures/domain/county-2020.csv"),
                                         to: dir.appendingPathComponent("a.csv"))
    }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func bytes(_ name: String) -> Data? { FileManager.default.contents(atPath: path(name)) }
    func remove() { try? FileManager.default.removeItem(at: dir) }
}

private let county = FileManager.default.contents(atPath: Run.root.appendingPathComponent("fixtures/domain/county-2020.csv").path)

@Test func normalizeRefusesToWriteOverItsInput() throws {
    let s = try Scratch()
    defer { s.remove() }
    try FileManager.default.createSymbolicLink(atPath: s.path("link.csv"), withDestinationPath: s.path("a.csv"))
    try FileManager.default.linkItem(atPath: s.path("a.csv"), toPath: s.path("hard.csv"))
    for args in [["-o", s.path("a.csv"), s.path("a.csv")],
                 ["-o", s.dir.path + "/./a.csv", s.path("a.csv")],
                 ["-o", s.path("link.csv"), s.path("a.csv")],
                 ["-o", s.path("hard.csv"), s.path("a.csv")],
                 ["--output-dir", s.dir.path, s.path("a.csv")],
                 ["--output-dir", s.dir.path + "/", s.path("a.csv")]] {
        let r = try Run.veto(["normalize"] + args)
        #expect(r.status == 2, "\(args)")
        #expect(r.stderr.contains("refusing to write over an input"), "\(args): \(r.stderr)")
        #expect(s.bytes("a.csv") == county, "\(args) changed the input")
    }
    // Standard input redirected from the output file is the same file too.
    let p = Process()
    p.executableURL = Run.binary
    p.arguments = ["normalize", "-o", s.path("a.csv"), "-"]
    p.standardInput = try FileHandle(forReadingFrom: s.dir.appendingPathComponent("a.csv"))
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 2)
    #expect(s.bytes("a.csv") == county)
}

@Test func unreadableInputDoesNotTruncateAnExistingOutput() throws {
    let s = try Scratch()
    defer { s.remove() }
    try Data("keep me\n".utf8).write(to: s.dir.appendingPathComponent("out.csv"))
    for input in [s.path("missing.csv"), s.dir.path] {
        let r = try Run.veto(["normalize", "-o", s.path("out.csv"), input])
        #expect(r.status == 3, "\(input)")
        #expect(s.bytes("out.csv") == Data("keep me\n".utf8), "\(input)")
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: s.dir.path)
    #expect(files.sorted() == ["a.csv", "out.csv"], "no temporary file left behind: \(files)")
}

@Test func outputDirWithTwoInputsOfTheSameNameIsRefused() throws {
    let s = try Scratch()
    defer { s.remove() }
    for sub in ["x", "y", "out"] {
        try FileManager.default.createDirectory(atPath: s.path(sub), withIntermediateDirectories: true)
    }
    try FileManager.default.copyItem(atPath: s.path("a.csv"), toPath: s.path("x/a.csv"))
    try FileManager.default.copyItem(atPath: Run.root.appendingPathComponent("fixtures/domain/county-2020-gb18030-crlf.csv").path,
                                     toPath: s.path("y/a.csv"))
    let r = try Run.veto(["normalize", "--output-dir", s.path("out"), s.path("x/a.csv"), s.path("y/a.csv")])
    #expect(r.status == 2)
    #expect(r.stderr.contains("would both be written to"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: s.path("out")).isEmpty)
    // Different names are fine, and each output is complete.
    try FileManager.default.moveItem(atPath: s.path("y/a.csv"), toPath: s.path("y/b.csv"))
    let ok = try Run.veto(["normalize", "--output-dir", s.path("out"), s.path("x/a.csv"), s.path("y/b.csv")])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(s.bytes("out/a.csv") == s.bytes("out/b.csv"))
    var st = stat()
    #expect(stat(s.path("out/a.csv"), &st) == 0)
    #expect(st.st_mode & 0o777 == 0o666 & ~currentUmask(), "a new output has the usual mode, not mkstemp's 0600")
}

private func currentUmask() -> mode_t {
    let m = umask(0)
    umask(m)
    return m
}

@Test(arguments: [["check", "fixtures/domain/county-2020.csv", "-o", "/dev/full"],
                  ["check", "--format", "json", "fixtures/domain/county-2020.csv", "-o", "/dev/full"],
                  ["normalize", "fixtures/domain/county-2020.csv", "-o", "/dev/full"],
                  ["normalize", "--output-dir", "/dev/full", "fixtures/domain/county-2020.csv"],
                  ["check", "fixtures/domain/county-2020.csv", "-o", "/nonexistent-dir/report.txt"]])
func writeErrorsExitThreeNamingThePath(args: [String]) throws {
    let r = try Run.veto(args)
    #expect(r.status == 3, "\(args): \(r.stderr)")
    let path = args.contains("/dev/full") ? "/dev/full" : "/nonexistent-dir"
    #expect(r.stderr.contains("cannot write \(path)"), "\(r.stderr)")
    #expect(r.stderr.contains("errno") || r.stderr.contains("directory"), "\(r.stderr)")
}

@Test func checkOutputFileIsReplacedWholeAndOnlyOnSuccess() throws {
    let s = try Scratch()
    defer { s.remove() }
    let r = try Run.veto(["check", "--format", "json", s.path("a.csv"), "-o", s.path("report.json")])
    #expect(r.status == 1)
    let report = try #require(s.bytes("report.json"))
    #expect(String(decoding: report, as: UTF8.self).hasPrefix("{"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: s.dir.path).sorted() == ["a.csv", "report.json"])
}

/// Item 13: `kill -9` during normalize left a valid-looking partial file under the final
/// name (and, before that, the earlier output truncated). Now the final name keeps what it had.
@Test func killedNormalizeLeavesNoPartialFileUnderTheFinalName() throws {
    let s = try Scratch()
    defer { s.remove() }
    try Data("earlier output\n".utf8).write(to: s.dir.appendingPathComponent("out.csv"))
    let p = Process()
    p.executableURL = Run.binary
    p.arguments = ["normalize", "-o", s.path("out.csv"), "-"]
    let input = Pipe()
    p.standardInput = input
    p.standardError = FileHandle.nullDevice
    try p.run()
    // More than one 64 KiB flush of rows, then the input stalls: the run is mid-way.
    var rows = "period,unit_code,unit_name,births\n"
    for i in 0..<20_000 { rows += "2020,6230211\(String(i % 1000).leftPad(3))000,乡\(i),\(i)\n" }
    input.fileHandleForWriting.write(Data(rows.utf8))
    usleep(500_000)
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    #expect(p.terminationReason == .uncaughtSignal)
    #expect(s.bytes("out.csv") == Data("earlier output\n".utf8))
    try? input.fileHandleForWriting.close()
}

/// Item 15: cells with terminal escapes reach normalize's stderr made visible, never raw.
@Test func terminalEscapesNeverReachNormalizeStderr() throws {
    let csv = "period,unit_code,unit_name,births\n2020,623021000000,某县,12\u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{07}\n"
    let r = try Run.veto(["normalize", "-"], stdin: Data(csv.utf8))
    #expect(r.status == 1)
    #expect(r.stderr.contains("cell-invalid-number"))
    #expect(!r.stderr.contains("\u{1B}"))
    #expect(!r.stderr.contains("\u{07}"))
    #expect(r.stderr.contains("\\e[2J"))
}

private extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
