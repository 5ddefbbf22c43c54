// libFuzzer target: the number parser. Any bytes in any column kind and header unit;
// a number it accepts must have at most 18 significant digits and decimals, print, and
// read back to the same value from its printed form.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumberParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let kinds: [ColumnKind] = [.count, .money, .rate]
    let kind = kinds[Int(data[0] % 3)]
    let headerExponent = [0, 4, 8, 0][Int((data[0] >> 2) & 3)]
    let cell = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let value = NumberParser.parse(cell, kind: kind, headerExponent: headerExponent)
    guard case .number(let n) = value else { return 0 }
    precondition(n.exponent >= -NumberParser.maxDecimalPlaces, "too many decimals accepted")
    precondition(n.mantissa.magnitude < 1_000_000_000_000_000_000, "too many digits accepted")
    let printed = n.description
    if kind != .rate {
        guard case .number(let back) = NumberParser.parse(printed, kind: .money) else {
            preconditionFailure("printed form \(printed) does not read back")
        }
        precondition(back.hasSameValue(as: n), "printed form changes the value")
    }
    _ = n.integerString
    _ = n.isIntegral
    return 0
}
