// Streaming decoders behind `Transcoder`: a hand-written UTF-8 validator that copies valid
// text through, and a glibc-iconv decoder for GB18030 and UTF-16LE/BE.
//
// Invalid-input rule (the same for every encoding):
//   Decoding goes left to right. At each position the decoder either reads one complete,
//   well-formed character, or finds that no well-formed character starts there; then that
//   byte (for UTF-16: that 2-byte code unit, or the odd byte left at EOF) is invalid and
//   decoding resumes at the next byte (code unit). A maximal run of consecutive invalid
//   bytes becomes ONE U+FFFD in the output and ONE `EncodingIssue` (its first 16 bytes kept).
//   Both are produced when the run ends, in the same feed/finish call, so a consumer always
//   has the issue when it meets the U+FFFD (an open run at a chunk end is held back as state).
//   A truncated sequence at end of input is invalid in the same way; the bytes after its
//   first byte are re-read and may decode (e.g. GB18030 `81 30` at EOF → U+FFFD, "0").
//   For UTF-8 this equals "one U+FFFD per maximal run of maximal subparts" (Unicode §3.9),
//   because continuation bytes can never start a character.
//
// Every decision depends only on bytes already seen; an incomplete sequence at the end of a
// chunk (at most 3 bytes) and an open invalid run (offsets + ≤ 16 bytes) are held back until the next chunk or `finish`, so results never
// depend on how the input is split.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Output/issue bookkeeping shared by the decoders: counts output bytes and keeps the
/// invalid run that is still open (it may continue in the next chunk).
///
/// An open run is held back — its U+FFFD is written, and its issue appended, only when the
/// run ends (a valid character follows, or the input ends). So a U+FFFD and its issue always
/// arrive in the same `feed`/`finish` call, and the held-back state is bounded (offsets plus
/// at most 16 bytes) however long the run is.
struct TranscodeRunTracker {
    /// Bytes written to the transcoder's output so far (its next output offset).
    var out: Int64
    /// The invalid run being extended (its `outputOffset` is set when it is closed).
    var open: EncodingIssue?
    /// Source offset just past the open run.
    var runEnd: Int64 = -1
    /// Number of invalid runs started (used to compare encodings during detection).
    var runs = 0

    static let maxKeptBytes = 16

    init(out: Int64) { self.out = out }

    /// Records the invalid byte `b` at source offset `src`, extending the open run if it is
    /// adjacent, otherwise closing it and starting a new run.
    @inline(__always)
    mutating func invalidByte(_ b: UInt8, at src: Int64, output: inout [UInt8], issues: inout [EncodingIssue]) {
        if open != nil && runEnd == src {
            if open!.bytes.count < Self.maxKeptBytes { open!.bytes.append(b) }
            runEnd = src + 1
            return
        }
        close(output: &output, issues: &issues)
        open = EncodingIssue(sourceOffset: src, outputOffset: -1, bytes: [b])
        runEnd = src + 1
        runs += 1
    }

    /// Ends the open run, if any: writes its U+FFFD and reports it. Must be called before
    /// any valid output that follows the run is appended.
    @inline(__always)
    mutating func close(output: inout [UInt8], issues: inout [EncodingIssue]) {
        guard var run = open else { return }
        run.outputOffset = out
        output.append(0xEF); output.append(0xBF); output.append(0xBD)
        out += 3
        issues.append(run)
        open = nil
    }
}

/// Base class: holds the incomplete tail between chunks and drives `run`.
class TranscodeStreamDecoder {
    var tracker: TranscodeRunTracker
    /// Absolute source offset of the next byte not yet decoded (the first pending byte).
    var src: Int64
    /// Incomplete sequence held back from the previous chunk (at most 3 bytes).
    var pending: [UInt8] = []

    init(src: Int64, out: Int64) {
        self.src = src
        self.tracker = TranscodeRunTracker(out: out)
    }

    /// Number of invalid runs found so far.
    var runs: Int { tracker.runs }

