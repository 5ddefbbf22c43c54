// Text that GB18030 decodes without an error but that is not GB18030.
//
// GB18030 gives almost every byte sequence a meaning, so UTF-8 rows appended to a GB18030
// file, or a Big5 (traditional Chinese) file, decode to gibberish and no invalid byte.
// While GB18030 is being decoded, this scanner looks at the raw bytes of each line (lines
// end at LF; 0x0A is never part of a GB18030 character) and flags
//  - a line that is valid UTF-8 with at least two 3- or 4-byte sequences (UTF-8 CJK text;
//    GBK bytes are valid UTF-8 that long only by rare accident, e.g. 联通 is not: C1 is never
//    UTF-8), and
//  - a line with at least four double-byte characters, most of them outside the ranges
//    GB2312 text uses (hanzi B0–F7 × A1–FE, symbols A1–A3 × A1–FE): Big5 puts its most
//    frequent hanzi at leads A4–AF and 40% of its characters at trail bytes 40–7E, which in
//    GB18030 are kana, Cyrillic, user-defined and rare extension characters.
// Each flag is an `EncodingIssue` with a `note` (no U+FFFD is written), placed at the output
// offset of the line's LF (found by counting LFs: each raw LF decodes to one output LF),
// or at the last output byte for a last line without one. At most `maxNotes` per kind.
// Everything depends only on bytes already seen: chunk invariant like the decoders.

struct MixedTextScanner {
    static let maxNotes = 10

    // The raw line being scanned.
    private var nonASCII = false
    private var utf8Pending = 0
    private var utf8Length = 0
    private var utf8Valid = true
    private var utf8Wide = 0
    private var gbLead: UInt8 = 0
    private var gbFourLeft = 0
    private var pairs = 0
    private var uncommon = 0
    /// LFs scanned in the raw bytes, and the flagged lines waiting for their output LF.
    private var rawLines = 0
    private var flagged: [(ordinal: Int, note: String, zh: String)] = []
    private var notes = (utf8: 0, big5: 0)
    /// LFs seen in the output since GB18030 decoding began.
    private var outputLines = 0

    /// Scans raw GB18030 input.
    mutating func scan(_ p: UnsafePointer<UInt8>, _ n: Int) {
        var i = 0
        while i < n {
            // Fast path: ASCII with no character open.
            if utf8Pending == 0 && gbLead == 0 && gbFourLeft == 0 {
                while i < n {
                    let b = p[i]
                    if b >= 0x80 || b == 0x0A { break }
                    i &+= 1
                }
                if i == n { return }
            }
            let b = p[i]
            i &+= 1
            if b == 0x0A {   // never part of a GB18030 character: after a lone lead byte too
                endLine()
                continue
            }
            if b >= 0x80 { nonASCII = true }
            utf8Byte(b)
            gbByte(b)
        }
    }

    private mutating func utf8Byte(_ b: UInt8) {
        switch b {
        case 0x00...0x7F:
            if utf8Pending > 0 { utf8Valid = false; utf8Pending = 0 }
        case 0x80...0xBF:
            if utf8Pending == 0 { utf8Valid = false; return }
            utf8Pending -= 1
            if utf8Pending == 0 && utf8Length >= 3 { utf8Wide += 1 }
        case 0xC2...0xDF: startUTF8(2)
        case 0xE0...0xEF: startUTF8(3)
        case 0xF0...0xF4: startUTF8(4)
        default: utf8Valid = false
        }
    }

    private mutating func startUTF8(_ length: Int) {
        if utf8Pending > 0 { utf8Valid = false }
        utf8Pending = length - 1
        utf8Length = length
    }

    private mutating func gbByte(_ b: UInt8) {
        if gbFourLeft > 0 { gbFourLeft -= 1; return }
        if gbLead != 0 {
            let lead = gbLead
            gbLead = 0
            if b >= 0x30 && b <= 0x39 {   // a four-byte sequence: rare in Chinese text
                gbFourLeft = 2
                pairs += 1
                uncommon += 1
                return
            }
            pairs += 1
            let common = b >= 0xA1 && b <= 0xFE && ((lead >= 0xB0 && lead <= 0xF7) || (lead >= 0xA1 && lead <= 0xA3))
            if !common { uncommon += 1 }
            return
        }
        if b >= 0x81 && b <= 0xFE { gbLead = b }
    }

