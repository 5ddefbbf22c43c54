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
    /// Parses a rule file, collecting every error (for `veto rules lint`).
    public static func parse(_ text: String, file: String) -> (RuleSet, [RuleFileError]) {
        var errors: [RuleFileError] = []
        let root: Node
        do {
            guard let n = try Yams.compose(yaml: text) else {
                return (RuleSet(rules: []), [RuleFileError(file: file, line: 1, column: 1, message: "the rule file is empty")])
            }
            root = n
        } catch let e as YamlError {
            return (RuleSet(rules: []), [yamlError(e, file: file)])
        } catch {
            return (RuleSet(rules: []), [RuleFileError(file: file, line: 1, column: 1, message: "\(error)")])
        }
        func err(_ node: Node?, _ m: String) {
            errors.append(RuleFileError(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: m))
        }
        guard let top = root.mapping else {
            err(root, "a rule file is a mapping with `rules:`")
            return (RuleSet(rules: []), errors)
        }
        for (k, _) in top where !["version", "name", "description", "columns", "rules", "standards"].contains(k.string ?? "") {
            err(k, "unknown key `\(k.string ?? "")`; a rule file has version, name, description, columns, standards, rules")
        }
        if let v = top["version"], v.int != 1 { err(v, "only version 1 exists") }

        var extras: [String: ColumnKind] = [:]
        if let cols = top["columns"] {
            for c in cols.sequence ?? [] {
                guard let name = c["name"]?.string, let kindText = c["kind"]?.string else {
                    err(c, "a column needs `name` and `kind` (count, money or rate)")
                    continue
                }
                let kind: ColumnKind? = switch kindText { case "count": .count; case "money": .money; case "rate": .rate; default: nil }
                guard let kind else { err(c["kind"], "kind `\(kindText)` is not count, money or rate"); continue }
                extras[name] = kind
            }
        }

        var standards: [Standard] = []
        if let st = top["standards"] {
            for (i, s) in (st.sequence ?? []).enumerated() {
                var d: [String: String] = [:]
                for (k, v) in s.mapping ?? [:] { d[k.string ?? ""] = v.string ?? "" }
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
            err(top["rules"] ?? root, "`rules:` must be a list of rules")
            return (RuleSet(rules: [], standards: StandardsTable(standards)), errors)
        }
        for node in list {
            for rule in parseRule(node, extras: extras, file: file, errors: &errors) {
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
                        description: top["description"]?.string ?? ""), errors)
    }

    /// Loads a rule file from disk; throws the first error (all of them are in `veto rules lint`).
    public static func load(path: String) throws -> RuleSet {
        let text: String
        do {
            text = try readText(path)
        } catch {
            throw RuleFileError(file: path, line: 1, column: 1, message: "cannot read: \(error)")
        }
        let (set, errors) = parse(text, file: path)
        if let e = errors.first { throw e }
        return set
    }

    static func readText(_ path: String) throws -> String {
        var bytes: [UInt8] = []
        try ByteFile.read(path) { bytes.append(contentsOf: $0) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func yamlError(_ e: YamlError, file: String) -> RuleFileError {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return RuleFileError(file: file, line: mark.line, column: mark.column, message: "YAML: \(problem)")
        default:
            return RuleFileError(file: file, line: 1, column: 1, message: "YAML: \(e)")
        }
    }

    static let ruleKeys: Set<String> = ["id", "severity", "when", "assert", "target", "tolerance", "levels",
                                         "inflates", "implied", "each", "message", "tags", "description", "example"]

    static func parseRule(_ node: Node, extras: [String: ColumnKind], file: String, errors: inout [RuleFileError]) -> [Rule] {
        func err(_ n: Node?, _ m: String) {
            errors.append(RuleFileError(file: file, line: n?.mark?.line ?? node.mark?.line ?? 1,
                                        column: n?.mark?.column ?? node.mark?.column ?? 1, message: m))
        }
        guard let m = node.mapping else {
            err(node, "a rule is a mapping with id, severity, assert and message")
            return []
        }
        for (k, _) in m where !ruleKeys.contains(k.string ?? "") {
            err(k, "unknown rule key `\(k.string ?? "")`\(suggest(k.string ?? "", ruleKeys))")
        }
        guard let id = m["id"]?.string, !id.isEmpty else {
            err(node, "a rule needs an `id`")
            return []
        }
        guard let assertNode = m["assert"], let assertText = assertNode.string else {
            err(node, "rule `\(id)` needs `assert:` (the condition that must hold)")
            return []
        }
        let sevText = m["severity"]?.string ?? "fail"
        guard let severity = Severity(name: sevText) else {
            err(m["severity"], "severity `\(sevText)` is not one of info, review, fail, veto")
            return []
        }
        guard let msg = m["message"], let zh = msg["zh"]?.string, let en = msg["en"]?.string else {
            err(m["message"] ?? node, "rule `\(id)` needs `message:` with `zh:` and `en:`")
            return []
        }
        var levels: Set<UnitCode.Level>?
        if let l = m["levels"] {
            var set = Set<UnitCode.Level>()
            for x in l.sequence ?? [l] {
                guard let s = x.string, let level = UnitCode.Level(rawValue: s) else {
                    err(x, "level `\(x.string ?? "")` is not province, city, county, township or village")
                    continue
                }
                set.insert(level)
            }
            levels = set
        }
        var tolerance: ExactDecimal?
        if let t = m["tolerance"] {
            if let s = t.string, case .number(let n) = NumberParser.parse(s, kind: .money), n.mantissa >= 0 {
                tolerance = ExactDecimal(n)
            } else {
                err(t, "tolerance must be a number ≥ 0")
            }
        }
        let inflates = m["inflates"]?.bool ?? false
        let tags = (m["tags"]?.sequence ?? []).compactMap(\.string)
        let each: [String?] = m["each"].map { n in (n.sequence ?? [n]).map(\.string) } ?? [nil]

        var out: [Rule] = []
        for col in each {
            func sub(_ s: String) -> String {
                guard let col else { return s }
                return s.replacingAll("{col}", with: col)
            }
            var parser = ExprParser(extras: extras)
            let ruleID = sub(id)
            var ok = true
            func expr(_ n: Node?, _ text: String?, _ type: Expr.ValueType, _ what: String) -> Expr? {
                guard let n, let text else { return nil }
                do {
                    return try parser.parse(sub(text), as: type)
                } catch {
                    ok = false
                    let (line, column) = position(of: error.offset, in: n, text: sub(text))
                    errors.append(RuleFileError(file: file, line: line, column: column,
                                                message: "rule `\(ruleID)`, \(what): \(error.message)"))
                    return nil
                }
            }
            let assertExpr = expr(assertNode, assertText, .bool, "assert")
            let whenExpr = expr(m["when"], m["when"]?.string, .bool, "when")
            let impliedExpr = expr(m["implied"], m["implied"]?.string, .number, "implied")
            var target: Field?
            if let t = m["target"] {
                let name = sub(t.string ?? "")
                if let f = HeaderMatcher.lookup[HeaderMatcher.normalize(name).name] {
                    target = f
                } else {
                    ok = false
                    err(t, "rule `\(ruleID)`: target `\(name)` is not a column")
                }
            }
            guard ok, let assertExpr else { continue }
            out.append(Rule(id: ruleID, severity: severity, when: whenExpr, assert: assertExpr, target: target,
                            tolerance: tolerance, levels: levels, inflates: inflates, implied: impliedExpr,
                            message: Message(zh: sub(zh), en: sub(en)), tags: tags, file: file,
                            line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                            assertText: sub(assertText), whenText: m["when"]?.string.map(sub),
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
            let before = text.prefix(offset)
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
    static func loadYAML(path: String) throws -> StandardsTable {
        let text = try RuleFile.readText(path)
        guard let root = try Yams.compose(yaml: text) else { return StandardsTable() }
        let list = root["standards"]?.sequence ?? root.sequence ?? []
        var out: [Standard] = []
        for s in list {
            var d: [String: String] = [:]
            for (k, v) in s.mapping ?? [:] { d[k.string ?? ""] = v.string ?? "" }
            out.append(try StandardsTable.standard(d, file: path, line: s.mark?.line))
        }
        return StandardsTable(out)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
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