    /// Decodes `p[0..<n]`, whose first byte is at source offset `src`, appending to `output`.
    /// Returns how many bytes were consumed; when `final` is false it may stop before `n`
    /// only at an incomplete-but-so-far-valid sequence at the very end. When `final` is
    /// true it consumes everything. Advances `src` by the returned count.
    func run(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool,
             output: inout [UInt8], issues: inout [EncodingIssue]) -> Int {
        fatalError("abstract")
    }

    func feed(_ p: UnsafePointer<UInt8>, _ n: Int, output: inout [UInt8], issues: inout [EncodingIssue]) {
        guard n > 0 else { return }
        var start = 0
        if !pending.isEmpty {
            // Resolve the held-back tail with a few bytes of the new chunk.
            let k = min(n, 8)
            var tmp = pending
            tmp.append(contentsOf: UnsafeBufferPointer(start: p, count: k))
            let used = tmp.withUnsafeBufferPointer {
                run($0.baseAddress!, $0.count, final: false, output: &output, issues: &issues)
            }
            if used < pending.count {
                // Still incomplete: everything seen so far is the tail (k == n here).
                precondition(k == n, "incomplete sequence longer than a character")
                pending = Array(tmp[used...])
                return
            }
            start = used - pending.count
            pending.removeAll(keepingCapacity: true)
        }
        if start < n {
            let used = run(p + start, n - start, final: false, output: &output, issues: &issues)
            if start + used < n {
                pending.append(contentsOf: UnsafeBufferPointer(start: p + start + used, count: n - start - used))
            }
        }
    }

    func finish(output: inout [UInt8], issues: inout [EncodingIssue]) {
        if !pending.isEmpty {
            let tail = pending
            pending = []
            _ = tail.withUnsafeBufferPointer {
                run($0.baseAddress!, $0.count, final: true, output: &output, issues: &issues)
            }
        }
        tracker.close(output: &output, issues: &issues)
    }

    static func make(_ encoding: TextEncoding, src: Int64, out: Int64) -> TranscodeStreamDecoder {
        switch encoding {
        case .utf8: return TranscodeUTF8Decoder(src: src, out: out)
        case .gb18030: return TranscodeIconvDecoder(from: "GB18030", unit: 1, src: src, out: out)
        case .utf16le: return TranscodeIconvDecoder(from: "UTF-16LE", unit: 2, src: src, out: out)
        case .utf16be: return TranscodeIconvDecoder(from: "UTF-16BE", unit: 2, src: src, out: out)
        }
    }
}

