/// Writes report rows as canonical CSV: UTF-8, canonical header names, money in yuan as
/// exact decimals, counts as integers, rates in percent, "not reported" as an empty cell,
/// one physical line per record (`veto normalize`).
public final class NormalizeWriter {
    public struct Options: Sendable {
        /// Start with a UTF-8 byte-order mark (what Excel needs to open UTF-8 CSV).
        public var bom = false
        /// Append `source_file` and `source_line` so every figure can be traced to its origin.
        public var source = false
        public init(bom: Bool = false, source: Bool = false) {
            self.bom = bom
            self.source = source
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
        var names = fields.map(\.rawValue) + extras
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
            case .period: cells.append(row.period?.description ?? row.periodText ?? "")
            case .code: cells.append(row.unitCode?.code ?? row.unitCodeText ?? "")
            case .text: cells.append(row.unitName ?? "")
            case .number(let kind): cells.append(Self.format(row[f], kind: kind))
            }
        }
        var byName: [String: String] = [:]
        for (n, v) in row.extras where byName[n] == nil { byName[n] = v }
        for e in extras { cells.append(byName[e] ?? "") }
        if options.source { cells += [file, String(row.line)] }
        buffer += cells.map(Self.quote).joined(separator: ",") + "\n"
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        write(buffer)
        buffer = ""
    }

    static func format(_ cell: CellValue?, kind: ColumnKind) -> String {
        guard case .number(let n)? = cell else { return "" }
        switch kind {
        case .count: return n.integerString ?? ExactDecimal(n).description
        case .money, .number: return ExactDecimal(n).description
        case .rate: return n.description
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
