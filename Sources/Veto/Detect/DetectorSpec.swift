import Yams

/// A forensic detector switched on for some columns, as a pack or a rule file declares it
/// (issue 9). The pack declares the family-welfare report's; a user's rule file adds its own
/// with the same section:
///
/// ```yaml
/// detectors:
///   - {detector: last-digit, columns: [my_amount], group: parent}
///   - {detector: implausible-zero, columns: [births_illegal], exposure: births}
///   - {detector: benford-first, enabled: false}        # turns the pack's off
/// ```
public struct DetectorSpec: Sendable, Equatable {
    /// Which units a test pools: the children of one parent (a township's villages, over every
    /// period), of one county (the code's first six digits), or the whole table.
    public enum Grouping: String, Sendable, Equatable, CaseIterable { case parent, county, all }

    /// The detector's kind: one of ``DetectorSpec/kinds``.
    public var kind: String
    /// The columns it tests (for `sex-ratio`: boys, girls; for `implied-standard`: the counts of
    /// each rate; for `threshold-bunching`: the rate columns with a target).
    public var columns: [String]
    /// The exposure of a count (`implausible-zero`, `underdispersion`: births, population).
    public var exposure: String?
    /// The counts behind a rate (`threshold-bunching`).
    public var numerator: String?
    public var denominator: String?
    /// The money a per-person standard pays (`implied-standard`).
    public var funds: String?
    /// Additions in the period (`implied-standard`: new entrants may be paid part of the year).
    public var added: String?
    public var group: Grouping
    /// The unit levels whose rows are tested; nil: villages and communities (rows without a
    /// division code are always tested).
    public var levels: [UnitCode.Level]?
    public var enabled: Bool

    public init(kind: String, columns: [String] = [], exposure: String? = nil, numerator: String? = nil,
                denominator: String? = nil, funds: String? = nil, added: String? = nil, group: Grouping = .parent,
                levels: [UnitCode.Level]? = nil, enabled: Bool = true) {
        self.kind = kind
        self.columns = columns
        self.exposure = exposure
        self.numerator = numerator
        self.denominator = denominator
        self.funds = funds
        self.added = added
        self.group = group
        self.levels = levels
        self.enabled = enabled
    }

    /// The detectors veto has (SPEC.md "Forensic detectors").
    public static let kinds = ["implausible-zero", "underdispersion", "sex-ratio", "duplicate-rows", "threshold-bunching",
                               "last-digit", "rounding", "benford-first", "benford-first-two", "period-outlier",
                               "implied-standard"]

    /// The finding id of a detector kind.
    public static func findingID(_ kind: String) -> String { "forensic." + kind }

    static let keys: Set<String> = ["detector", "columns", "exposure", "numerator", "denominator", "funds", "added",
                                    "group", "levels", "enabled"]

    /// Reads a `detectors:` section into the schema: each entry is added; `enabled: false`
    /// without columns removes every detector of that kind declared so far.
    static func parse(_ node: Node?, into schema: inout Schema, err: (Node?, String) -> Void) {
        guard let node else { return }
        guard let list = node.sequence else {
            err(node, "`detectors:` must be a list of {detector: KIND, columns: [...]}")
            return
        }
        for d in list {
            guard let map = d.mapping else {
                err(d, "a detector is a mapping with `detector:` and `columns:`")
                continue
            }
            for (k, _) in map where !keys.contains(k.string ?? "") {
                err(k, "unknown key `\(Safety.echo(k.string ?? ""))` in a detector; a detector has \(keys.sorted().joined(separator: ", "))")
            }
            guard let kind = d["detector"]?.string, kinds.contains(kind) else {
                err(d["detector"] ?? d, "`detector:` must be one of \(kinds.joined(separator: ", "))")
                continue
            }
            var spec = DetectorSpec(kind: kind)
            if let e = d["enabled"] {
                guard let b = e.bool else { err(e, "`enabled` must be true or false"); continue }
                spec.enabled = b
            }
            func column(_ n: Node) -> String? {
                guard let s = n.string, let c = schema.column(s) else {
                    err(n, "detector column `\(Safety.echo(n.string ?? ""))` is not declared\(schema.suggestion(for: n.string ?? ""))")
                    return nil
                }
                return c.name
            }
            if let cs = d["columns"] {
                spec.columns = (cs.sequence ?? [cs]).compactMap(column)
            }
            spec.exposure = d["exposure"].flatMap(column)
            spec.numerator = d["numerator"].flatMap(column)
            spec.denominator = d["denominator"].flatMap(column)
            spec.funds = d["funds"].flatMap(column)
            spec.added = d["added"].flatMap(column)
            if let g = d["group"] {
                guard let s = g.string, let v = Grouping(rawValue: s) else {
                    err(g, "`group` must be parent, county or all")
                    continue
                }
                spec.group = v
            }
            if let ls = d["levels"] {
                var levels: [UnitCode.Level] = []
                for l in ls.sequence ?? [ls] {
                    guard let s = l.string, let v = UnitCode.Level(rawValue: s) else {
                        err(l, "a level is province, city, county, township or village")
                        continue
                    }
                    levels.append(v)
                }
                spec.levels = levels
            }
            if !spec.enabled && spec.columns.isEmpty {
                schema.detectors.removeAll { $0.kind == kind }
                continue
            }
            if let bad = spec.problem {
                err(d, bad)
                continue
            }
            if !schema.detectors.contains(spec) { schema.detectors.append(spec) }
        }
    }

    /// What a declaration lacks for its kind, nil when complete.
    var problem: String? {
        switch kind {
        case "implausible-zero", "underdispersion":
            if columns.isEmpty || exposure == nil { return "\(kind) needs `columns:` and `exposure:`" }
        case "sex-ratio":
            if columns.count != 2 { return "sex-ratio needs `columns: [boys, girls]`" }
        case "implied-standard":
            if columns.count != 2 || funds == nil { return "implied-standard needs `columns:` (the two counts) and `funds:`" }
        case "threshold-bunching":
            if columns.isEmpty { return "threshold-bunching needs `columns:` (rate columns with a `targets:` entry)" }
        default:
            if columns.isEmpty { return "\(kind) needs `columns:`" }
        }
        return nil
    }
}
