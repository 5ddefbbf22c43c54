// Streaming byte → UTF-8 transcoder in front of the CSV parser.
//
// Memory is bounded whatever the input size (a 64 KiB detection window, a 64 KiB iconv
// scratch buffer, ≤ 4 bytes of BOM look-ahead, ≤ 3 bytes of incomplete sequence), and the
// output, the issues and the chosen encoding do not depend on how the input is split into
// `feed` calls.
//
// Detection (when no encoding is forced), in this order:
//  1. A byte-order mark at offset 0: EF BB BF → UTF-8, FF FE → UTF-16LE, FE FF → UTF-16BE,
//     84 31 95 33 (U+FEFF in GB18030) → GB18030. It is stripped from the output.
//  2. Otherwise ASCII bytes are passed straight through (ASCII is the same in UTF-8 and
//     GB18030) and the decision is made lazily at the first non-ASCII byte: from there a
//     window of up to 64 KiB (or up to EOF) is buffered, then
//       - UTF-8 if the window is valid UTF-8 (a sequence cut by the 64 KiB limit is fine;
//         a sequence cut by end of input is not),
//       - else GB18030 if it is valid GB18030 (as glibc iconv decodes it),
//       - else whichever of the two has fewer invalid runs in the window (tie → UTF-8).
//     UTF-8 is tried first because UTF-8 bytes read as GB18030 give mojibake without error.
//     Invalid bytes later in the file do not change the decision; they become issues.
//  3. No non-ASCII byte at all (including empty input) → UTF-8.
// A forced encoding skips detection; only that encoding's own BOM is stripped.
//
// Invalid input → one U+FFFD per maximal run of invalid bytes and one `EncodingIssue`; see
// TranscoderDecoders.swift for the exact rule. NUL bytes pass through unchanged.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8", gb18030 = "gb18030", utf16le = "utf-16le", utf16be = "utf-16be"
}

/// A run of bytes invalid in the input's encoding. The transcoder wrote U+FFFD (EF BF BD) once
/// for the run at `outputOffset` of its UTF-8 output, and reports it; it never drops bytes silently.
public struct EncodingIssue: Sendable, Equatable {
    /// 0-based byte offset in the raw input (of the run's first byte).
    public var sourceOffset: Int64
    /// 0-based byte offset in the UTF-8 output where U+FFFD was written.
    public var outputOffset: Int64
    /// The offending raw bytes (at most 16 kept; the run may be longer).
    public var bytes: [UInt8]
    /// Not an invalid run but text that decodes without error and is not in the input's
    /// encoding (UTF-8 or Big5 lines in a GB18030 file, see TranscoderMixedText.swift): what
    /// is wrong, in words. No U+FFFD was written for it; `outputOffset` is on its line.
    public var note: String?
    /// The note in Chinese.
    public var noteZh: String?

    public init(sourceOffset: Int64, outputOffset: Int64, bytes: [UInt8], note: String? = nil, noteZh: String? = nil) {
        self.sourceOffset = sourceOffset
        self.outputOffset = outputOffset
        self.bytes = bytes
        self.note = note
        self.noteZh = noteZh
    }
}

public final class Transcoder {
    /// The encoding in use once decided (after finish it is always set: pure ASCII → .utf8).
    public private(set) var encoding: TextEncoding?
    /// true if a byte-order mark was found and stripped (UTF-8 EF BB BF, UTF-16 FF FE / FE FF,
    /// GB18030 84 31 95 33).
    public private(set) var hadBOM: Bool = false
    /// How the decision was made, one short English sentence ("" until decided).
    public private(set) var detectionNote: String = ""

    /// Size of the detection window that starts at the first non-ASCII byte.
    public static let detectionWindowSize = 64 * 1024

    private static let byteOrderMarks: [(TextEncoding, [UInt8])] = [
        (.utf8, [0xEF, 0xBB, 0xBF]),
        (.utf16le, [0xFF, 0xFE]),
        (.utf16be, [0xFE, 0xFF]),
        (.gb18030, [0x84, 0x31, 0x95, 0x33]),
    ]

    private enum Phase { case sniffing, ascii, window, decoding, finished }

    private let forced: TextEncoding?
    private var phase: Phase = .sniffing
    /// Bytes at offset 0 that may still turn out to be a BOM.
    private var head: [UInt8] = []
    /// Detection window, from the first non-ASCII byte.
    private var window: [UInt8] = []
    private var windowStart: Int64 = 0
    /// Raw bytes handled before a decoder took over (BOM, ASCII prefix).
    private var consumed: Int64 = 0
    /// Output bytes written before a decoder took over.
    private var written: Int64 = 0
    private var decoder: TranscodeStreamDecoder?
    /// While GB18030 is decoded: lines that are UTF-8 or Big5 text.
    private var mixed: MixedTextScanner?

