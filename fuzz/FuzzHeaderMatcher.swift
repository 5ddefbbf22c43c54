// libFuzzer target: the header matcher (read only). The input is split on 0x1F into
// header names; normalize and bind must not crash, and bind gives one binding per name.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeaderMatcher(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let names = text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
    for name in names { _ = HeaderMatcher.normalize(name) }
    let (columns, _) = HeaderMatcher.bind(names)
    precondition(columns.count == names.count, "a header name without its binding")
    return 0
}
