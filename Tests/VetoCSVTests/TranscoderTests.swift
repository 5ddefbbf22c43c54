import Testing
import VetoCSV

/// Tests for `Transcoder` (bytes in any supported encoding → UTF-8, streaming).
/// GB18030 byte strings below were generated with `iconv -t GB18030` (glibc) and are
/// hard-coded so the tests do not depend on the converter under test.
@Suite struct TranscoderTests {

    // MARK: - Helpers

    /// Byte strings and issue lists that print briefly when an expectation fails
    /// (a 70 KB array dump makes a failing run take minutes).
    struct Bytes: Equatable, CustomStringConvertible {
        var b: [UInt8]
        init<S: Sequence>(_ s: S) where S.Element == UInt8 { b = Array(s) }
        var description: String {
            let text = String(decoding: b, as: UTF8.self)
            return "\(b.count) bytes \(text.count > 80 ? String(text.prefix(40)) + "…" + String(text.suffix(40)) : text)".debugDescription
        }
    }

    struct Issues: Equatable, CustomStringConvertible {
        var list: [EncodingIssue]
        init(_ list: [EncodingIssue]) { self.list = list }
        var description: String {
            let shown = list.prefix(4).map { "(src \($0.sourceOffset), out \($0.outputOffset), \($0.bytes.map { String($0, radix: 16) }))" }
            return "\(list.count) issues: " + shown.joined(separator: ", ") + (list.count > 4 ? ", …" : "")
        }
    }

    struct Result: Equatable, CustomStringConvertible {
        var output: [UInt8]
        /// Invalid runs (each with its U+FFFD).
        var issues: [EncodingIssue]
        /// Notes on text in another encoding (UTF-8 or Big5 lines read as GB18030): no U+FFFD.
        var notes: [EncodingIssue] = []
        var encoding: TextEncoding?
        var hadBOM: Bool
        var note: String
        /// Issues whose U+FFFD was not in the output of the same feed/finish call.
        var misplacedIssues = 0
        var description: String { "\(encoding.map(\.rawValue) ?? "nil") bom=\(hadBOM) \(note): \(Bytes(output)) \(Issues(issues))" }
    }

    /// Feeds `bytes` in chunks of the given sizes (the rest in one final chunk). Each feed
    /// gets a fresh output array, as a streaming consumer would; outputs are concatenated.
    static func transcode(_ bytes: [UInt8], forced: TextEncoding? = nil, chunks: [Int] = []) -> Result {
        let t = Transcoder(forced: forced)
        var all: [UInt8] = []
        var issues: [EncodingIssue] = []
        var i = 0
        var misplaced = 0
        /// Each issue must point at a U+FFFD inside the output of the call that reported it.
        func check(_ out: [UInt8], newIssues: ArraySlice<EncodingIssue>) {
            let start = Int64(all.count)
            for issue in newIssues {
                let rel = Int(issue.outputOffset - start)
                if issue.note != nil {
                    // A note sits on a byte of its line in this call's output (or the output's last byte).
                    if (rel < 0 || rel >= out.count) && issue.outputOffset != Int64(all.count + out.count) - 1 { misplaced += 1 }
                    continue
                }
                if rel < 0 || rel + 3 > out.count || Array(out[rel..<rel + 3]) != [0xEF, 0xBF, 0xBD] { misplaced += 1 }
            }
        }
        bytes.withUnsafeBytes { raw in
            var sizes = chunks[...]
            while i < raw.count {
                let n = min(sizes.popFirst() ?? raw.count, raw.count - i)
                var out: [UInt8] = []
                let before = issues.count
                t.feed(UnsafeRawBufferPointer(rebasing: raw[i..<i + n]), output: &out, issues: &issues)
                check(out, newIssues: issues[before...])
                all += out
                i += n
            }
        }
        var out: [UInt8] = []
        let before = issues.count
        t.finish(output: &out, issues: &issues)
        check(out, newIssues: issues[before...])
        all += out
        return Result(output: all, issues: issues.filter { $0.note == nil }, notes: issues.filter { $0.note != nil },
                      encoding: t.encoding, hadBOM: t.hadBOM, note: t.detectionNote, misplacedIssues: misplaced)
    }


    /// Random chunk sizes covering `count` bytes: mostly 1–8 bytes, sometimes up to ~70 KB
    /// (so the 64 KiB detection window is crossed both ways).
    static func randomSplits(count: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix(seed: seed)
        var sizes: [Int] = []
        var total = 0
        while total < count {
            let r = rng.next()
            let n = r % 4 == 0 ? Int((r >> 8) % 70_000) + 1 : Int((r >> 8) % 8) + 1
            sizes.append(n)
            total += n
        }
        return sizes
    }

