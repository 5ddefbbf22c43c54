import Yams
import VetoCSV

/// Reads rule files (YAML). The file is composed into nodes with positions, so every error
/// names its file, line and column; expressions are parsed by ``ExprParser``, never run.
///
/// ```yaml
/// version: 1
/// name: my-rules
/// columns:                       # columns beyond the schema, by their own header names
///   - {name: 备注金额, kind: money}
/// rules:
///   - id: flow.reward
///     severity: fail             # info | review | fail | veto
///     when: reward_total > 0     # optional
///     assert: reward_prev + reward_added - reward_exited = reward_total
///     target: reward_total       # optional: the figure a finding points at
///     tolerance: 0               # optional slack on equalities (precision applies anyway)
///     levels: [county, township] # optional
///     inflates: true             # optional: an unexplained failure that raises money or people is `veto`
///     each: [births, population] # optional: one rule per column, `{col}` replaced everywhere
///     message: {zh: "…", en: "…"}
///     tags: [flow]
///     example: |                 # optional: a CSV on which the rule fails (veto explain)
///       period,unit_code,reward_prev,reward_added,reward_exited,reward_total
///       2020,623021105000,1500,70,40,1350
/// ```
public enum RuleFile {
    /// Largest rule or standards file read (a rule file is a few KB; the pack is 12 KB).
    public static let maxBytes = 4 << 20

    static let topKeys: Set<String> = ["version", "name", "description", "key", "columns", "programmes", "targets",
                                       "detectors", "rules", "standards"]

