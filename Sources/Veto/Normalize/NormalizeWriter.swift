/// Writes report rows as canonical CSV: UTF-8, canonical header names, money in yuan as
/// exact decimals, counts as integers, rates in percent, "not reported" as an empty cell,
/// one physical line per record (`veto normalize`).
///
/// Every figure keeps its reported precision (SPEC.md "Precision-aware comparison"), so
/// that `veto check` of the output gives the verdicts of its source, and normalizing the
/// output again gives the same bytes:
/// - a figure precise to the yuan or finer is written in yuan with its written decimals
///   (`29.1360万` → `291360`, `1.50元` → `1.50`; a count `12.0` → `12`, exact either way);
/// - a figure coarser than one unit keeps the unit that says so: `53.38万` (±50 yuan) is
///   written `53.38万`, `1.2亿` stays `1.2亿`, not `533800` (which would claim ±0.5 yuan);
/// - a zero is `0` (a reported zero is exact in any unit).
public final class NormalizeWriter {
    public struct Options: Sendable {
        /// Start with a UTF-8 byte-order mark (what Excel needs to open UTF-8 CSV).
        public var bom = false
        /// Append `source_file` and `source_line` so every figure can be traced to its origin.
        public var source = false
        /// Escape text cells a spreadsheet would run as a formula (``Safety/spreadsheet(_:)``):
        /// names, unknown columns, unreadable codes and periods, header names, the source file.
        /// Figures are numbers and are never escaped.
        public var spreadsheetSafe = false
        public init(bom: Bool = false, source: Bool = false, spreadsheetSafe: Bool = false) {
            self.bom = bom
            self.source = source
            self.spreadsheetSafe = spreadsheetSafe
        }
    }

    private let options: Options
    private let write: (String) -> Void
    private var fields: [Field] = []
    private var extras: [String] = []
    private var buffer = ""

    public init(options: Options = Options(), write: @escaping (String) -> Void) {
        self.options = options
        self.write = write
    }

    /// Fixes the columns from an input's header bindings and writes the header line.
    public func header(_ columns: [ColumnBinding]) {
        fields = columns.compactMap(\.field).sorted()
        extras = columns.filter { $0.field == nil }.map(\.raw)
        var names = fields.map(\.rawValue) + extras.map(text)
        if options.source { names += ["source_file", "source_line"] }
        if options.bom { buffer += "\u{FEFF}" }
        buffer += names.map(Self.quote).joined(separator: ",") + "\n"
    }

    /// Writes one row. Unreadable cells are written empty (each has its finding); an
    /// unreadable code or period is written as it stood, so the row keeps its identity.
    public func row(_ row: Row, file: String) {
        var cells: [String] = []
        cells.reserveCapacity(fields.count + extras.count + 2)
        for f in fields {
            switch f.kind {
            case .period: cells.append(row.period?.description ?? text(row.periodText ?? ""))
            case .code: cells.append(row.unitCode?.code ?? text(row.unitCodeText ?? ""))
            case .text: cells.append(text(row.unitName ?? ""))
            case .number(let kind): cells.append(Self.format(row[f], kind: kind))
            }
        }
        var byName: [String: String] = [:]
        for (n, v) in row.extras where byName[n] == nil { byName[n] = v }
        for e in extras { cells.append(text(byName[e] ?? "")) }
        if options.source { cells += [text(file), String(row.line)] }
        buffer += cells.map(Self.quote).joined(separator: ",") + "\n"
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        write(buffer)
        buffer = ""
    }

    /// A text cell as written, escaped for a spreadsheet when asked.
    private func text(_ s: String) -> String {
        options.spreadsheetSafe ? Safety.spreadsheet(s) : s
    }

    /// A figure in canonical form, at its reported precision (see the type's documentation).
    public static func format(_ cell: CellValue?, kind: ColumnKind) -> String {
        guard case .number(let n)? = cell else { return "" }
        switch kind {
        case .rate:
            return n.description
        case .count, .money, .number:
            if n.isZero { return n.exponent < 0 && kind == .money ? n.description : "0" }
            if n.exponent <= 0 { return kind == .count ? (n.integerString ?? n.description) : n.description }
            // Coarser than one unit: keep the unit that carries the precision.
            if n.exponent <= 4 { return ReportedNumber(mantissa: n.mantissa, exponent: n.exponent - 4).description + "万" }
            if n.exponent <= 8 { return ReportedNumber(mantissa: n.mantissa, exponent: n.exponent - 8).description + "亿" }
            // The reader's units stop at 亿 (10^8), so no figure it gives is coarser.
            return ReportedNumber(mantissa: n.mantissa, exponent: n.exponent - 8).description + "亿"
        }
    }

    /// RFC 4180 quoting: only when the cell holds a comma, quote, CR or LF.
    static func quote(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        var r = "\""
        for ch in s.unicodeScalars {
            if ch == "\"" { r += "\"\"" } else { r.unicodeScalars.append(ch) }
        }
        return r + "\""
    }
}