    static func hex(_ s: String) -> [UInt8] {
        let digits = Array(s.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    static func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

    static func utf16(_ s: String, littleEndian: Bool, bom: Bool) -> [UInt8] {
        var out: [UInt8] = []
        for unit in (bom ? [0xFEFF] : []) + Array(s.utf16) {
            let lo = UInt8(unit & 0xFF), hi = UInt8(unit >> 8)
            out += littleEndian ? [lo, hi] : [hi, lo]
        }
        return out
    }

    static let fffd = "\u{FFFD}"

    // MARK: - Fixtures

    static let sample = "年度,区划代码,单位名称,出生人数\n2020,623021000000,某县,142\n"
    /// `printf '年度,区划代码,单位名称,出生人数\n2020,623021000000,某县,142\n' | iconv -t GB18030`
    static let sampleGB = hex("""
        c4eab6c8 2cc7f8bb aeb4fac2 eb2cb5a5 cebbc3fb b3c62cb3 f6c9fac8 cbcafd0a
        32303230 2c363233 30323130 30303030 302cc4b3 cfd82c31 34320a
        """)
    static let chuGB = hex("b3f6")          // 出
    static let shengGB = hex("c9fa")        // 生
    static let nianduGB = hex("c4eab6c8")   // 年度
    static let renshuGB = hex("c8cbcafd")   // 人数
    static let liantongGB = hex("c1aacda8") // 联通
    static let emojiGB = hex("9439fc36")    // 😀 (four-byte GB18030)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var forced: TextEncoding? = nil
        var testDescription: String { name + (forced.map { " (forced \($0.rawValue))" } ?? "") }
    }

    static let asciiPrefix100K = [UInt8](repeating: UInt8(ascii: "a"), count: 100_000)
    /// 70 000 bytes of valid UTF-8 ("中文," × 10 000), longer than the detection window.
    static let longUTF8 = utf8(String(repeating: "中文,", count: 10_000))
    /// "x" + "中" × 21 846 + "\n": the 64 KiB window (from byte 1) cuts the last 中 after its first byte.
    static let windowCutUTF8 = utf8("x" + String(repeating: "中", count: 21_846) + "\n")
    /// GB18030 where the window end cuts a two-byte character: "x出," then 生 × 32 767.
    static let windowCutGB = utf8("x") + chuGB + utf8(",") + Array([[UInt8]](repeating: shengGB, count: 32_767).joined()) + utf8("\n")
    /// "年度,出" FF "生人数\n2020,142\n" in GB18030.
    static let chuFFShengCSV = nianduGB + utf8(",") + chuGB + [0xFF] + shengGB + renshuGB + utf8("\n2020,142\n")
    /// UTF-16LE with BOM: "A", lone high surrogate, "B", lone low surrogate, "C", 😀, then an odd byte at EOF.
    static let utf16Broken: [UInt8] = [0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x42, 0x00, 0x00, 0xDC, 0x43, 0x00,
                                       0x3D, 0xD8, 0x00, 0xDE, 0x44]

    /// Every input used below; the chunk-invariance test runs over all of them.
    static let corpus: [Case] = [
        Case(name: "sample UTF-8", bytes: utf8(sample)),
        Case(name: "sample UTF-8 BOM", bytes: [0xEF, 0xBB, 0xBF] + utf8(sample)),
        Case(name: "sample GB18030", bytes: sampleGB),
        Case(name: "sample GB18030 BOM", bytes: [0x84, 0x31, 0x95, 0x33] + sampleGB),
        Case(name: "sample UTF-16LE BOM", bytes: utf16(sample, littleEndian: true, bom: true)),
        Case(name: "sample UTF-16BE BOM", bytes: utf16(sample, littleEndian: false, bom: true)),
        Case(name: "联通", bytes: liantongGB),
        Case(name: "联通 after ASCII", bytes: utf8("name\n") + liantongGB + utf8("\n")),
        Case(name: "出 FF 生 CSV", bytes: chuFFShengCSV),
        Case(name: "出 FF 生", bytes: chuGB + [0xFF] + shengGB, forced: .gb18030),
        Case(name: "invalid UTF-8 mix", bytes: utf8("中,") + [0x80] + utf8(",") + [0xC0, 0xAF] + utf8(",文") + [0xE4, 0xB8], forced: .utf8),
        Case(name: "invalid UTF-8 after 70 KB", bytes: longUTF8 + [0x80] + utf8(",") + [0xC0, 0xAF] + utf8(",文") + [0xE4, 0xB8]),
        Case(name: "GB18030 deep in UTF-8", bytes: longUTF8 + chuGB + shengGB + utf8("\n")),
        Case(name: "lazy GB18030 after 100 KB ASCII", bytes: asciiPrefix100K + chuGB + shengGB + utf8("\n")),
        Case(name: "window cuts UTF-8 char", bytes: windowCutUTF8),
        Case(name: "window cuts GB18030 char", bytes: windowCutGB),
        Case(name: "UTF-8 forced as GB18030", bytes: utf8("中文"), forced: .gb18030),
        Case(name: "GB18030 forced as UTF-8", bytes: liantongGB, forced: .utf8),
        Case(name: "UTF-16LE BOM forced as UTF-8", bytes: [0xFF, 0xFE, 0x41, 0x00], forced: .utf8),
        Case(name: "long invalid run", bytes: utf8("a") + [UInt8](repeating: 0xFF, count: 40) + utf8("b"), forced: .utf8),
        Case(name: "surrogate, > U+10FFFF, overlong E0", bytes: utf8("x") + [0xED, 0xA0, 0x80] + utf8("y") + [0xF4, 0x90, 0x80, 0x80] + utf8("z") + [0xE0, 0x80, 0x80] + utf8("😀"), forced: .utf8),
        Case(name: "broken UTF-16LE", bytes: utf16Broken),
        Case(name: "GB18030 truncated at EOF", bytes: chuGB + [0x81, 0x30], forced: .gb18030),
        Case(name: "GB18030 81 30 41 mid-stream", bytes: chuGB + [0x81, 0x30, 0x41] + emojiGB, forced: .gb18030),
        Case(name: "GB18030 incomplete in window", bytes: utf8("a") + chuGB + [0x81, 0x30, 0x81]),
        Case(name: "NUL bytes UTF-8", bytes: utf8("a\u{0}b,中\u{0}\n")),
        Case(name: "NUL bytes GB18030", bytes: chuGB + [0x00] + shengGB),
        Case(name: "tie FF", bytes: [0xFF]),
        Case(name: "BOM prefix only", bytes: [0xEF, 0xBB]),
        Case(name: "GB18030 BOM prefix", bytes: [0x84, 0x31, 0x95] + utf8("a")),
        Case(name: "BOM only", bytes: [0xEF, 0xBB, 0xBF]),
        Case(name: "ASCII only", bytes: utf8("a,b\n1,2\n")),
        Case(name: "empty", bytes: []),
        Case(name: "empty", bytes: [], forced: .utf16le),
        Case(name: "ASCII then 出", bytes: utf8("abc,def\n") + chuGB),
        Case(name: "70 KB UTF-8", bytes: longUTF8),
        Case(name: "U+FEFF not at start", bytes: utf8("a\u{FEFF}b")),
        Case(name: "UTF-8 BOM forced as UTF-8", bytes: [0xEF, 0xBB, 0xBF] + utf8("年"), forced: .utf8),
        Case(name: "stray 80", bytes: utf8("a") + [0x80] + utf8("b"), forced: .utf8),
        Case(name: "truncated at EOF", bytes: utf8("ab") + [0xE4, 0xB8], forced: .utf8),
        Case(name: "overlong C0 AF", bytes: utf8("中") + [0xC0, 0xAF] + utf8("文"), forced: .utf8),
        Case(name: "truncated before ASCII", bytes: [0xE4, 0xB8] + utf8("a"), forced: .utf8),
        Case(name: "run across chunks", bytes: [0x41, 0xFF, 0xFF, 0x42, 0x43], forced: .utf8),
        Case(name: "run across chunks", bytes: [0x41, 0xFF, 0xFF, 0x42, 0x43], forced: .gb18030),
    ]

    // MARK: - Same text in every encoding

    struct Encoded: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var encoding: TextEncoding
        var hadBOM: Bool
        var note: String
        var testDescription: String { name }
    }