    /// Parses a rule file on top of `base` (the pack's schema, or an empty one with `--pack none`),
    /// collecting every error (for `veto rules lint`). The result's schema is `base` plus the
    /// columns, programmes, key and targets the file declares.
    public static func parse(_ text: String, file: String, base: Schema = Schema()) -> (RuleSet, [RuleFileError]) {
        var errors: [RuleFileError] = []
        var schema = base
        let root: Node
        do {
            // Scalars are read as written (`.string`, `.int`, `.bool` convert): no tag regexes to run.
            guard let n = try Yams.compose(yaml: text, .basic) else {
                return (RuleSet(rules: [], schema: schema), [RuleFileError(file: file, line: 1, column: 1, message: "the rule file is empty")])
            }
            root = n
        } catch let e as YamlError {
            return (RuleSet(rules: [], schema: schema), [yamlError(e, file: file)])
        } catch {
            return (RuleSet(rules: [], schema: schema), [RuleFileError(file: file, line: 1, column: 1, message: Safety.echo("\(error)"))])
        }
        func err(_ node: Node?, _ m: String) {
            errors.append(RuleFileError(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: m))
        }
        guard let top = root.mapping else {
            err(root, "a rule file is a mapping with `rules:`")
            return (RuleSet(rules: [], schema: schema), errors)
        }
        for (k, _) in top where !topKeys.contains(k.string ?? "") {
            err(k, "unknown key `\(Safety.echo(k.string ?? ""))`\(suggest(k.string ?? "", topKeys)); a rule file has \(topKeys.sorted().joined(separator: ", "))")
        }
        if let v = top["version"], v.int != 1 { err(v, "only version 1 exists") }

        parseColumns(top["columns"], into: &schema, file: file, errors: &errors)
        if let ps = top["programmes"] {
            for p in items(ps) {
                if let name = p.string {
                    schema.declare(ProgrammeSpec(name: name))
                } else if let name = p["name"]?.string {
                    schema.declare(ProgrammeSpec(name: name, aliases: items(p["aliases"]).compactMap(\.string)))
                } else {
                    err(p, "a programme is a name, or a mapping with `name` and `aliases`")
                }
            }
        }
        if let k = top["key"] {
            let names = (k.sequence ?? [k]).compactMap(\.string)
            if names.isEmpty { err(k, "`key:` lists the columns that identify a row") }
            for (n, node) in zip(names, k.sequence ?? [k]) where schema.index(of: n) == nil {
                err(node, "key column `\(n)` is not declared\(schema.suggestion(for: n))")
            }
            schema.key = names.compactMap { schema.column($0)?.name }
        }
        if let ts = top["targets"] {
            // A file's targets for a column replace those its base (the pack) set for it.
            var replaced: Set<String> = []
            for t in items(ts) {
                guard let c = t["column"]?.string, let col = schema.column(c) else {
                    err(t, "a target needs a declared `column`")
                    continue
                }
                func bound(_ key: String) -> ExactDecimal? {
                    guard let n = t[key] else { return nil }
                    guard let s = n.string, case .number(let v) = NumberParser.parse(s, kind: .number) else {
                        err(n, "`\(key)` must be a number")
                        return nil
                    }
                    return ExactDecimal(v)
                }
                let target = TargetSpec(column: col.name, below: bound("below"), above: bound("above"),
                                        atMost: bound("at_most"), atLeast: bound("at_least"))
                let given = [target.below, target.above, target.atMost, target.atLeast].compactMap { $0 }.count
                if given != 1 {
                    err(t, "a target needs exactly one of `below:`, `at_most:`, `above:`, `at_least:` (the good side of the threshold; `at_most`/`at_least` count the bound itself as good)")
                }
                if replaced.insert(col.name).inserted { schema.targets.removeAll { $0.column == col.name } }
                if !schema.targets.contains(target) { schema.targets.append(target) }
            }
        }
        DetectorSpec.parse(top["detectors"], into: &schema, err: err)

        var standards: [Standard] = []
        if let st = top["standards"] {
            for (i, s) in (items(st)).enumerated() {
                var d: [String: String] = [:]
                for (k, v) in pairs(s) { d[k.string ?? ""] = v.string ?? "" }
                do {
                    standards.append(try StandardsTable.standard(d, file: file, line: s.mark?.line))
                } catch {
                    err(s, "standard \(i + 1): \((error as? StandardsError)?.message ?? "\(error)")")
                }
            }
        }

        var rules: [Rule] = []
        var seen: [String: Int] = [:]
        guard let list = top["rules"]?.sequence else {
            if top["rules"] != nil || top["columns"] == nil {
                err(top["rules"] ?? root, "`rules:` must be a list of rules")
            }
            return (RuleSet(rules: [], standards: StandardsTable(standards), schema: schema), errors)
        }
        for node in list {
            for rule in parseRule(node, schema: schema, file: file, errors: &errors) {
                if let first = seen[rule.id] {
                    errors.append(RuleFileError(file: file, line: rule.line, column: rule.column,
                                                message: "rule id `\(rule.id)` is used twice (first at line \(first))"))
                    continue
                }
                seen[rule.id] = rule.line
                rules.append(rule)
            }
        }
        return (RuleSet(rules: rules, standards: StandardsTable(standards), name: top["name"]?.string ?? "",
                        description: top["description"]?.string ?? "", schema: schema), errors)
    }

    static let columnKeys: Set<String> = ["name", "kind", "aliases", "additive", "inflates", "weight", "exact", "values", "label"]

