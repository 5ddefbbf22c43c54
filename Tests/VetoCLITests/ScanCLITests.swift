import Foundation
import Testing

// `veto scan` (issue 9 item 4): the detectors only, units ranked by combined evidence, the same
// formats and exit codes as check.

private let seed15 = "fixtures/generated/seed15-zh-utf8-yuan-lf"
private let seed15Files = ["\(seed15)/620121-2018.csv", "\(seed15)/620121-2019.csv", "\(seed15)/620121-2020.csv"]

@Test func scanRanksTheInventedTownshipFirstAndExitsOneOnVeto() throws {
    let r = try Run.veto(["scan", "--lang", "en"] + seed15Files)
    #expect(r.status == 1, "a veto is at or above the default --fail-on fail; stderr \(r.stderr)")
    #expect(r.stderr.isEmpty, "\(r.stderr)")
    #expect(r.stdout.contains("Units ranked by combined evidence"))
    // seed15's invented township (labels.csv: 620121101000) leads, at veto, with its evidence.
    let first = r.stdout.split(separator: "\n").first { $0.hasPrefix("1. ") } ?? ""
    #expect(first.contains("620121101000") && first.contains("veto"), "\(first)")
    #expect(r.stdout.contains("underdispersion"))
    #expect(r.stdout.contains("Statistical anomalies to verify, not proof."))
    // No rule runs in a scan.
    #expect(!r.stdout.contains("flow.reward"))
    #expect(try Run.veto(["scan", "--fail-on", "never"] + seed15Files).status == 0)
}

@Test(arguments: ["json", "sarif", "junit", "html", "csv"])
func scanWritesEveryFormatCheckDoes(format: String) throws {
    let r = try Run.veto(["scan", "--format", format, "--fail-on", "never"] + seed15Files)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("forensic."), "\(format)")
    #expect(!r.stdout.contains("flow.reward"), "\(format)")
    if format == "json" {
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let forensic = doc?["forensic"] as? [String: Any]
        let evidence = forensic?["evidence"] as? [[String: Any]]
        #expect(evidence?.first?["unit_code"] as? String == "620121101000")
        #expect(evidence?.first?["severity"] as? String == "veto")
    }
}

@Test func scanOfAnUnreadableFileExitsThree() throws {
    let r = try Run.veto(["scan", "no/such/file.csv"])
    #expect(r.status == 3)
}

@Test func checkWithoutDetectorsHasNoForensicFinding() throws {
    let r = try Run.veto(["check", "--no-detectors", "--format", "json", "--fail-on", "never"] + seed15Files)
    #expect(r.status == 0)
    #expect(!r.stdout.contains("\"forensic."))
}
