import ArgumentParser
import Veto
import VetoCSV
#if canImport(Glibc)
import Glibc
#endif

/// Which rules a command uses: a built-in pack, plus a rule file, plus a standards table.
struct RuleOptions: ParsableArguments {
    @Option(help: "Built-in rule pack, or 'none'.")
    var pack: String = "family-welfare"

    @Option(help: "A rule file (YAML) whose rules are added to the pack's.")
    var rules: String?

    @Option(help: "A standards table (CSV or YAML) whose standards are added to the pack's examples.")
    var standards: String?

    /// The pack's rule set (empty with `--pack none`).
    func base() throws -> RuleSet {
        pack == "none" ? RuleSet(rules: []) : try Packs.load(pack)
    }

    /// Loads everything; a rule-file or standards error is a usage error (exit 2). A rule file's
    /// columns are declared on top of the pack's; its rules are added to the pack's.
    func load() throws -> (RuleSet, StandardsTable) {
        var set = RuleSet(rules: [])
        var standards = StandardsTable()
        do {
            set = try base()
            if pack != "none" { standards = StandardsTable.examples }
            if let path = rules {
                let user = try RuleFile.load(path: path, base: set.schema)
                let ids = Set(set.rules.map(\.id))
                if let clash = user.rules.first(where: { ids.contains($0.id) }) {
                    throw RuleFileError(file: path, line: clash.line, column: clash.column,
                                        message: "rule id `\(clash.id)` is already in pack \(pack); choose another id or use --pack none")
                }
                set.rules += user.rules
                set.standards.standards += user.standards.standards
                set.schema = user.schema
            }
            if let path = self.standards {
                standards.standards += try StandardsTable.load(path: path, programmes: set.schema.programmes).standards
            }
        } catch let e as RuleFileError {
            throw ValidationError(e.description)
        } catch let e as StandardsError {
            throw ValidationError(e.description)
        } catch {
            throw ValidationError("\(error)")
        }
        return (set, standards)
    }
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List, show or lint rules.",
        subcommands: [List.self, Show.self, Lint.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the rules: id, severity, tags, what each checks.")
        @OptionGroup var ruleOptions: RuleOptions
        @Option(help: ArgumentHelp("Language: zh or en.", valueName: "zh|en")) var lang: Language?

        func run() throws {
            let (set, _) = try ruleOptions.load()
            let l = lang ?? currentLanguage()
            var out = ""
            let width = set.rules.map(\.id.count).max() ?? 10
            for r in set.rules {
                out += r.id.padding(toLength: width) + "  " + r.severity.name.padding(toLength: 6) + "  "
                    + "[\(r.tags.joined(separator: ","))]".padding(toLength: 12) + "  " + r.message.text(l) + "\n"
            }
            out += "\(set.rules.count) rules\n"
            FileHandleOut.stdout(Safety.terminal(out, keepNewlines: true))   // a user rule file's text, made safe
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the pack as YAML, or one rule in full.")
        @OptionGroup var ruleOptions: RuleOptions
        @Argument(help: "A rule id (default: the whole pack).") var id: String?

        func run() throws {
            guard let id else {
                guard let text = Packs.text(ruleOptions.pack) else { throw ValidationError("no pack `\(ruleOptions.pack)`") }
                FileHandleOut.stdout(text + "\n")
                return
            }
            let (set, _) = try ruleOptions.load()
            guard let r = set.rule(id) else {
                throw ValidationError("no rule `\(id)`\(suggest(id, set.rules.map(\.id)))")
            }
            FileHandleOut.stdout(Safety.terminal(describe(r), keepNewlines: true))
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check a rule file: syntax, unknown columns and functions, types; rules that contradict each other or can never fail.",
            discussion: "Exit 0 when the file is valid (warnings are printed), 2 when it has errors.")
        @Argument(help: "The rule file.") var file: String
        @Option(help: "The pack whose columns the file builds on, or 'none'.") var pack: String = "family-welfare"

        func run() throws {
            let text: String
            do { text = try RuleFile.readText(file) } catch { throw ValidationError(error.description) }
            let base = pack == "none" ? Schema() : ((try? Packs.load(pack))?.schema ?? Schema())
            let (set, errors) = RuleFile.parse(text, file: file, base: base)
            var out = ""
            for e in errors { out += "\(e.description)\n" }
            let report = RuleLint.check(set)
            for p in report.contradictions {
                out += "\(file):\(p.line):\(p.column): error: \(p.message)\n"
            }
            for w in report.warnings {
                out += "\(file):\(w.line):\(w.column): warning: \(w.message)\n"
            }
            let nErrors = errors.count + report.contradictions.count
            out += "\(set.rules.count) rules, \(nErrors) error\(nErrors == 1 ? "" : "s"), \(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s")\n"
            // Errors quote the file's text: controls in a binary or hostile file are made visible.
            out = Safety.terminal(out, keepNewlines: true)
            if nErrors > 0 {
                FileHandleOut.stderr(out)
                throw ExitCode(2)
            }
            FileHandleOut.stdout(out)
        }
    }
}

func describe(_ r: Rule) -> String {
    var s = "\(r.id)  (\(r.severity.name))  \(r.file):\(r.line)\n"
    s += "  \(r.message.en)\n  \(r.message.zh)\n"
    if let w = r.whenText { s += "  when:   \(w)\n" }
    s += "  assert: \(r.assertText)\n"
    if let t = r.target { s += "  target: \(t)\n" }
    if let l = r.levels { s += "  levels: \(l.map(\.rawValue).sorted().joined(separator: ", "))\n" }
    if r.inflates { s += "  inflates: an unexplained failure that raises money or beneficiaries is `veto`\n" }
    if !r.tags.isEmpty { s += "  tags:   \(r.tags.joined(separator: ", "))\n" }
    return s
}

func suggest(_ s: String, _ options: [String]) -> String {
    let close = options.filter { $0.hasPrefix(s) || s.hasPrefix($0) || $0.contains(s) }.prefix(5)
    return close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"
}

func currentLanguage() -> Language {
    let env = getenv("LC_ALL").map { String(cString: $0) } ?? getenv("LANG").map { String(cString: $0) } ?? ""
    return env.hasPrefix("zh") ? .zh : .en
}


extension String {
    func padding(toLength n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
