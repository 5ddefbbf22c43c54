/// Why a test was not run: its preconditions failed. A detector reports this, never a p-value
/// of 1 in its place (FORENSICS.md §5).
public struct NotApplicable: Error, Sendable, Hashable, CustomStringConvertible {
    /// The precondition that failed.
    public enum Reason: Sendable, Hashable {
        /// Fewer values than the test needs (`needed` is the minimum).
        case tooFewValues(have: Int, needed: Int)
        /// The values span fewer orders of magnitude than the test needs.
        case narrowRange(ordersOfMagnitude: Double, needed: Double)
        /// No value at all qualified (e.g. all below the minimum magnitude).
        case noQualifyingValues
        /// No variation to test (all expected counts zero, a zero mean, p̂ of 0 or 1, …).
        case degenerate(String)
        /// An input outside the test's domain (a negative count, k > n, a p-value outside [0, 1]).
        case invalidInput(String)
    }

    public let reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    /// A plain-words "not applicable because …" message.
    public var description: String {
        switch reason {
        case let .tooFewValues(have, needed):
            return "not applicable because there are \(have) values and the test needs at least \(needed)"
        case let .narrowRange(orders, needed):
            return "not applicable because the values span \(Self.twoDecimals(orders)) orders of magnitude and the test needs \(Self.twoDecimals(needed))"
        case .noQualifyingValues:
            return "not applicable because no value qualifies for the test"
        case let .degenerate(why):
            return "not applicable because \(why)"
        case let .invalidInput(why):
            return "not applicable because of invalid input: \(why)"
        }
    }

    /// x with two decimals ("0.99", "2.00"), without Foundation.
    static func twoDecimals(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let hundredths = Int((abs(x) * 100).rounded())
        let fraction = hundredths % 100
        return "\(x < 0 && hundredths > 0 ? "-" : "")\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// The outcome of a test that has preconditions: either its result or why it did not apply.
public enum Applicability<Value: Sendable>: Sendable {
    case applicable(Value)
    case notApplicable(NotApplicable)

    /// The result, or nil when the test did not apply.
    public var value: Value? {
        if case let .applicable(v) = self { return v }
        return nil
    }

    /// Why the test did not apply, or nil when it did.
    public var notApplicable: NotApplicable? {
        if case let .notApplicable(n) = self { return n }
        return nil
    }

    /// The result, or a thrown `NotApplicable`.
    public func get() throws(NotApplicable) -> Value {
        switch self {
        case let .applicable(v): return v
        case let .notApplicable(n): throw n
        }
    }

    /// Transforms an applicable result.
    public func map<T>(_ transform: (Value) -> T) -> Applicability<T> {
        switch self {
        case let .applicable(v): return .applicable(transform(v))
        case let .notApplicable(n): return .notApplicable(n)
        }
    }
}

extension Applicability: Equatable where Value: Equatable {}
extension Applicability: Hashable where Value: Hashable {}