/// Validates UTF-8 (Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF)
/// and copies valid spans through in bulk.
final class TranscodeUTF8Decoder: TranscodeStreamDecoder {
    /// Length of the well-formed sequence at `p[i]` (a non-ASCII byte): > 0 valid,
    /// 0 a valid prefix cut by the end of the buffer, -1 no character starts here.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let b0 = p[i]
        if b0 < 0xC2 { return -1 }                       // continuation byte, or C0/C1 overlong
        if b0 < 0xE0 {
            guard i &+ 1 < n else { return 0 }
            return p[i &+ 1] & 0xC0 == 0x80 ? 2 : -1
        }
        if b0 < 0xF0 {
            guard i &+ 1 < n else { return 0 }
            let b1 = p[i &+ 1]
            let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80      // E0 80..9F: overlong
            let hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF      // ED A0..BF: surrogates
            guard b1 >= lo && b1 <= hi else { return -1 }
            guard i &+ 2 < n else { return 0 }
            return p[i &+ 2] & 0xC0 == 0x80 ? 3 : -1
        }
        if b0 < 0xF5 {
            guard i &+ 1 < n else { return 0 }
            let b1 = p[i &+ 1]
            let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80      // F0 80..8F: overlong
            let hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF      // F4 90..: above U+10FFFF
            guard b1 >= lo && b1 <= hi else { return -1 }
            guard i &+ 2 < n else { return 0 }
            guard p[i &+ 2] & 0xC0 == 0x80 else { return -1 }
            guard i &+ 3 < n else { return 0 }
            return p[i &+ 3] & 0xC0 == 0x80 ? 4 : -1
        }
        return -1                                         // F5..FF
    }

    override func run(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool,
                      output: inout [UInt8], issues: inout [EncodingIssue]) -> Int {
        let base = src
        var i = 0
        var span = 0
        let raw = UnsafeRawPointer(p)
        scan: while i < n {
            let b0 = p[i]
            if b0 < 0x80 {
                // ASCII: then skip 8 bytes at a time while they are all ASCII.
                i &+= 1
                while i &+ 8 <= n {
                    let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if w & 0x8080_8080_8080_8080 != 0 { break }
                    i &+= 8
                }
                continue
            }
            // Fast path for the common three-byte case (E1..EC, EE, EF: all of CJK).
            if i &+ 2 < n && b0 &- 0xE1 <= 0x0E && b0 != 0xED {
                let c = UInt16(p[i &+ 1]) | UInt16(p[i &+ 2]) << 8
                if c & 0xC0C0 == 0x8080 { i &+= 3; continue }
            }
            let len = Self.sequenceLength(p, i, n)
            if len > 0 { i &+= len; continue }
            if len == 0 && !final { break scan }         // hold back the cut sequence
            if i > span {
                tracker.close(output: &output, issues: &issues)
                output.append(contentsOf: UnsafeBufferPointer(start: p + span, count: i - span))
                tracker.out += Int64(i - span)
            }
            tracker.invalidByte(b0, at: base + Int64(i), output: &output, issues: &issues)
            i &+= 1
            span = i
        }
        if i > span {
            tracker.close(output: &output, issues: &issues)
            output.append(contentsOf: UnsafeBufferPointer(start: p + span, count: i - span))
            tracker.out += Int64(i - span)
        }
        src = base + Int64(i)
        return i
    }
}

/// Decodes through glibc iconv into UTF-8. `unit` is the code-unit size skipped on an
/// invalid sequence (1 for GB18030, 2 for UTF-16).
final class TranscodeIconvDecoder: TranscodeStreamDecoder {
    private let cd: iconv_t
    private let unit: Int
    private let scratch: UnsafeMutablePointer<UInt8>
    private static let scratchSize = 64 * 1024

    init(from charset: String, unit: Int, src: Int64, out: Int64) {
        let cd = iconv_open("UTF-8", charset)
        guard let cd, cd != iconv_t(bitPattern: -1) else {
            fatalError("iconv_open(\"UTF-8\", \"\(charset)\") failed (errno \(errno)); are glibc's gconv modules installed?")
        }
        self.cd = cd
        self.unit = unit
        self.scratch = .allocate(capacity: Self.scratchSize)
        super.init(src: src, out: out)
    }

    deinit {
        iconv_close(cd)
        scratch.deallocate()
    }

    override func run(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool,
                      output: inout [UInt8], issues: inout [EncodingIssue]) -> Int {
        let base = src
        var i = 0
        while i < n {
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: p + i)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = n - i
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(scratch)
                .assumingMemoryBound(to: CChar.self)
            var outLeft = Self.scratchSize
            let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            let err = errno
            let consumed = (n - i) - inLeft
            let produced = Self.scratchSize - outLeft
            if consumed > 0 {
                tracker.close(output: &output, issues: &issues)   // valid characters end a run
                output.append(contentsOf: UnsafeBufferPointer(start: scratch, count: produced))
                tracker.out += Int64(produced)
                i += consumed
            }
            if result != -1 { continue }            // all of p[i..<n] converted
            if err == E2BIG { continue }
            if err == EINVAL && !final { break }    // incomplete sequence at the end: hold back
            // EILSEQ (or EINVAL at end of input): the code unit at i starts no character.
            _ = iconv(cd, nil, nil, nil, nil)
            let bad = min(unit, n - i)
            for j in 0..<bad {
                tracker.invalidByte(p[i + j], at: base + Int64(i + j), output: &output, issues: &issues)
            }
            i += bad
        }
        src = base + Int64(i)
        return i
    }
}
