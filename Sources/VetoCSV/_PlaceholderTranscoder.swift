// TEMPORARY: replaced by the real Transcoder (helper). UTF-8 pass-through only.
public enum TextEncoding: String, Sendable, CaseIterable { case utf8 = "utf-8", gb18030 = "gb18030", utf16le = "utf-16le", utf16be = "utf-16be" }
public struct EncodingIssue: Sendable, Equatable {
    public var sourceOffset: Int64
    public var outputOffset: Int64
    public var bytes: [UInt8]
}
public final class Transcoder {
    var started = false
    var pending: [UInt8] = []
    public init(forced: TextEncoding? = nil) {}
    public func feed(_ input: UnsafeRawBufferPointer, output: inout [UInt8], issues: inout [EncodingIssue]) {
        pending.append(contentsOf: input)
        if !started && pending.count < 3 { return }
        flush(&output)
    }
    func flush(_ output: inout [UInt8]) {
        if !started { started = true; if pending.starts(with: [0xEF,0xBB,0xBF]) { hadBOM = true; pending.removeFirst(3) } }
        output.append(contentsOf: pending); pending.removeAll()
    }
    public func finish(output: inout [UInt8], issues: inout [EncodingIssue]) { flush(&output); encoding = .utf8 }
    public private(set) var encoding: TextEncoding? = .utf8
    public private(set) var hadBOM: Bool = false
    public private(set) var detectionNote: String = "placeholder"
}