    static let encodedSamples: [Encoded] = [
        Encoded(name: "UTF-8", bytes: utf8(sample), encoding: .utf8, hadBOM: false, note: "valid UTF-8"),
        Encoded(name: "UTF-8 + BOM", bytes: [0xEF, 0xBB, 0xBF] + utf8(sample), encoding: .utf8, hadBOM: true, note: "byte-order mark"),
        Encoded(name: "GB18030", bytes: sampleGB, encoding: .gb18030, hadBOM: false, note: "not valid UTF-8; valid GB18030"),
        Encoded(name: "GB18030 + BOM", bytes: [0x84, 0x31, 0x95, 0x33] + sampleGB, encoding: .gb18030, hadBOM: true, note: "byte-order mark"),
        Encoded(name: "UTF-16LE + BOM", bytes: utf16(sample, littleEndian: true, bom: true), encoding: .utf16le, hadBOM: true, note: "byte-order mark"),
        Encoded(name: "UTF-16BE + BOM", bytes: utf16(sample, littleEndian: false, bom: true), encoding: .utf16be, hadBOM: true, note: "byte-order mark"),
    ]

    @Test("same CSV text in every encoding gives identical UTF-8", arguments: encodedSamples)
    func sameTextEveryEncoding(_ e: Encoded) {
        let r = Self.transcode(e.bytes)
        #expect(Bytes(r.output) == Bytes(Self.utf8(Self.sample)))
        #expect(r.issues.isEmpty)
        #expect(r.encoding == e.encoding)
        #expect(r.hadBOM == e.hadBOM)
        #expect(r.note == e.note)
    }

