/// A rule: an assertion over the figures of a row (and its children and previous period),
/// written as data in a rule file.
public struct Rule: Sendable {
    public var id: String
    public var severity: Severity
    /// The rule applies only where this holds (absent: everywhere).
    public var when: Expr?
    /// The condition that must hold (nil for a note rule, which reports `note`'s value).
    public var assert: Expr?
    /// A note: an `info` finding that reports this value where `when` holds (aggregated per rule).
    public var note: Expr?
    /// The figure a finding points at; by default the single column on one side of the assertion.
    public var target: String?
    /// Extra slack allowed on equalities, in the target's unit (precision already applies).
    public var tolerance: ExactDecimal?
    /// Unit levels the rule applies to (absent: all).
    public var levels: Set<UnitCode.Level>?
    /// A failure that raises money or beneficiaries, unexplained by a typo, is put at `veto`.
    public var inflates: Bool
    /// A per-person amount reported when the rule cannot be checked for want of a standard.
    public var implied: Expr?
    public var message: Message
    public var tags: [String]
    /// Where the rule was written (rule file, 1-based line and column).
    public var file: String
    public var line: Int
    public var column: Int

    /// The text of the assertion as written (for `veto rules show` and `explain`).
    public var assertText: String
    public var whenText: String?
    /// A small CSV on which the rule fails, for `veto explain` (and tested to fail there).
    public var example: String?
}

/// A located error in a rule file: `file:line:column: message`.
public struct RuleFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "\(file):\(line):\(column): \(message)" }

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }
}

/// A parsed rule file: its schema (the columns it declares, on top of its base), rules,
/// inline standards.
public struct RuleSet: Sendable {
    public var rules: [Rule]
    public var standards: StandardsTable
    public var name: String
    public var description: String
    public var schema: Schema

    public init(rules: [Rule], standards: StandardsTable = StandardsTable(), name: String = "", description: String = "",
                schema: Schema = Schema()) {
        self.rules = rules
        self.standards = standards
        self.name = name
        self.description = description
        self.schema = schema
    }

    public func rule(_ id: String) -> Rule? { rules.first { $0.id == id } }
}
