// libFuzzer target: the rule-file parser and type checker (read only), as `veto check --rules`
// and `veto rules lint` run them. The input is the file's bytes; as the loader does, a file that
// is not UTF-8 is refused before parsing. It is parsed on top of the family-welfare pack's
// schema, compiled with Program(rules:) (the type checker and tape compiler; a throw is a
// rule error, fine) and linted. Checks, besides "no crash": every error has a location.

import Yams

private let pack: Schema = (try? Packs.load("family-welfare"))?.schema ?? Schema()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    var bytes = UnsafeBufferPointer(start: data, count: size)[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    // A line of its own picks the base (as --pack none would): the file stays plain YAML.
    let base = text.hasPrefix("# pack: none\n") ? Schema() : pack
    let (set, errors) = RuleFile.parse(text, file: "fuzz.yml", base: base)
    for e in errors { precondition(e.line >= 1 && e.column >= 1, "an error without a location: \(e)") }
    _ = try? Program(rules: set)
    _ = RuleLint.check(set)
    return 0
}
