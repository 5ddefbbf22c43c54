/// What can be wrong with the bytes of a CSV input, below the level of figures.
///
/// Each case has a stable kebab-case id (it appears in JSON, SARIF and in
/// `veto explain`), so renaming one is a breaking change.
public enum CSVProblem: String, Sendable, CaseIterable, Codable {
    /// A record has fewer fields than the header. `column` is the first missing field.
    case tooFewFields = "csv-too-few-fields"
    /// A record has more fields than the header. `column` is the first extra field.
    case tooManyFields = "csv-too-many-fields"
    /// A quote opened and never closed. `line`/`column` point where it opened.
    case unterminatedQuote = "csv-unterminated-quote"
    /// A quote inside an unquoted field, or text right after a closing quote.
    case strayQuote = "csv-stray-quote"
    /// A NUL byte (0x00) inside a field: CSV written by a broken exporter.
    case nulByte = "csv-nul-byte"
    /// A field longer than the size cap; its content is not kept.
    case fieldTooLarge = "csv-field-too-large"
    /// A record with more fields than the per-record cap; the rest are counted, not kept.
    case tooManyFieldsToKeep = "csv-record-too-wide"
    /// The input holds no bytes (or only a byte-order mark / blank lines).
    case emptyFile = "csv-empty-file"
    /// The input holds a header and no record.
    case headerOnly = "csv-header-only"
    /// Bytes that are not valid in the input's encoding (replaced by U+FFFD, never dropped).
    case invalidEncoding = "encoding-invalid-bytes"
}

/// A structural problem of a CSV input, located. Lines and columns are 1-based:
/// `line` is the physical line of the file (the header is line 1, blank lines
/// and line breaks inside quoted fields count); `column` is the 1-based field number.
public struct CSVFinding: Sendable, Equatable, CustomStringConvertible {
    public var problem: CSVProblem
    public var line: Int?
    public var column: Int?
    /// Plain-English detail: counts, the bytes involved, what the reader did about it.
    public var detail: String
    /// The same detail in Chinese (nil: the finding's Chinese heading says it all).
    public var detailZh: String?

    public init(_ problem: CSVProblem, line: Int?, column: Int?, detail: String, zh: String? = nil) {
        self.problem = problem
        self.line = line
        self.column = column
        self.detail = detail
        self.detailZh = zh
    }

    public var description: String {
        let where_ = [line.map { "line \($0)" }, column.map { "column \($0)" }].compactMap { $0 }.joined(separator: ", ")
        return "\(problem.rawValue) (\(where_.isEmpty ? "whole input" : where_)): \(detail)"
    }
}
