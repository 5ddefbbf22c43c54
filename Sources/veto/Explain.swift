import ArgumentParser
import Veto

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "What a rule or finding checks, with a worked example run through the checker.")

    @Argument(help: "A rule id (flow.reward) or finding id (csv-too-few-fields).") var id: String
    @OptionGroup var ruleOptions: RuleOptions
    @Option(help: ArgumentHelp("Language: zh or en.", valueName: "zh|en")) var lang: Language?

    func run() throws {
        let (set, standards) = try ruleOptions.load()
        guard let text = Explain.text(id, rules: set, standards: standards, lang: lang ?? currentLanguage()) else {
            let ids = set.rules.map(\.id) + Explain.inputFindings.map(\.id) + Explain.detectorFindings.map(\.id)
            throw ValidationError("no rule or finding `\(id)`\(suggest(id, ids)); `veto rules list` lists the rules")
        }
        FileHandleOut.stdout(text)
    }
}