    /// `columns:` entries: `{name, kind}` (today's format) and the rest of a column's attributes.
    static func parseColumns(_ node: Node?, into schema: inout Schema, file: String, errors: inout [RuleFileError]) {
        guard let node else { return }
        func err(_ n: Node?, _ m: String) {
            errors.append(RuleFileError(file: file, line: n?.mark?.line ?? 1, column: n?.mark?.column ?? 1, message: m))
        }
        guard let list = node.sequence else {
            err(node, "`columns:` is a list of columns, each with `name` and `kind`")
            return
        }
        for c in list {
            guard let name = c["name"]?.string, !name.trimmingSpaces.isEmpty, let kindText = c["kind"]?.string else {
                err(c, "a column needs `name` and `kind` (\(ColumnType.names.joined(separator: ", ")))")
                continue
            }
            for (k, _) in pairs(c) where !columnKeys.contains(k.string ?? "") {
                err(k, "unknown column key `\(Safety.echo(k.string ?? ""))`\(suggest(k.string ?? "", columnKeys))")
            }
            let values = items(c["values"]).compactMap(\.string)
            guard let type = ColumnType(name: kindText, values: values) else {
                err(c["kind"], "kind `\(Safety.echo(kindText))` is not one of \(ColumnType.names.joined(separator: ", "))")
                continue
            }
            if case .category = type, values.isEmpty { err(c, "a category column needs `values:`") }
            var weight = 1.0
            if let w = c["weight"] {
                // A weight is a preference for breaking ties, not a figure: binary floating point is fine.
                if let s = w.string, let v = Double(s), v > 0, v.isFinite {
                    weight = v
                } else {
                    err(w, "weight must be a number > 0")
                }
            }
            func flag(_ key: String) -> Bool? {
                guard let n = c[key] else { return nil }
                guard let b = n.bool else { err(n, "`\(key)` is true or false"); return nil }
                return b
            }
            var label: Message?
            if let l = c["label"] {
                if let zh = l["zh"]?.string, let en = l["en"]?.string { label = Message(zh: zh, en: en) } else { err(l, "a label has `zh:` and `en:`") }
            }
            let aliases = items(c["aliases"]).compactMap(\.string)
            let spec = ColumnSpec(name: name.trimmingSpaces, aliases: aliases, type: type, additive: flag("additive") ?? false,
                                  inflates: flag("inflates") ?? false, weight: weight, exact: flag("exact"), label: label,
                                  origin: "\(file):\(c.mark?.line ?? 1)")
            do {
                try schema.declare(spec)
            } catch {
                err(c, error.message)
            }
        }
    }

    /// Loads a rule file from disk on top of `base`; throws the first error (all of them are in
    /// `veto rules lint`).
    public static func load(path: String, base: Schema = Schema()) throws -> RuleSet {
        let text = try readText(path)
        let (set, errors) = parse(text, file: path, base: base)
        if let e = errors.first { throw e }
        return set
    }

    /// A rule or standards file as text: at most ``maxBytes``, and never a device that does not
    /// end (`/dev/zero`, `/dev/urandom`): read by ``ByteFile/readAll(_:limit:)``, the one bounded
    /// whole-file reader.
    ///
    /// - Throws: ``RuleFileError`` naming the file: it cannot be read, is too large or not a
    ///   regular file, or is not UTF-8.
    public static func readText(_ path: String) throws(RuleFileError) -> String {
        var bytes: [UInt8]
        do {
            bytes = try ByteFile.readAll(path, limit: maxBytes)
        } catch {
            throw RuleFileError(file: path, line: 1, column: 1, message: "cannot read: \(error.reason)")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw RuleFileError(file: path, line: 1, column: 1, message: "the file is not UTF-8 text (a rule file is YAML in UTF-8)")
        }
        return s
    }