    // MARK: - Detection

    @Test func liantongIsGB18030() {
        // C1 AA CD A8: C1 is never valid UTF-8, CD A8 happens to be valid UTF-8 (U+0368).
        let r = Self.transcode(Self.liantongGB)
        #expect(r.encoding == .gb18030)
        #expect(Bytes(r.output) == Bytes(Self.utf8("联通")))
        #expect(r.issues.isEmpty)
        #expect(r.note == "not valid UTF-8; valid GB18030")
        #expect(!r.hadBOM)

        let r2 = Self.transcode(Self.utf8("name\n") + Self.liantongGB + Self.utf8("\n"))
        #expect(r2.encoding == .gb18030)
        #expect(Bytes(r2.output) == Bytes(Self.utf8("name\n联通\n")))
    }

    @Test func lazyDetectionAfter100KBOfASCII() {
        let r = Self.transcode(Self.asciiPrefix100K + Self.chuGB + Self.shengGB + Self.utf8("\n"))
        #expect(r.encoding == .gb18030)
        #expect(Bytes(r.output) == Bytes(Self.asciiPrefix100K + Self.utf8("出生\n")))
        #expect(r.issues.isEmpty)
        #expect(r.note == "not valid UTF-8; valid GB18030")
    }

    @Test func undecidedUntilFirstNonASCIIWindowIsComplete() {
        let t = Transcoder()
        var out: [UInt8] = []
        var issues: [EncodingIssue] = []
        // The first 256 bytes are held to look for UTF-16 without a byte-order mark.
        let prefix = Self.utf8("abc,def\n" + String(repeating: "x", count: Transcoder.utf16SniffSize))
        t.feed(Self.utf8("abc,def\n"), output: &out, issues: &issues)
        #expect(t.encoding == nil)
        #expect(out.isEmpty)
        t.feed(Array(prefix.dropFirst(8)), output: &out, issues: &issues)
        #expect(out == prefix)   // ASCII is passed through before the decision
        t.feed(Self.chuGB, output: &out, issues: &issues)
        #expect(t.encoding == nil)                // window still open (not 64 KiB, not EOF)
        #expect(Bytes(out) == Bytes(prefix))
        t.finish(output: &out, issues: &issues)
        #expect(t.encoding == .gb18030)
        #expect(Bytes(out) == Bytes(prefix + Self.utf8("出")))
    }

    @Test func decisionAtFullWindowWithoutFinish() {
        // 64 KiB of valid UTF-8 from the first non-ASCII byte decides before EOF.
        let t = Transcoder()
        var out: [UInt8] = []
        var issues: [EncodingIssue] = []
        t.feed(Self.longUTF8, output: &out, issues: &issues)
        #expect(t.encoding == .utf8)
        #expect(t.detectionNote == "valid UTF-8")
        #expect(Bytes(out) == Bytes(Array(Self.longUTF8.prefix(out.count))))
        #expect(out.count >= Transcoder.detectionWindowSize - 3)
    }

    @Test func windowCutInsideACharacterIsStillValid() {
        let u = Self.transcode(Self.windowCutUTF8)
        #expect(u.encoding == .utf8)
        #expect(u.note == "valid UTF-8")
        #expect(Bytes(u.output) == Bytes(Self.windowCutUTF8))
        #expect(u.issues.isEmpty)

        let g = Self.transcode(Self.windowCutGB)
        #expect(g.encoding == .gb18030)
        #expect(g.note == "not valid UTF-8; valid GB18030")
        #expect(Bytes(g.output) == Bytes(Self.utf8("x出," + String(repeating: "生", count: 32_767) + "\n")))
        #expect(g.issues.isEmpty)
    }

    @Test func neitherValidPicksFewerInvalidRuns() {
        // "年度,出" FF "生人数…" in GB18030: 1 invalid run as GB18030, 2 as UTF-8.
        let r = Self.transcode(Self.chuFFShengCSV)
        #expect(r.encoding == .gb18030)
        #expect(r.note.contains("GB18030 has fewer invalid runs (1 vs 2)"))
        #expect(Bytes(r.output) == Bytes(Self.utf8("年度,出\(Self.fffd)生人数\n2020,142\n")))
        #expect(Issues(r.issues) == Issues([EncodingIssue(sourceOffset: 7, outputOffset: 10, bytes: [0xFF])]))
    }