    /// Bytes of the start of an input without a byte-order mark looked at for UTF-16 (NUL
    /// bytes every other byte) before deciding.
    public static let utf16SniffSize = 256

    /// forced: an encoding the user named (--encoding); nil = detect from the bytes.
    public init(forced: TextEncoding? = nil) {
        self.forced = forced
        if let forced {
            encoding = forced
            detectionNote = "forced by --encoding"
        }
    }

    /// Appends the UTF-8 text decoded so far to `output`. May hold back a bounded lookahead
    /// (an incomplete multibyte sequence at the chunk end, or the detection window).
    /// Issues are appended to `issues`, each in the same call that writes its U+FFFD to
    /// `output`; `outputOffset`s count from the start of the whole output, not of this call's.
    /// An invalid run still open at the end of a chunk is held back (as state, not bytes)
    /// until it ends: in a later call, at the latest in `finish`.
    public func feed(_ input: UnsafeRawBufferPointer, output: inout [UInt8], issues: inout [EncodingIssue]) {
        precondition(phase != .finished, "Transcoder.feed called after finish")
        guard let base = input.baseAddress, input.count > 0 else { return }
        var p = base.assumingMemoryBound(to: UInt8.self)
        var n = input.count
        while n > 0 && phase == .sniffing {
            head.append(p[0])
            p += 1
            n -= 1
            sniff(final: false, output: &output, issues: &issues)
        }
        if n > 0 { body(p, n, output: &output, issues: &issues) }
    }

    /// Convenience for byte arrays.
    public func feed(_ input: [UInt8], output: inout [UInt8], issues: inout [EncodingIssue]) {
        input.withUnsafeBytes { feed($0, output: &output, issues: &issues) }
    }

    /// End of input: flushes everything; a truncated sequence at EOF is an issue.
    public func finish(output: inout [UInt8], issues: inout [EncodingIssue]) {
        precondition(phase != .finished, "Transcoder.finish called twice")
        if phase == .sniffing { sniff(final: true, output: &output, issues: &issues) }
        switch phase {
        case .ascii:
            encoding = .utf8
            detectionNote = consumed == 0 ? "empty input" : "ASCII only"
        case .window:
            decide(final: true, output: &output, issues: &issues)
        case .decoding:
            finishDecoder(output: &output, issues: &issues)
        case .sniffing, .finished:
            preconditionFailure("unreachable")
        }
        phase = .finished
        decoder = nil
        window = []
        head = []
    }

    // MARK: - Phases

    /// Looks at `head` (bytes at offset 0): decides on a BOM, waits for more, or gives up.
    private func sniff(final: Bool, output: inout [UInt8], issues: inout [EncodingIssue]) {
        var couldBePrefix = false
        for (enc, bom) in Self.byteOrderMarks where forced == nil || forced == enc {
            if head == bom {
                hadBOM = true
                encoding = enc
                if forced == nil { detectionNote = "byte-order mark" }
                consumed = Int64(bom.count)
                head = []
                startDecoder(enc)
                return
            }
            if head.count < bom.count && bom.starts(with: head) { couldBePrefix = true }
        }
        if couldBePrefix && !final { return }
        if forced == nil {
            if head.count < Self.utf16SniffSize && !final { return }
            if let enc = Self.utf16WithoutBOM(head) {
                encoding = enc
                detectionNote = "no byte-order mark; NUL bytes every other byte: \(enc.rawValue)"
                startDecoder(enc)
                let bytes = head
                head = []
                bytes.withUnsafeBufferPointer { body($0.baseAddress!, $0.count, output: &output, issues: &issues) }
                return
            }
        }
        if let forced { startDecoder(forced) } else { phase = .ascii }
        let bytes = head
        head = []
        bytes.withUnsafeBufferPointer {
            if $0.count > 0 { body($0.baseAddress!, $0.count, output: &output, issues: &issues) }
        }
    }

    private func startDecoder(_ enc: TextEncoding) {
        decoder = TranscodeStreamDecoder.make(enc, src: consumed, out: written)
        if enc == .gb18030 { mixed = MixedTextScanner() }
        phase = .decoding
    }

    /// UTF-16 without a byte-order mark: in the first bytes, NUL bytes at odd offsets (LE) or
    /// even offsets (BE) and (almost) none at the others. ASCII text in UTF-16 is half NULs;
    /// Chinese text in UTF-16 still has a NUL byte in every comma, digit and line break.
    static func utf16WithoutBOM(_ head: [UInt8]) -> TextEncoding? {
        let pairs = head.count / 2
        guard pairs >= 4 else { return nil }
        var even = 0, odd = 0
        for i in 0..<(pairs * 2) where head[i] == 0 {
            if i & 1 == 0 { even += 1 } else { odd += 1 }
        }
        if odd >= 4, odd * 8 >= pairs, even * 8 <= odd { return .utf16le }
        if even >= 4, even * 8 >= pairs, odd * 8 <= even { return .utf16be }
        return nil
    }