    static func yamlError(_ e: YamlError, file: String) -> RuleFileError {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return RuleFileError(file: file, line: mark.line, column: mark.column, message: "YAML: \(Safety.echo(problem))")
        default:
            return RuleFileError(file: file, line: 1, column: 1, message: "YAML: \(Safety.echo("\(e)"))")
        }
    }

    static let ruleKeys: Set<String> = ["id", "severity", "when", "assert", "note", "target", "tolerance", "levels",
                                         "inflates", "implied", "each", "message", "tags", "description", "example"]

    static func parseRule(_ node: Node, schema: Schema, file: String, errors: inout [RuleFileError]) -> [Rule] {
        func err(_ n: Node?, _ m: String) {
            errors.append(RuleFileError(file: file, line: n?.mark?.line ?? node.mark?.line ?? 1,
                                        column: n?.mark?.column ?? node.mark?.column ?? 1, message: m))
        }
        guard let mapping = node.mapping else {
            err(node, "a rule is a mapping with id, severity, assert and message")
            return []
        }
        for (k, _) in mapping where !ruleKeys.contains(k.string ?? "") {
            err(k, "unknown rule key `\(Safety.echo(k.string ?? ""))`\(suggest(k.string ?? "", ruleKeys))")
        }
        let m = Keyed(mapping)
        guard let id = m["id"]?.string, !id.isEmpty else {
            err(node, "a rule needs an `id`")
            return []
        }
        let assertNode = m["assert"], noteNode = m["note"]
        guard assertNode?.string != nil || noteNode?.string != nil else {
            err(node, "rule `\(Safety.echo(id))` needs `assert:` (the condition that must hold) or `note:` (a value to report)")
            return []
        }
        let sevText = m["severity"]?.string ?? (noteNode != nil && assertNode == nil ? "info" : "fail")
        guard let severity = Severity(name: sevText) else {
            err(m["severity"], "severity `\(Safety.echo(sevText))` is not one of info, review, fail, veto")
            return []
        }
        guard let msg = m["message"], let zh = msg["zh"]?.string, let en = msg["en"]?.string else {
            err(m["message"] ?? node, "rule `\(Safety.echo(id))` needs `message:` with `zh:` and `en:`")
            return []
        }
        var levels: Set<UnitCode.Level>?
        if let l = m["levels"] {
            var set = Set<UnitCode.Level>()
            for x in l.sequence ?? [l] {
                guard let s = x.string, let level = UnitCode.Level(rawValue: s) else {
                    err(x, "level `\(Safety.echo(x.string ?? ""))` is not province, city, county, township or village")
                    continue
                }
                set.insert(level)
            }
            levels = set
        }
        var tolerance: ExactDecimal?
        if let t = m["tolerance"] {
            if let s = t.string, case .number(let n) = NumberParser.parse(s, kind: .number), n.mantissa >= 0,
               Fixed.scaled(ExactDecimal(n)) != nil {
                tolerance = ExactDecimal(n)
            } else {
                err(t, "tolerance must be a number ≥ 0 with at most 12 decimals")
            }
        }
        let inflates = m["inflates"]?.bool ?? false
        let tags = items(m["tags"]).compactMap(\.string)
        let each: [String?] = m["each"].map { n in (n.sequence ?? [n]).map(\.string) } ?? [nil]

        var out: [Rule] = []
        for col in each {
            func sub(_ s: String) -> String {
                guard let col else { return s }
                return s.replacingAll("{col}", with: col)
            }
            var parser = ExprParser(schema: schema)
            let ruleID = sub(id)
            var ok = true
            func expr(_ n: Node?, _ text: String?, _ type: Expr.ValueType, _ what: String) -> Expr? {
                guard let n, let text else { return nil }
                do {
                    let e = try parser.parse(sub(text), as: type)
                    _ = try Compiler(schema: schema).compileCheck(e, rule: ruleID)
                    return e
                } catch let error as ExprError {
                    ok = false
                    let (line, column) = position(of: error.offset, in: n, text: sub(text))
                    errors.append(RuleFileError(file: file, line: line, column: column,
                                                message: "rule `\(ruleID)`, \(what): \(error.message)"))
                    return nil
                } catch {
                    ok = false
                    err(n, "rule `\(ruleID)`, \(what): \(error)")
                    return nil
                }
            }
            let assertExpr = expr(assertNode, assertNode?.string, .bool, "assert")
            let noteExpr = expr(noteNode, noteNode?.string, .number, "note")
            let whenExpr = expr(m["when"], m["when"]?.string, .bool, "when")
            let impliedExpr = expr(m["implied"], m["implied"]?.string, .number, "implied")
            var target: String?
            if let t = m["target"] {
                let name = sub(t.string ?? "")
                if let c = schema.column(name) {
                    target = c.name
                } else {
                    ok = false
                    err(t, "rule `\(ruleID)`: target `\(Safety.echo(name))` is not a column")
                }
            }
            guard ok, assertExpr != nil || noteExpr != nil else { continue }
            out.append(Rule(id: ruleID, severity: severity, when: whenExpr, assert: assertExpr, note: noteExpr, target: target,
                            tolerance: tolerance, levels: levels, inflates: inflates, implied: impliedExpr,
                            message: Message(zh: sub(zh), en: sub(en)), tags: tags, file: file,
                            line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                            assertText: sub(assertNode?.string ?? noteNode?.string ?? ""), whenText: m["when"]?.string.map(sub),
                            example: m["example"]?.string.map(sub)))
        }
        return out
    }

    /// The file position of a character offset inside a scalar.
    static func position(of offset: Int, in node: Node, text: String) -> (Int, Int) {
        let line = node.mark?.line ?? 1, column = node.mark?.column ?? 1
        guard case .scalar(let s) = node else { return (line, column) }
        switch s.style {
        case .plain: return (line, column + offset)
        case .singleQuoted, .doubleQuoted: return (line, column + 1 + offset)
        default:
            // Block scalars start on the next line; count lines inside the text.
            let before = String(String.UnicodeScalarView(text.unicodeScalars.prefix(offset)))   // offsets count scalars
            let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
            return (line + lines.count, (lines.last?.count ?? 0) + column + 2)
        }
    }

    static func suggest(_ s: String, _ options: Set<String>) -> String {
        guard let best = options.min(by: { ExprParser.editDistance($0, s) < ExprParser.editDistance($1, s) }),
              ExprParser.editDistance(best, s) <= 2 else { return "" }
        return "; did you mean `\(best)`?"
    }
}