    @Test func tieGoesToUTF8() {
        let r = Self.transcode([0xFF])
        #expect(r.encoding == .utf8)
        #expect(r.note.contains("UTF-8 has no more invalid runs (1 vs 1)"))
        #expect(Bytes(r.output) == Bytes(Self.utf8(Self.fffd)))
        #expect(Issues(r.issues) == Issues([EncodingIssue(sourceOffset: 0, outputOffset: 0, bytes: [0xFF])]))
    }

    @Test func gb18030DeepInsideUTF8FileBecomesIssues() {
        // The decision was made on a valid UTF-8 window; later GB18030 bytes are errors.
        let r = Self.transcode(Self.longUTF8 + Self.chuGB + Self.shengGB + Self.utf8("\n"))
        #expect(r.encoding == .utf8)
        #expect(r.note == "valid UTF-8")
        #expect(Bytes(r.output) == Bytes(Self.longUTF8 + Self.utf8(Self.fffd + "\n")))
        #expect(Issues(r.issues) == Issues([EncodingIssue(sourceOffset: 70_000, outputOffset: 70_000, bytes: [0xB3, 0xF6, 0xC9, 0xFA])]))
    }

    @Test func byteOrderMarkEdgeCases() {
        let only = Self.transcode([0xEF, 0xBB, 0xBF])
        #expect(only.encoding == .utf8)
        #expect(only.hadBOM)
        #expect(only.output.isEmpty)
        #expect(only.issues.isEmpty)

        // A BOM prefix that is not a BOM is ordinary data: EF BB is a valid GB18030 pair (锘).
        let prefix = Self.transcode([0xEF, 0xBB])
        #expect(!prefix.hadBOM)
        #expect(prefix.encoding == .gb18030)
        #expect(Bytes(prefix.output) == Bytes(Self.utf8("锘")))

        // U+FEFF later in the file is content, not a BOM.
        let later = Self.transcode(Self.utf8("a\u{FEFF}b"))
        #expect(!later.hadBOM)
        #expect(Bytes(later.output) == Bytes(Self.utf8("a\u{FEFF}b")))
    }

    @Test func nulBytesPassThrough() {
        let u = Self.transcode(Self.utf8("a\u{0}b,中\u{0}\n"))
        #expect(Bytes(u.output) == Bytes(Self.utf8("a\u{0}b,中\u{0}\n")))
        #expect(u.issues.isEmpty)
        let g = Self.transcode(Self.chuGB + [0x00] + Self.shengGB)
        #expect(g.encoding == .gb18030)
        #expect(Bytes(g.output) == Bytes(Self.utf8("出\u{0}生")))
        #expect(g.issues.isEmpty)
    }

    @Test func asciiOnlyAndEmpty() {
        let a = Self.transcode(Self.utf8("a,b\n1,2\n"))
        #expect(a.encoding == .utf8)
        #expect(a.note == "ASCII only")
        #expect(Bytes(a.output) == Bytes(Self.utf8("a,b\n1,2\n")))

        let e = Self.transcode([])
        #expect(e.encoding == .utf8)
        #expect(e.output.isEmpty)
        #expect(e.issues.isEmpty)
        #expect(!e.hadBOM)

        let t = Transcoder()
        #expect(t.encoding == nil)
        var out: [UInt8] = []
        var issues: [EncodingIssue] = []
        t.feed(UnsafeRawBufferPointer(start: nil, count: 0), output: &out, issues: &issues)
        t.finish(output: &out, issues: &issues)
        #expect(t.encoding == .utf8)
        #expect(out.isEmpty && issues.isEmpty)
    }

    // MARK: - Forced encoding

    @Test func forcedEncodingOverridesDetection() {
        // UTF-8 "中文" read as GB18030: mojibake, no error (iconv: 涓 U+E15F 枃).
        let g = Self.transcode(Self.utf8("中文"), forced: .gb18030)
        #expect(g.encoding == .gb18030)
        #expect(g.note == "forced by --encoding")
        #expect(Bytes(g.output) == Bytes(Self.utf8("涓\u{E15F}枃")))
        #expect(g.issues.isEmpty)
        #expect(g.notes.count == 1)   // …but the line is valid UTF-8: a note says so

        // GB18030 联通 forced as UTF-8: C1 AA is one invalid run, CD A8 is U+0368.
        let u = Self.transcode(Self.liantongGB, forced: .utf8)
        #expect(u.encoding == .utf8)
        #expect(Bytes(u.output) == Bytes(Self.utf8(Self.fffd + "\u{0368}")))
        #expect(Issues(u.issues) == Issues([EncodingIssue(sourceOffset: 0, outputOffset: 0, bytes: [0xC1, 0xAA])]))

        // Only the forced encoding's own BOM is stripped.
        let bomU = Self.transcode([0xEF, 0xBB, 0xBF] + Self.utf8("年"), forced: .utf8)
        #expect(bomU.hadBOM)
        #expect(Bytes(bomU.output) == Bytes(Self.utf8("年")))
        let other = Self.transcode([0xFF, 0xFE, 0x41, 0x00], forced: .utf8)
        #expect(!other.hadBOM)
        #expect(Bytes(other.output) == Bytes(Self.utf8(Self.fffd + "A\u{0}")))
        #expect(Issues(other.issues) == Issues([EncodingIssue(sourceOffset: 0, outputOffset: 0, bytes: [0xFF, 0xFE])]))

        // Encoding is known immediately, even for empty input.
        let t = Transcoder(forced: .utf16le)
        #expect(t.encoding == .utf16le)
        let e = Self.transcode([], forced: .utf16le)
        #expect(e.encoding == .utf16le)
        #expect(e.output.isEmpty)
    }

