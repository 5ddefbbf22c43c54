/// How serious a finding is. A unit-period's verdict is the highest severity among its findings.
public enum Severity: Int, Sendable, Comparable, CaseIterable, Codable, CustomStringConvertible {
    /// Worth knowing; never changes a verdict.
    case info
    /// Unusual, worth a look.
    case review
    /// Figures that cannot all be true, or input that cannot be read as written.
    case fail
    /// Evidence strong enough for the one-vote-veto review (a screening result, not a judgement).
    case veto

    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }

    public var name: String { ["info", "review", "fail", "veto"][rawValue] }
    public var description: String { name }

    public init?(name: String) {
        guard let s = Severity.allCases.first(where: { $0.name == name }) else { return nil }
        self = s
    }
}

/// A unit-period's verdict: `pass` or the highest severity that counts.
public enum Verdict: String, Sendable, Comparable, CaseIterable {
    case pass, review, fail, veto

    public init(_ s: Severity?) {
        switch s {
        case nil, .info?: self = .pass
        case .review?: self = .review
        case .fail?: self = .fail
        case .veto?: self = .veto
        }
    }

    var rank: Int { Verdict.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

/// A message in both languages the toolkit speaks.
public struct Message: Sendable, Equatable {
    public var zh: String
    public var en: String
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
    public func text(_ lang: Language) -> String { lang == .zh ? zh : en }
}

public enum Language: String, Sendable, CaseIterable {
    case zh, en
}

/// One edit to one figure that would make its row's rules hold exactly.
public struct TypoHypothesis: Sendable, Equatable {
    public var field: String
    public var kind: String      // "swap", "wan-yuan", "dropped-digit", "doubled-digit", "sign"
    public var corrected: String
}

/// Where another finding is: what a consequence names as its cause and a cause lists as its
/// consequences.
public struct FindingRef: Sendable, Equatable {
    /// How a consequence follows from its cause.
    public enum Relation: String, Sendable {
        /// A parent's `X = sum(children.X)` broken by a child's figure.
        case sum
        /// A period link (`prev.`) broken by the previous period's figure.
        case link
        /// Another rule of the same row broken by the same figure (the same likely-wrong fields).
        case sameRow = "same-row"
    }
    public var id: String
    public var unitCode: String?
    public var period: String?
    public var file: String
    public var line: Int?
    public var column: Int?
    /// For a consequence: how it follows from the cause (nil on a cause's own reference).
    public var relation: Relation?

    public init(id: String, unitCode: String?, period: String?, file: String, line: Int?, column: Int?, relation: Relation? = nil) {
        self.id = id
        self.unitCode = unitCode
        self.period = period
        self.file = file
        self.line = line
        self.column = column
        self.relation = relation
    }
}

/// Something veto found: a broken rule, a detector's signal, or input it could not read as
/// written. Findings are data with a stable id; the message is rendered from them.
public struct Finding: Sendable, Equatable {
    public enum Kind: String, Sendable { case rule, detector, input }

    public var id: String
    public var kind: Kind
    public var severity: Severity
    public var file: String
    /// Physical line of the CSV file (1 = header); nil for a finding about a whole input or column.
    public var line: Int?
    /// 1-based field number.
    public var column: Int?
    public var unitCode: String?
    public var period: String?
    /// Canonical names (or raw header names) of the figures involved.
    public var fields: [String]
    public var expected: String?
    public var actual: String?
    public var likelyWrong: [String]?
    public var typo: TypoHypothesis?
    public var pValue: Double?
    public var message: Message
    /// For a note folded over many rows: how many (the location is the first's).
    public var count: Int?
    /// The finding this one follows from (its root cause), when it is a consequence (``Causes``).
    public var causedBy: FindingRef? {
        get { causes.first }
        set {
            if let c = newValue { causes = [c] + alsoCausedBy } else { causes = [] }
        }
    }
    /// Where several children's figures together break a parent's sum: the other root causes.
    public var alsoCausedBy: [FindingRef] {
        get { Array(causes.dropFirst()) }
        set { causes = causes.prefix(1) + newValue }
    }
    /// The root causes, `causedBy` first (kept as one array: a finding that is no consequence
    /// pays one pointer for it, not a reference's worth of strings).
    var causes: [FindingRef] = []
    /// For a cause: the findings that follow from it, at most ``Causes/listLimit`` of them
    /// (county → township → village, then period); `consequenceCount` counts them all.
    public var consequences: [FindingRef] = []
    public var consequenceCount = 0
    /// For a digit test (last digit, Benford): the digits counted against what the test expects,
    /// for the charts of the HTML report.
    public var digits: DigitDistribution?
    /// The order the run found it in (ties in the report's order).
    var sequence = 0

    public init(id: String, kind: Kind, severity: Severity, file: String, line: Int? = nil, column: Int? = nil,
                unitCode: String? = nil, period: String? = nil, fields: [String] = [],
                expected: String? = nil, actual: String? = nil, likelyWrong: [String]? = nil,
                typo: TypoHypothesis? = nil, pValue: Double? = nil, message: Message) {
        self.id = id
        self.kind = kind
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.unitCode = unitCode
        self.period = period
        self.fields = fields
        self.expected = expected
        self.actual = actual
        self.likelyWrong = likelyWrong
        self.typo = typo
        self.pValue = pValue
        self.message = message
    }
}

/// Digits counted against their expected shares (a digit test's evidence, drawn by the HTML
/// report against Benford's curve or the uniform 10 %).
public struct DigitDistribution: Sendable, Equatable {
    public var test: String
    public var labels: [Int]
    public var counts: [Int]
    /// Expected proportions per label.
    public var expected: [Double]
    public var total: Int { counts.reduce(0, +) }
}
