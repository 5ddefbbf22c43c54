import Testing
@testable import Veto

@Suite struct SafetyHelpers {
    @Test(arguments: [
        ("\u{1B}[2J", "\\e[2J"),
        ("\u{1B}]52;c;ZXZpbA==\u{07}", "\\e]52;c;ZXZpbA==\\x07"),
        ("\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\", "\\e]8;;http://x\\e\\link\\e]8;;\\e\\"),
        ("a\u{9B}31m", "a\\x9B31m"),
        ("\u{202E}gnp.exe", "\\u{202E}gnp.exe"),
        ("\u{2066}x\u{2069}", "\\u{2066}x\\u{2069}"),
        ("a\rb\u{0}c\u{7F}", "a\\x0Db\\x00c\\x7F"),
        ("a\tb", "a\tb"),
        ("某县（整改报告）", "某县（整改报告）"),
        ("line\nbreak", "line\\x0Abreak"),
    ])
    func terminalControlsAreShownAsEscapes(input: String, expected: String) {
        #expect(Safety.terminal(input) == expected)
        #expect(!Safety.terminal(input).unicodeScalars.contains { Safety.needsEscape($0) })
    }

    @Test func newlinesKeptWhenAsked() {
        #expect(Safety.terminal("a\nb\u{1B}", keepNewlines: true) == "a\nb\\e")
    }

    @Test(arguments: [
        ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-5", "-5"),
        ("+3.25", "+3.25"),
        ("-0.5", "-0.5"),
        ("-", "'-"),
        ("-.5", "'-.5"),
        ("某县", "某县"),
        ("", ""),
        ("a=b", "a=b"),
    ])
    func spreadsheetFormulasAreEscaped(input: String, expected: String) {
        #expect(Safety.spreadsheet(input) == expected)
    }

    @Test func echoIsBounded() {
        #expect(Safety.echo("623021000000") == "623021000000")
        let huge = String(repeating: "6", count: 1 << 20)
        let e = Safety.echo(huge)
        #expect(e == String(repeating: "6", count: 80) + "…(1048576 bytes)")
        let cjk = String(repeating: "县", count: 100)
        #expect(Safety.echo(cjk, limit: 80) == String(repeating: "县", count: 80) + "…(300 bytes)")
        #expect(Safety.echo(String(repeating: "县", count: 80), limit: 80) == String(repeating: "县", count: 80))
        #expect(Safety.echo("abc", limit: 0) == "…(3 bytes)")
    }
}

/// Items 15 and 17: cells with terminal escapes, and huge cells, through `veto check`'s text report.
@Test func terminalEscapesInCellsNeverReachTheTextReport() {
    let evil = "\u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{07}\u{202E}"
    let text = "period,unit_code,unit_name,births\n2020,623021000000,某县\(evil),12\(evil)\n2020,\(evil),乡,1\n"
    let c = Checker(options: CheckOptions())
    c.add(bytes: Array(text.utf8), name: "t\(evil).csv")
    let r = c.finish()
    for lang in [Language.en, .zh] {
        let out = TextReport.render(r, lang: lang, style: .init(color: false))
        #expect(!out.unicodeScalars.contains { Safety.needsEscape($0, keepNewlines: true) }, "\(lang)")
        #expect(out.contains("\\e[2J"))
    }
    // With colour on, the only escapes are veto's own SGR sequences.
    let coloured = TextReport.render(r, lang: .en, style: .init(color: true))
    #expect(!coloured.contains("\u{1B}[2J") && !coloured.contains("\u{1B}]") && !coloured.contains("\u{202E}"))
}

@Test func hugeCellsAreEchoedBoundedInTheTextReport() {
    let huge = String(repeating: "名", count: 200_000)
    let text = "period,unit_code,unit_name,births\n2020,623021000000,\(huge),1\n"
    let c = Checker(options: CheckOptions())
    c.add(bytes: Array(text.utf8), name: "t.csv")
    let out = TextReport.render(c.finish(), lang: .en, style: .init(color: false))
    #expect(out.utf8.count < 10_000)
}