    // MARK: - Invalid bytes

    @Test func gb18030InvalidByteBetweenCharacters() {
        // 出 FF 生: U+FFFD between them, one issue, nothing dropped.
        let r = Self.transcode(Self.chuGB + [0xFF] + Self.shengGB, forced: .gb18030)
        #expect(Bytes(r.output) == Bytes(Self.utf8("出\(Self.fffd)生")))
        #expect(Issues(r.issues) == Issues([EncodingIssue(sourceOffset: 2, outputOffset: 3, bytes: [0xFF])]))
    }

    @Test func gb18030TruncatedAndBrokenSequences() {
        // 81 30 at EOF: 81 starts no character; 30 is then read as "0".
        let eof = Self.transcode(Self.chuGB + [0x81, 0x30], forced: .gb18030)
        #expect(Bytes(eof.output) == Bytes(Self.utf8("出\(Self.fffd)0")))
        #expect(Issues(eof.issues) == Issues([EncodingIssue(sourceOffset: 2, outputOffset: 3, bytes: [0x81])]))

        // The same bytes mid-stream give the same result; a four-byte character follows.
        let mid = Self.transcode(Self.chuGB + [0x81, 0x30, 0x41] + Self.emojiGB, forced: .gb18030)
        #expect(Bytes(mid.output) == Bytes(Self.utf8("出\(Self.fffd)0A😀")))
        #expect(Issues(mid.issues) == Issues([EncodingIssue(sourceOffset: 2, outputOffset: 3, bytes: [0x81])]))
    }

