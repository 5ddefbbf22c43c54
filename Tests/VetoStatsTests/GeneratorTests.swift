import Testing

// FORENSICS.md §7.1's check values of the four integer generators of reference/generators.py.

@Test func geometricGeneratorMatchesPython() {
    let x = Generators.geometric()
    #expect(x.count == 5000)
    #expect(x.reduce(0, +) == 1_940_863_520)
    #expect(x.min() == 100_009)
    #expect(x.max() == 999_554)
    #expect(Array(x.prefix(5)) == [123_456, 124_728, 126_013, 127_312, 128_624])
    #expect(x[999] == 347_174)
}

@Test func uniformGeneratorMatchesPython() {
    let x = Generators.uniform()
    #expect(x.reduce(0, +) == 2_718_459_400)
    #expect(Array(x.prefix(3)) == [893_804, 650_924, 273_543])
    #expect(x[999] == 804_066)
}

@Test func heapedGeneratorMatchesPython() {
    let x = Generators.heaped()
    #expect(x.count == 1000)
    #expect(x.reduce(0, +) == 250_844)
    #expect(Array(x.prefix(5)) == [98, 190, 83, 105, 157])
}

@Test(arguments: [(false, 325_593), (true, 326_068)])
func ratesGeneratorMatchesPython(manipulate: Bool, sumK: Int) {
    let rows = Generators.rates(manipulate: manipulate)
    #expect(rows.count == 600)
    #expect(rows.reduce(0) { $0 + $1.trials } == 365_876)
    #expect(rows.reduce(0) { $0 + $1.successes } == sumK)
}