extension StandardsTable {
    static func parseYAML(_ text: String, file path: String) throws -> StandardsTable {
        let parsed: Node?
        do {
            parsed = try Yams.compose(yaml: text, .basic)
        } catch let e as YamlError {
            throw RuleFile.yamlError(e, file: path)
        }
        guard let root = parsed else { return StandardsTable() }
        let list = root["standards"]?.sequence.map { Array($0) } ?? items(root)
        var out: [Standard] = []
        for s in list {
            var d: [String: String] = [:]
            for (k, v) in pairs(s) { d[k.string ?? ""] = v.string ?? "" }
            out.append(try StandardsTable.standard(d, file: path, line: s.mark?.line))
        }
        return StandardsTable(out)
    }
}

extension String {
    /// Every occurrence of `target` replaced, matched on UTF-8 bytes (a valid target matches only
    /// whole characters' bytes; no grapheme walking, which made this the pack's slowest step).
    func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.utf8)
        guard let first = t.first else { return self }
        let bytes = Array(utf8), n = bytes.count, m = t.count
        var out: [UInt8] = []
        var i = 0, copied = 0
        while i + m <= n {
            if bytes[i] == first && bytes[i..<i + m].elementsEqual(t) {
                if out.isEmpty { out.reserveCapacity(n) }
                out += bytes[copied..<i]
                out += replacement.utf8
                i += m
                copied = i
            } else {
                i += 1
            }
        }
        guard copied > 0 else { return self }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }
}

/// A mapping's values by key, looked up in a dictionary (the first of repeated keys, as Yams'
/// subscript gives): a rule's dozen lookups each scanned the mapping comparing nodes.
struct Keyed {
    private var values: [String: Node] = [:]
    init(_ mapping: Node.Mapping) {
        for (k, v) in mapping { if let key = k.string, values[key] == nil { values[key] = v } }
    }
    subscript(_ key: String) -> Node? { values[key] }
}

extension Substring {
    func range(of t: String) -> Range<Index>? {
        guard !t.isEmpty, count >= t.count else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(t) { return i..<index(i, offsetBy: t.count) }
            i = index(after: i)
        }
        return nil
    }
}

/// A node's items when it is a sequence, else none. (Not `node.sequence ?? []`: the literal
/// builds a `Node.Sequence` whose implicit tag instantiates Yams' default resolver, a dozen
/// ICU regular expressions compiled at every start.)
@inline(__always)
func items(_ node: Node?) -> [Node] {
    guard let s = node?.sequence else { return [] }
    return Array(s)
}

/// A node's key–value pairs when it is a mapping, else none (see `items`).
@inline(__always)
func pairs(_ node: Node?) -> [(key: Node, value: Node)] {
    guard let m = node?.mapping else { return [] }
    return m.map { ($0.key, $0.value) }
}