    @Test func invalidUTF8Offsets() {
        // stray 80, overlong C0 AF, truncated E4 B8 at EOF.
        let bytes = Self.utf8("中,") + [0x80] + Self.utf8(",") + [0xC0, 0xAF] + Self.utf8(",文") + [0xE4, 0xB8]
        let r = Self.transcode(bytes, forced: .utf8)
        #expect(Bytes(r.output) == Bytes(Self.utf8("中,\(Self.fffd),\(Self.fffd),文\(Self.fffd)")))
        #expect(Issues(r.issues) == Issues([
            EncodingIssue(sourceOffset: 4, outputOffset: 4, bytes: [0x80]),
            EncodingIssue(sourceOffset: 6, outputOffset: 8, bytes: [0xC0, 0xAF]),
            EncodingIssue(sourceOffset: 12, outputOffset: 15, bytes: [0xE4, 0xB8]),
        ]))

        // The same after 70 KB of valid UTF-8, detected (not forced).
        let d = Self.transcode(Self.longUTF8 + bytes.dropFirst(4))
        #expect(d.encoding == .utf8)
        #expect(d.note == "valid UTF-8")
        let n = Int64(Self.longUTF8.count)
        #expect(Issues(d.issues) == Issues([
            EncodingIssue(sourceOffset: n, outputOffset: n, bytes: [0x80]),
            EncodingIssue(sourceOffset: n + 2, outputOffset: n + 4, bytes: [0xC0, 0xAF]),
            EncodingIssue(sourceOffset: n + 8, outputOffset: n + 11, bytes: [0xE4, 0xB8]),
        ]))
    }

    @Test func invalidUTF8SingleCases() {
        let stray = Self.transcode(Self.utf8("a") + [0x80] + Self.utf8("b"), forced: .utf8)
        #expect(Bytes(stray.output) == Bytes(Self.utf8("a\(Self.fffd)b")))
        #expect(Issues(stray.issues) == Issues([EncodingIssue(sourceOffset: 1, outputOffset: 1, bytes: [0x80])]))

        let truncated = Self.transcode(Self.utf8("ab") + [0xE4, 0xB8], forced: .utf8)
        #expect(Bytes(truncated.output) == Bytes(Self.utf8("ab\(Self.fffd)")))
        #expect(Issues(truncated.issues) == Issues([EncodingIssue(sourceOffset: 2, outputOffset: 2, bytes: [0xE4, 0xB8])]))

        let overlong = Self.transcode(Self.utf8("中") + [0xC0, 0xAF] + Self.utf8("文"), forced: .utf8)
        #expect(Bytes(overlong.output) == Bytes(Self.utf8("中\(Self.fffd)文")))
        #expect(Issues(overlong.issues) == Issues([EncodingIssue(sourceOffset: 3, outputOffset: 3, bytes: [0xC0, 0xAF])]))

        // Truncated sequence followed by ASCII: only the cut bytes are invalid.
        let cut = Self.transcode([0xE4, 0xB8] + Self.utf8("a"), forced: .utf8)
        #expect(Bytes(cut.output) == Bytes(Self.utf8("\(Self.fffd)a")))
        #expect(Issues(cut.issues) == Issues([EncodingIssue(sourceOffset: 0, outputOffset: 0, bytes: [0xE4, 0xB8])]))
    }

    @Test func surrogatesAndOutOfRangeAreInvalid() {
        let bytes = Self.utf8("x") + [0xED, 0xA0, 0x80] + Self.utf8("y") + [0xF4, 0x90, 0x80, 0x80] + Self.utf8("z") + [0xE0, 0x80, 0x80] + Self.utf8("😀")
        let r = Self.transcode(bytes, forced: .utf8)
        #expect(Bytes(r.output) == Bytes(Self.utf8("x\(Self.fffd)y\(Self.fffd)z\(Self.fffd)😀")))
        #expect(Issues(r.issues) == Issues([
            EncodingIssue(sourceOffset: 1, outputOffset: 1, bytes: [0xED, 0xA0, 0x80]),
            EncodingIssue(sourceOffset: 5, outputOffset: 5, bytes: [0xF4, 0x90, 0x80, 0x80]),
            EncodingIssue(sourceOffset: 10, outputOffset: 9, bytes: [0xE0, 0x80, 0x80]),
        ]))
    }

    @Test(arguments: [TextEncoding.utf8, .gb18030])
    func replacementAndIssueArriveTogether(_ enc: TextEncoding) {
        // An invalid run open at the end of a chunk is held back: its U+FFFD and its issue
        // are produced together by the call that sees the run end (here the second feed).
        let t = Transcoder(forced: enc)
        var out: [UInt8] = []
        var issues: [EncodingIssue] = []
        t.feed([0x41, 0xFF], output: &out, issues: &issues)
        #expect(Bytes(out) == Bytes(Self.utf8("A")))
        #expect(issues.isEmpty)                   // the run may continue in the next chunk
        t.feed([0xFF, 0x42, 0x43], output: &out, issues: &issues)
        #expect(Issues(issues) == Issues([EncodingIssue(sourceOffset: 1, outputOffset: 1, bytes: [0xFF, 0xFF])]))
        #expect(Bytes(out) == Bytes(Self.utf8("A\(Self.fffd)BC")))

        // A run open at EOF is flushed by finish.
        t.feed([0x80], output: &out, issues: &issues)
        #expect(issues.count == 1)
        t.finish(output: &out, issues: &issues)
        #expect(Issues(issues) == Issues([
            EncodingIssue(sourceOffset: 1, outputOffset: 1, bytes: [0xFF, 0xFF]),
            EncodingIssue(sourceOffset: 5, outputOffset: 6, bytes: [0x80]),
        ]))
        #expect(Bytes(out) == Bytes(Self.utf8("A\(Self.fffd)BC\(Self.fffd)")))
    }

    @Test func longInvalidRunIsOneIssueKeepingSixteenBytes() {
        let r = Self.transcode(Self.utf8("a") + [UInt8](repeating: 0xFF, count: 40) + Self.utf8("b"), forced: .utf8)
        #expect(Bytes(r.output) == Bytes(Self.utf8("a\(Self.fffd)b")))
        #expect(Issues(r.issues) == Issues([EncodingIssue(sourceOffset: 1, outputOffset: 1, bytes: [UInt8](repeating: 0xFF, count: 16))]))
    }

    @Test func brokenUTF16() {
        let r = Self.transcode(Self.utf16Broken)
        #expect(r.encoding == .utf16le)
        #expect(r.hadBOM)
        #expect(Bytes(r.output) == Bytes(Self.utf8("A\(Self.fffd)B\(Self.fffd)C😀\(Self.fffd)")))
        #expect(Issues(r.issues) == Issues([
            EncodingIssue(sourceOffset: 4, outputOffset: 1, bytes: [0x00, 0xD8]),
            EncodingIssue(sourceOffset: 8, outputOffset: 5, bytes: [0x00, 0xDC]),
            EncodingIssue(sourceOffset: 16, outputOffset: 13, bytes: [0x44]),
        ]))
    }

    // MARK: - Chunk invariance

    @Test("output, issues and encoding do not depend on chunking", arguments: corpus)
    func chunkInvariance(_ c: Case) {
        let whole = Self.transcode(c.bytes, forced: c.forced)
        let bytewise = Self.transcode(c.bytes, forced: c.forced, chunks: [Int](repeating: 1, count: c.bytes.count))
        #expect(whole.misplacedIssues == 0)
        #expect(bytewise == whole, "byte at a time")
        for seed in UInt64(1)...20 {
            let splits = Self.randomSplits(count: c.bytes.count, seed: seed)
            let r = Self.transcode(c.bytes, forced: c.forced, chunks: splits)
            #expect(r == whole, "seed \(seed)")
        }
        // Every replacement character in the output is accounted for by an issue.
        let fffdCount = Self.countFFFD(whole.output)
        #expect(fffdCount == whole.issues.count)
        #expect(whole.encoding != nil)
    }

    /// Random mixtures of ASCII, NUL, valid UTF-8 characters, GB18030 characters, BOMs and
    /// random high bytes (never a literal U+FFFD, so replacement characters can be counted).
    static func randomInput(_ rng: inout SplitMix) -> [UInt8] {
        let pieces: [[UInt8]] = [
            utf8("a"), utf8(","), utf8("\n"), [0], utf8("é"), utf8("中"), utf8("😀"),
            chuGB, shengGB, liantongGB, emojiGB, [0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0x84, 0x31, 0x95, 0x33],
            [0x00, 0xD8], [0x00, 0xDC], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x81, 0x30],
        ]
        var out: [UInt8] = []
        let count = Int(rng.next() % 40)
        for _ in 0..<count {
            let r = rng.next()
            if r % 3 == 0 {
                out.append(UInt8(truncatingIfNeeded: r >> 8) | 0x80)
            } else {
                out += pieces[Int((r >> 8) % UInt64(pieces.count))]
            }
        }
        return containsFFFD(out) ? [] : out
    }

    static func containsFFFD(_ b: [UInt8]) -> Bool { countFFFD(b) > 0 }

    @Test("random inputs are chunk-invariant", arguments: [nil, .utf8, .gb18030, .utf16le, .utf16be] as [TextEncoding?])
    func randomInputsAreChunkInvariant(_ forced: TextEncoding?) {
        var rng = SplitMix(seed: 2024)
        var failures = 0
        for _ in 0..<400 where failures < 3 {
            let bytes = Self.randomInput(&rng)
            let whole = Self.transcode(bytes, forced: forced)
            var ok = Self.countFFFD(whole.output) == whole.issues.count && whole.misplacedIssues == 0
            ok = ok && Self.transcode(bytes, forced: forced, chunks: [Int](repeating: 1, count: bytes.count)) == whole
            for seed in UInt64(1)...3 {
                ok = ok && Self.transcode(bytes, forced: forced, chunks: Self.randomSplits(count: bytes.count, seed: seed)) == whole
            }
            if !ok { failures += 1 }
            #expect(ok, "input \(bytes.map { String($0, radix: 16) })")
        }
    }

    @Test func utf8AgreesWithStandardLibrary() {
        // Swift's decoder writes one U+FFFD per maximal subpart; ours one per maximal run of
        // them. Collapsing adjacent U+FFFDs in the standard library's output must give ours.
        var rng = SplitMix(seed: 99)
        var failures = 0
        for _ in 0..<3000 where failures < 3 {
            let bytes = Self.randomInput(&rng)
            let r = Self.transcode(bytes, forced: .utf8)
            var expected: [UInt8] = []
            var lastWasFFFD = false
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes  // BOM is stripped
            for scalar in String(decoding: body, as: UTF8.self).unicodeScalars {
                if scalar == "\u{FFFD}" && lastWasFFFD { continue }
                lastWasFFFD = scalar == "\u{FFFD}"
                expected += Array(String(scalar).utf8)
            }
            let ok = r.output == expected && r.issues.count == Self.countFFFD(expected)
                && r.hadBOM == (body.count != bytes.count)
            if !ok { failures += 1 }
            #expect(ok, "input \(bytes.map { String($0, radix: 16) }): got \(Bytes(r.output)), want \(Bytes(expected))")
        }
    }

    static func countFFFD(_ b: [UInt8]) -> Int {
        var n = 0, i = 0
        while i + 2 < b.count {
            if b[i] == 0xEF && b[i + 1] == 0xBF && b[i + 2] == 0xBD { n += 1; i += 3 } else { i += 1 }
        }
        return n
    }
}
