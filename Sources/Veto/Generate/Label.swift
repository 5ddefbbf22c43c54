/// One changed cell of a planted county, as written to `labels.csv`.
///
/// Every cell whose written value differs from the genuine county's has at least one label;
/// a cell two cases both changed has one per case. `role` says why it changed:
/// - `planted`: the figure the pattern falsifies (all of a copied, frozen or invented row; for
///   township patterns the township's own row too, since it reports its villages' figures);
/// - `carried`: changed in the same row because the pattern drags it along (money with a
///   count, a rate with its counts);
/// - `sum`: a township or county total that includes the change.
/// Each case has at least one `planted` line; a detector finds a case when it reports at the
/// unit and period of one of the case's `planted` lines.
public struct PlantedLabel: Sendable, Equatable {
    public enum Role: String, Sendable { case planted, carried, sum }

    public var file: String
    /// Physical line of the file (1 = header).
    public var line: Int
    public var unitCode: String
    public var period: String
    public var pattern: Pattern
    public var field: Field
    /// Unique in a run: `<county code>-<n>`.
    public var caseID: String
    public var role: Role
    /// The genuine value before planting (yuan for money, people for counts; empty when not reported).
    public var original: String

    public static let header = ["file", "line", "unit_code", "period", "pattern", "field", "case", "role", "deserves", "original"]

    /// The CSV line (no line end); no field needs quoting.
    public var csvLine: String {
        [file, String(line), unitCode, period, pattern.rawValue, field.rawValue, caseID, role.rawValue,
         pattern.deserves.name, original].joined(separator: ",")
    }
}