    /// Feeds the decoder, and the GB18030 mixed-text scanner beside it.
    private func decode(_ p: UnsafePointer<UInt8>, _ n: Int, output: inout [UInt8], issues: inout [EncodingIssue]) {
        guard let decoder else { return }
        let before = output.count, issuesBefore = issues.count
        mixed?.scan(p, n)
        decoder.feed(p, n, output: &output, issues: &issues)
        if mixed != nil {
            let start = decoder.tracker.out - Int64(output.count - before)
            mixed!.place(output, from: before, absoluteStart: start, issues: &issues, issuesFrom: issuesBefore)
        }
    }

    private func body(_ p: UnsafePointer<UInt8>, _ n: Int, output: inout [UInt8], issues: inout [EncodingIssue]) {
        var p = p
        var n = n
        while n > 0 {
            switch phase {
            case .ascii:
                let k = Self.asciiPrefixLength(p, n)
                if k > 0 {
                    output.append(contentsOf: UnsafeBufferPointer(start: p, count: k))
                    consumed += Int64(k)
                    written += Int64(k)
                    p += k
                    n -= k
                }
                if n > 0 {
                    phase = .window
                    windowStart = consumed
                    window.reserveCapacity(Self.detectionWindowSize)
                }
            case .window:
                let take = min(Self.detectionWindowSize - window.count, n)
                window.append(contentsOf: UnsafeBufferPointer(start: p, count: take))
                p += take
                n -= take
                if window.count == Self.detectionWindowSize {
                    decide(final: false, output: &output, issues: &issues)
                }
            case .decoding:
                decode(p, n, output: &output, issues: &issues)
                n = 0
            case .sniffing, .finished:
                preconditionFailure("unreachable")
            }
        }
    }

    /// Chooses the encoding from the window, decodes the window with it, and hands over.
    private func decide(final: Bool, output: inout [UInt8], issues: inout [EncodingIssue]) {
        func trial(_ enc: TextEncoding) -> (TranscodeStreamDecoder, [UInt8], [EncodingIssue]) {
            let d = TranscodeStreamDecoder.make(enc, src: windowStart, out: written)
            var out: [UInt8] = []
            out.reserveCapacity(window.count + window.count / 2)
            var iss: [EncodingIssue] = []
            window.withUnsafeBufferPointer {
                d.feed($0.baseAddress!, $0.count, output: &out, issues: &iss)
            }
            if final { d.finish(output: &out, issues: &iss) }
            return (d, out, iss)
        }
        var chosen = trial(.utf8)
        var enc = TextEncoding.utf8
        if chosen.0.runs == 0 {
            detectionNote = "valid UTF-8"
        } else {
            let gb = trial(.gb18030)
            let u = chosen.0.runs, g = gb.0.runs
            if g == 0 {
                detectionNote = "not valid UTF-8; valid GB18030"
                chosen = gb
                enc = .gb18030
            } else if g < u {
                detectionNote = "neither valid UTF-8 nor GB18030; GB18030 has fewer invalid runs (\(g) vs \(u))"
                chosen = gb
                enc = .gb18030
            } else {
                detectionNote = "neither valid UTF-8 nor GB18030; UTF-8 has no more invalid runs (\(u) vs \(g))"
            }
        }
        encoding = enc
        let before = output.count, issuesBefore = issues.count
        output.append(contentsOf: chosen.1)
        issues.append(contentsOf: chosen.2)
        decoder = chosen.0
        if enc == .gb18030 {
            var scanner = MixedTextScanner()
            window.withUnsafeBufferPointer { scanner.scan($0.baseAddress!, $0.count) }
            scanner.place(output, from: before, absoluteStart: written, issues: &issues, issuesFrom: issuesBefore)
            if final { scanner.finish(totalOutput: chosen.0.tracker.out, issues: &issues, issuesFrom: issuesBefore) }
            mixed = scanner
        }
        window = []
        phase = .decoding
    }

    private func finishDecoder(output: inout [UInt8], issues: inout [EncodingIssue]) {
        guard let decoder else { return }
        let before = output.count, issuesBefore = issues.count
        decoder.finish(output: &output, issues: &issues)
        if mixed != nil {
            let start = decoder.tracker.out - Int64(output.count - before)
            mixed!.place(output, from: before, absoluteStart: start, issues: &issues, issuesFrom: issuesBefore)
            mixed!.finish(totalOutput: decoder.tracker.out, issues: &issues, issuesFrom: issuesBefore)
        }
    }

    /// Length of the leading run of ASCII bytes.
    @inline(__always)
    private static func asciiPrefixLength(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i &+ 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if w & 0x8080_8080_8080_8080 != 0 { break }
            i &+= 8
        }
        while i < n && p[i] < 0x80 { i &+= 1 }
        return i
    }
}
