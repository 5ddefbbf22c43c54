/// Exact Swift ports of `reference/generators.py`: a 32-bit LCG and integer arithmetic only, so
/// they reproduce the Python outputs bit for bit (FORENSICS.md §7.1).
struct LCG32: Sendable {
    private var state: UInt32

    init(seed: UInt32) { state = seed }

    /// s = s·1664525 + 1013904223 (mod 2³²), advanced before each use.
    mutating func next() -> UInt32 {
        state = state &* 1_664_525 &+ 1_013_904_223
        return state
    }
}

enum Generators {
    /// Benford-like: geometric growth x += x/97, folded into [100000, 999999].
    static func geometric(count n: Int = 5000, start x0: Int = 123_456) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(n)
        var x = x0
        for _ in 0..<n {
            out.append(x)
            x += x / 97
            if x >= 1_000_000 { x /= 10 }
        }
        return out
    }

    /// Uniform 6-digit integers 100000 + (s >> 8) % 900000.
    static func uniform(count n: Int = 5000, seed: UInt32 = 20_240_601) -> [Int] {
        var g = LCG32(seed: seed)
        return (0..<n).map { _ in 100_000 + Int((g.next() >> 8) % 900_000) }
    }

    /// Counts 50…449; a quarter rounded down to a multiple of 5.
    static func heaped(count n: Int = 1000, seed: UInt32 = 7) -> [Int] {
        var g = LCG32(seed: seed)
        return (0..<n).map { _ in
            var v = 50 + Int((g.next() >> 16) % 400)
            if g.next() >> 30 == 0 { v -= v % 5 }
            return v
        }
    }

    /// Compliance (successes k, trials n); with `manipulate`, half the units truly in [87 %, 90 %)
    /// report ⌈0.9n⌉.
    static func rates(units: Int = 600, seed: UInt32 = 2024, manipulate: Bool) -> [(successes: Int, trials: Int)] {
        var g = LCG32(seed: seed)
        return (0..<units).map { _ in
            let n = 200 + Int((g.next() >> 16) % 800)
            let r = 80_000 + Int((g.next() >> 8) % 18_000)
            var k = r * n / 100_000
            let flip = g.next() >> 31 == 1
            if manipulate && flip && 87 * n <= 100 * k && 100 * k < 90 * n {
                k = (90 * n + 99) / 100
            }
            return (k, n)
        }
    }
}
