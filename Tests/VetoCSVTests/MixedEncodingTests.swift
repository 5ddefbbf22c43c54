import Testing
@testable import VetoCSV
#if canImport(Glibc)
import Glibc
#endif

/// Bytes of `text` in `encoding` through glibc iconv (the test's own converter).
func encode(_ text: String, _ encoding: String) -> [UInt8] {
    guard let cd = iconv_open(encoding, "UTF-8"), cd != iconv_t(bitPattern: -1) else { return [] }
    defer { iconv_close(cd) }
    var input = Array(text.utf8).map { CChar(bitPattern: $0) }
    var output = [CChar](repeating: 0, count: input.count * 4 + 16)
    let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
        output.withUnsafeMutableBufferPointer { outBuf in
            var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress
            var inLeft = inBuf.count
            var outPtr: UnsafeMutablePointer<CChar>? = outBuf.baseAddress
            var outLeft = outBuf.count
            _ = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            return outBuf.count - outLeft
        }
    }
    return output[..<produced].map { UInt8(bitPattern: $0) }
}

private let header = "年度,区划代码,单位名称,出生人数\n"
private let rows = "2020,623021101000,甲镇,40\n2020,623021102000,乙乡,33\n"

@Suite struct MixedEncodings {
    /// Item 14: UTF-8 rows appended to a GB18030 file decoded as GB18030 gibberish, no finding.
    @Test func utf8RowsAppendedToGB18030FileAreAFinding() {
        let gb = encode(header + rows, "GB18030")
        let appended = Array("2020,623021103000,丙乡新村,20\n2020,623021104000,丁乡,31\n".utf8)
        let bytes = gb + appended
        let r = read(bytes)
        #expect(r.summary?.encoding == .gb18030)
        let notes = r.findings.filter { $0.problem == .invalidEncoding }
        #expect(notes.map(\.line) == [4, 5], "\(r.findings)")
        #expect(notes.first?.detail.contains("UTF-8") == true)
        #expect(r.records.count == 5)
        assertChunkInvariant(bytes)
    }

    /// …also when the UTF-8 line is the last one, without a line break.
    @Test func utf8LastLineWithoutNewlineInGB18030FileIsAFinding() {
        let bytes = encode(header + rows, "GB18030") + Array("2020,623021103000,丙乡新村,20".utf8)
        let r = read(bytes)
        #expect(r.findings.filter { $0.problem == .invalidEncoding }.map(\.line) == [4], "\(r.findings)")
        assertChunkInvariant(bytes)
    }

    /// Item 14: a Big5 (traditional Chinese) file decoded as GB18030 without a finding.
    @Test func big5TextIsAFinding() {
        let text = "年度,區劃代碼,單位名稱,出生人數\n2020,623021101000,臺北市信義區,40\n2020,623021102000,新竹縣竹北市,33\n"
        let bytes = encode(text, "BIG5")
        #expect(bytes.count > 40)
        let r = read(bytes)
        let notes = r.findings.filter { $0.problem == .invalidEncoding }
        #expect(!notes.isEmpty, "\(r.summary.map { "\($0.encoding)" } ?? "") \(r.findings)")
        #expect(notes.allSatisfy { $0.detail.contains("Big5") })
        assertChunkInvariant(bytes)
    }

    /// Genuine GB18030 text (the domain county, and every name of a generated county) is quiet.
    @Test func genuineGB18030IsQuiet() {
        let text = header + rows + "2020,623021105000,某县（整改报告）,142\n2020,623021106000,喆堃乡,5\n"
        let r = read(encode(text, "GB18030"))
        #expect(r.findings.isEmpty, "\(r.findings)")
        let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        var bytes: [UInt8] = []
        _ = try? ByteFile.read(root + "/fixtures/domain/county-2020-gb18030-crlf.csv") { bytes += $0 }
        #expect(!bytes.isEmpty)
        #expect(read(bytes).findings.isEmpty)
    }

    /// Item 14: UTF-16 without a byte-order mark (NUL bytes every other byte) gave 18+ garbage
    /// findings; it is decoded, LE or BE by where the NULs are, Chinese headers included.
    @Test(arguments: ["UTF-16LE", "UTF-16BE"])
    func utf16WithoutBOMIsDecoded(_ encoding: String) {
        for text in [header + rows, "period,unit_code,unit_name,births\r\n2020,623021101000,甲镇,40\r\n"] {
            let bytes = encode(text, encoding)
            #expect(bytes.count == text.utf16.count * 2)
            let r = read(bytes)
            let utf8 = read(Array(text.utf8))
            #expect(r.summary?.encoding == (encoding == "UTF-16LE" ? .utf16le : .utf16be))
            #expect(r.summary?.encodingNote.contains("NUL bytes every other byte") == true)
            #expect(r.findings.isEmpty, "\(r.findings)")
            #expect(r.records == utf8.records)
            assertChunkInvariant(bytes)
        }
    }

    /// A NUL byte in an ordinary file is a NUL-byte finding, not a reason to read it as UTF-16.
    @Test func fewNulBytesAreNotUTF16() {
        let r = read(Array("a,b\n1,2\u{0}3\n4,5\n".utf8))
        #expect(r.summary?.encoding == .utf8)
        #expect(r.findings.map(\.problem) == [.nulByte])
    }
}