    private mutating func endLine() {
        defer {
            rawLines += 1
            nonASCII = false
            utf8Pending = 0; utf8Length = 0; utf8Valid = true; utf8Wide = 0
            gbLead = 0; gbFourLeft = 0; pairs = 0; uncommon = 0
        }
        guard nonASCII else { return }
        if utf8Valid && utf8Pending == 0 && utf8Wide >= 2 {
            guard notes.utf8 < Self.maxNotes else { return }
            notes.utf8 += 1
            flagged.append((rawLines, "this line is valid UTF-8 text (\(utf8Wide) multi-byte characters) in a file read as GB18030, which decodes it as gibberish without an invalid byte: the file mixes two encodings; re-save it in one" + (notes.utf8 == Self.maxNotes ? " (further such lines are not reported)" : ""),
                            "本行是有效的 UTF-8 文字（\(utf8Wide) 个多字节字符），而文件按 GB18030 读取，会解成乱码却没有无效字节：文件混用了两种编码，请统一另存为一种" + (notes.utf8 == Self.maxNotes ? "（此后同类行不再报告）" : "")))
        } else if pairs >= 4 && uncommon * 2 > pairs {
            guard notes.big5 < Self.maxNotes else { return }
            notes.big5 += 1
            flagged.append((rawLines, "\(uncommon) of the \(pairs) double-byte characters of this line are outside the ranges GB2312 text uses, as Big5 (traditional Chinese) bytes read as GB18030 are: the text is probably Big5 and shown as gibberish; re-save the file as UTF-8" + (notes.big5 == Self.maxNotes ? " (further such lines are not reported)" : ""),
                            "本行 \(pairs) 个双字节字符中有 \(uncommon) 个不在 GB2312 文字的常用范围内，正像按 GB18030 读取的 Big5（繁体）字节：文字很可能是 Big5，显示为乱码；请将文件另存为 UTF-8" + (notes.big5 == Self.maxNotes ? "（此后同类行不再报告）" : "")))
        }
    }

    /// Looks at output just appended (`output[from...]`, whose first byte is at absolute
    /// output offset `absoluteStart`) and appends a note issue at the LF of each flagged line.
    /// Keeps `issues[issuesFrom...]` (this call's issues) in output order.
    mutating func place(_ output: [UInt8], from: Int, absoluteStart: Int64,
                        issues: inout [EncodingIssue], issuesFrom: Int) {
        guard from < output.count else { return }
        var added = false
        if flagged.isEmpty {
            // Count LFs only.
            output.withUnsafeBufferPointer { b in
                var i = from
                while i < b.count {
                    if b[i] == 0x0A { outputLines += 1 }
                    i += 1
                }
            }
            return
        }
        for i in from..<output.count where output[i] == 0x0A {
            if let first = flagged.first, first.ordinal == outputLines {
                issues.append(EncodingIssue(sourceOffset: -1, outputOffset: absoluteStart + Int64(i - from), bytes: [], note: first.note, noteZh: first.zh))
                flagged.removeFirst()
                added = true
            }
            outputLines += 1
        }
        if added { Self.sortTail(&issues, from: issuesFrom) }
    }

    /// End of input: a flagged last line without an LF is placed on the last output byte.
    mutating func finish(totalOutput: Int64, issues: inout [EncodingIssue], issuesFrom: Int) {
        if nonASCII { endLine() }
        guard !flagged.isEmpty else { return }
        for f in flagged {
            issues.append(EncodingIssue(sourceOffset: -1, outputOffset: max(totalOutput - 1, 0), bytes: [], note: f.note, noteZh: f.zh))
        }
        flagged.removeAll()
        Self.sortTail(&issues, from: issuesFrom)
    }

    private static func sortTail(_ issues: inout [EncodingIssue], from: Int) {
        guard issues.count - from > 1 else { return }
        let tail = issues[from...].enumerated().sorted {
            ($0.element.outputOffset, $0.offset) < ($1.element.outputOffset, $1.offset)
        }.map(\.element)
        issues.replaceSubrange(from..., with: tail)
    }
}
