#if canImport(Glibc)
import Glibc
#endif

/// Why generation could not finish.
public struct GeneratorError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Character-set conversion through the C library's iconv (glibc ships GB18030).
public enum Iconv {
    /// Converts a whole buffer; fails on a byte sequence that is invalid in `from` or has no
    /// mapping in `to` (GB18030 maps all of Unicode, so UTF-8 → GB18030 never does).
    ///
    /// - Complexity: O(n); the output buffer doubles when it runs out.
    public static func convert(_ input: [UInt8], from: String, to: String) throws(GeneratorError) -> [UInt8] {
        guard let cd = iconv_open(to, from), cd != iconv_t(bitPattern: -1) else {
            throw GeneratorError(description: "iconv cannot convert \(from) to \(to) on this system")
        }
        defer { iconv_close(cd) }
        if input.isEmpty { return [] }
        var src = input.map { CChar(bitPattern: $0) }
        var out = [CChar](repeating: 0, count: input.count * 2 + 16)
        var produced = 0
        var consumed = 0
        while consumed < src.count {
            let outCount = out.count
            let (r, err, used, made): (Int, Int32, Int, Int) = src.withUnsafeMutableBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    guard let sBase = s.baseAddress, let oBase = o.baseAddress else { return (-1, EINVAL, 0, 0) }
                    var inPtr: UnsafeMutablePointer<CChar>? = sBase + consumed
                    var inLeft = s.count - consumed
                    var outPtr: UnsafeMutablePointer<CChar>? = oBase + produced
                    var outLeft = outCount - produced
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (r, errno, (s.count - consumed) - inLeft, (outCount - produced) - outLeft)
                }
            }
            consumed += used
            produced += made
            if r == -1 {
                guard err == E2BIG else {
                    throw GeneratorError(description: "text cannot be converted from \(from) to \(to) (byte \(consumed))")
                }
                out += [CChar](repeating: 0, count: out.count)
            }
        }
        return out[0..<produced].map { UInt8(bitPattern: $0) }
    }
}
