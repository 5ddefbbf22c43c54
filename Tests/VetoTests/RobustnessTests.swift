import Testing
@testable import Veto
import VetoCSV

/// Mutated real inputs through the whole pipeline (reader, rows, rules, reports): whatever
/// the bytes, a result, never a crash; and without quotes, every non-blank line is a record.
@Test(arguments: 0..<8)
func mutatedInputsNeverCrashTheChecker(seed: Int) throws {
    let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    let sources = ["/fixtures/domain/county-2020.csv", "/fixtures/domain/county-2020-gb18030-crlf.csv",
                   "/fixtures/generated/seed15-zh-utf8-yuan-lf/620121-2019.csv"]
    let alphabet: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0x00, 0xFF, 0xE4, 0xB8, 0x87, 0x2D, 0x2E, 0x25, 0x30, 0x39, 0x20]
    var rng = SplitMix64(seed: UInt64(seed) &+ 1000)
    for source in sources {
        let original = try #require(readAll(root + source))
        for _ in 0..<25 {
            var bytes = original
            for _ in 0..<(1 + rng.below(12)) {
                let at = rng.below(max(bytes.count, 1))
                switch rng.below(4) {
                case 0 where !bytes.isEmpty: bytes[at] = alphabet[rng.below(alphabet.count)]
                case 1: bytes.insert(alphabet[rng.below(alphabet.count)], at: min(at, bytes.count))
                case 2 where !bytes.isEmpty: bytes.remove(at: at)
                default: bytes = Array(bytes.prefix(at))
                }
            }
            let c = Checker()
            c.add(bytes: bytes, name: "m.csv")
            let r = c.finish()
            #expect(r.inputs.count == 1)
            #expect(JSONReport.render(r, lang: .en).hasPrefix("{"))
            #expect(!TextReport.render(r, lang: .zh, style: .init(color: false)).isEmpty)
            if !bytes.contains(0x22), r.inputs.first?.encoding == "utf-8" {
                // No quotes: one record per non-blank physical line (the header included).
                var lines = 0, blank = true, i = 0
                while i < bytes.count {
                    let b = bytes[i]
                    if b == 0x0A || b == 0x0D {
                        if !blank { lines += 1 }
                        blank = true
                        if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                    } else {
                        blank = false
                    }
                    i += 1
                }
                if !blank { lines += 1 }
                #expect((r.inputs.first?.rows ?? 0) + (lines > 0 ? 1 : 0) == lines, "\(source)")
            }
        }
    }
}
