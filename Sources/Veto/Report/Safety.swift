/// Small pure helpers that make text taken from inputs safe to show (issue 8 items 15–17).
///
/// A cell, a header or a file name is data: written raw to a terminal it can clear the
/// screen (`ESC[2J`), write the clipboard (OSC 52) or hide a link (OSC 8); written raw into
/// CSV meant for a spreadsheet it can be run as a formula; echoed whole into a message, a
/// 1 MiB cell makes every message 1 MiB. Reporters pass input-derived text through these.
public enum Safety {
    /// Text for a terminal or standard error, with every control character made visible.
    ///
    /// Replaced by a visible escape: C0 controls (U+0000–U+001F, ESC included) except tab
    /// and, when `keepNewlines`, line feed; DEL (U+007F); C1 controls (U+0080–U+009F, which
    /// some terminals read as CSI/OSC); and the bidirectional overrides, embeddings and
    /// isolates (U+202A–U+202E, U+2066–U+2069) that can make text display in another order
    /// than it is stored. ESC becomes `\e`, other controls `\xHH` or `\u{HHHH}`.
    ///
    /// - Complexity: O(n); returns `s` itself when nothing needs replacing.
    public static func terminal(_ s: String, keepNewlines: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: { needsEscape($0, keepNewlines: keepNewlines) }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard needsEscape(u, keepNewlines: keepNewlines) else {
                out.append(u)
                continue
            }
            let visible: String
            if u.value == 0x1B {
                visible = "\\e"
            } else if u.value < 0x100 {
                visible = "\\x" + hex(u.value, width: 2)
            } else {
                visible = "\\u{" + hex(u.value, width: 4) + "}"
            }
            out.append(contentsOf: visible.unicodeScalars)
        }
        return String(out)
    }

    /// Whether `u` is shown as an escape by ``terminal(_:keepNewlines:)``.
    public static func needsEscape(_ u: Unicode.Scalar, keepNewlines: Bool = false) -> Bool {
        switch u.value {
        case 0x09: return false
        case 0x0A: return !keepNewlines
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// A text cell for CSV that a spreadsheet will open (OWASP "CSV injection"): a cell that
    /// starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, which makes a
    /// spreadsheet show it as text instead of running it as a formula (`=HYPERLINK(…)`,
    /// `@SUM(…)`, `-2+3+cmd|…`).
    ///
    /// A plain signed decimal (`-5`, `+3.25`, `-0.5`) is left as it is: a spreadsheet reads it
    /// as that number, never as a formula. Use this for text cells only; figures written by
    /// veto are numbers already.
    public static func spreadsheet(_ s: String) -> String {
        guard let first = s.utf8.first else { return s }
        switch first {
        case 0x3D, 0x40, 0x09, 0x0D: return "'" + s                        // = @ tab CR
        case 0x2B, 0x2D: return isPlainSignedDecimal(s) ? s : "'" + s      // + -
        default: return s
        }
    }

    /// `[+-]digits[.digits]`, ASCII only.
    static func isPlainSignedDecimal(_ s: String) -> Bool {
        var digits = 0, points = 0, afterPoint = 0
        for (i, b) in s.utf8.enumerated() {
            if i == 0 && (b == 0x2B || b == 0x2D) { continue }
            if b == 0x2E {
                points += 1
                if points > 1 || digits == 0 { return false }
            } else if b &- 0x30 < 10 {
                digits += 1
                if points == 1 { afterPoint += 1 }
            } else {
                return false
            }
        }
        return digits > 0 && (points == 0 || afterPoint > 0)
    }

    /// A value echoed into a message, bounded: at most `limit` characters as they are, and
    /// for a longer value its first `limit` characters then `…(N bytes)`, N the value's
    /// UTF-8 length. A 1 MiB unit code echoes as 80 characters and its size.
    ///
    /// - Complexity: O(limit), plus O(1) for the length (UTF-8 count of a native string).
    public static func echo(_ s: String, limit: Int = 80) -> String {
        let limit = max(limit, 0)
        let bytes = s.utf8.count
        if bytes <= limit { return s }   // never more characters than bytes
        var end = s.startIndex
        var n = 0
        while n < limit, end < s.endIndex {
            end = s.index(after: end)
            n += 1
        }
        if end == s.endIndex { return s }
        return String(s[..<end]) + "…(\(bytes) bytes)"
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(width - digits.count, 0)) + digits
    }
}
