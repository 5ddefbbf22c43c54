/// Output safety: what a cell or rule file may put in front of a person.
public enum Safety {
    /// At most `limit` characters of `s`, then how long it was: huge cells are never echoed whole.
    public static func echo(_ s: String, limit: Int = 80) -> String {
        var out = ""
        var n = 0
        for ch in s.unicodeScalars {
            if n == limit { return out + "…(\(s.utf8.count) bytes)" }
            // Control characters (terminal escapes) are shown, not sent.
            if ch.value < 0x20 || ch.value == 0x7F || (0x80...0x9F).contains(ch.value) {
                out += "\\u{\(String(ch.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(ch)
            }
            n += 1
        }
        return out
    }
}
