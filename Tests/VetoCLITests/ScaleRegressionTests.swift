import Foundation
import Testing

/// The findings cap once hid every failure of a 16 MiB report (issue 7): 100,000 kept notes, the
/// failures dropped, exit 0. Now the cap keeps the most severe findings and the exit code comes
/// from all of them. The file is generated (never committed) by benchmarks/gen_report.py; two
/// rows get a broken births split.
@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 is needed to generate the report"))
func sixteenMegabyteReportWithTwoPlantedFailuresExitsOne() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("veto-16mb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = dir.appendingPathComponent("report.csv").path
    // Generate, then plant: births one higher on two village rows (male + female no longer adds up).
    let script = """
    import subprocess, sys
    subprocess.run([sys.executable, 'benchmarks/gen_report.py', '--mb', '16', '--seed', '1', '--out', '\(csv)', '--quiet', '--jobs', '1'], check=True, stdin=subprocess.DEVNULL)
    lines = open('\(csv)', encoding='utf-8').read().split('\\n')
    head = lines[0].split(',')
    b = head.index('出生人数')
    planted = []
    for target in (5000, 120000):
        i = target
        while True:
            cells = lines[i].split(',')
            if len(cells) == len(head) and cells[b].isdigit() and not cells[1].endswith('000'):
                cells[b] = str(int(cells[b]) + 1)
                lines[i] = ','.join(cells)
                planted.append(i + 1)
                break
            i += 1
    open('\(csv)', 'w', encoding='utf-8').write('\\n'.join(lines))
    print(' '.join(map(str, planted)))
    """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    p.arguments = ["-c", script]
    p.currentDirectoryURL = Run.root
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let planted = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(planted.count == 2)

    for cap in ["100000", "10"] {
        let r = try Run.veto(["check", "--format", "json", "--max-findings", cap, csv])
        #expect(r.status == 1, "exit \(r.status) with --max-findings \(cap)")
        let fails = r.findings.filter { ($0["id"] as? String) == "sum.births_sex" && ($0["severity"] as? String) == "fail" }
        for line in planted {
            #expect(fails.contains { ($0["line"] as? Int) == line }, "planted line \(line) missing with --max-findings \(cap)")
        }
        let summary = r.json["summary"] as? [String: Any]
        #expect((summary?["fail"] as? Int ?? 0) >= 2)
    }
}
