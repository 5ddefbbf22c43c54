#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a sample quantile is interpolated.
public enum QuantileDefinition: String, Sendable, Hashable {
    /// Linear interpolation between order statistics, h = (n − 1)p (R type 7, NumPy's default,
    /// used by R univOutl's `HBmethod`).
    case linear
    /// SAS PCTLDEF=5 (SAS's default, the one Banff's SAS heritage suggests): the order statistic
    /// ⌈np⌉, or the mean of the two neighbours when np is whole.
    case empiricalAveraged

    /// The p-quantile of sorted values (non-empty).
    func quantile(sorted x: [Double], _ p: Double) -> Double {
        let n = x.count
        switch self {
        case .linear:
            let h = Double(n - 1) * p
            let lo = Int(h.rounded(.down))
            let hi = min(lo + 1, n - 1)
            return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
        case .empiricalAveraged:
            let np = Double(n) * p
            let j = Int(np.rounded(.down))
            if np == Double(j) {
                if j == 0 { return x[0] }
                return (x[j - 1] + x[min(j, n - 1)]) / 2
            }
            return x[min(j, n - 1)]
        }
    }
}

/// The Hidiroglou–Berthelot (1986) outlier method for period-to-period ratios, with Statistics
/// Canada Banff's defaults (`banff.outlier`, method HISTORIC: `exponent` U = 0, `mdm` A = 0.05,
/// `min_obs` 3, side BOTH; the multipliers `mii`/`mei` have no default).
///
/// For pairs (previous xᵢ, current yᵢ), both > 0 (Banff drops zeros and negatives when there is
/// historical data): rᵢ = yᵢ/xᵢ, r_M their median; centred sᵢ = 1 − r_M/rᵢ if rᵢ < r_M,
/// rᵢ/r_M − 1 otherwise; effect Eᵢ = sᵢ·max(xᵢ, yᵢ)^U. With the quartiles E_Q1, E_M, E_Q3:
/// d_Q1 = max(E_M − E_Q1, |A·E_M|), d_Q3 = max(E_Q3 − E_M, |A·E_M|), and the acceptance
/// interval for multiplier C is [E_M − C·d_Q1, E_M + C·d_Q3].
///
/// Banff's own caveat holds: with fewer than about 10 pairs the quartiles are unstable (a stable
/// small group flags a +4 % move); `Result.isSmallGroup` says so and the detector adds floors.
public enum HidiroglouBerthelot {
    /// The method's parameters.
    public struct Parameters: Sendable, Hashable {
        /// C for the imputation interval (Banff `mii`): outside it a value is an error.
        public var imputationMultiplier: Double?
        /// C for the exclusion interval (Banff `mei`): outside it a value is unusual.
        public var exclusionMultiplier: Double?
        /// U in [0, 1] (Banff `exponent`, default 0: ratios alone; univOutl's default is 0.5).
        public var exponent: Double
        /// A (Banff `mdm`, default 0.05).
        public var minimumDistanceMultiplier: Double
        /// The least number of usable pairs (Banff `min_obs`, default 3).
        public var minimumObservations: Int
        /// How quartiles are taken.
        public var quantiles: QuantileDefinition

        /// Banff's defaults with the given multipliers (at least one is needed).
        public init(imputationMultiplier: Double? = nil, exclusionMultiplier: Double? = nil, exponent: Double = 0,
                    minimumDistanceMultiplier: Double = 0.05, minimumObservations: Int = 3,
                    quantiles: QuantileDefinition = .linear) {
            self.imputationMultiplier = imputationMultiplier
            self.exclusionMultiplier = exclusionMultiplier
            self.exponent = exponent
            self.minimumDistanceMultiplier = minimumDistanceMultiplier
            self.minimumObservations = minimumObservations
            self.quantiles = quantiles
        }
    }

    /// Where an effect falls.
    public enum Status: String, Sendable, Hashable {
        /// Inside every interval given.
        case accepted
        /// Outside the exclusion interval but inside the imputation interval (Banff FTE).
        case exclude
        /// Outside the imputation interval (Banff FTI).
        case impute
    }

    /// One pair's figures.
    public struct Effect: Sendable, Hashable {
        /// The pair's index in the input.
        public let index: Int
        public let previous: Double
        public let current: Double
        /// current/previous.
        public let ratio: Double
        /// The centred ratio sᵢ.
        public let centred: Double
        /// Eᵢ = sᵢ·max(previous, current)^U.
        public let effect: Double
        public let status: Status
        /// Whether it lies to the left (a fall) or right (a rise) of E_M.
        public var isRise: Bool { centred > 0 }
    }

    /// The method's outcome.
    public struct Result: Sendable, Hashable {
        public let medianRatio: Double
        /// E_Q1, E_M, E_Q3.
        public let quartiles: [Double]
        /// d_Q1 and d_Q3.
        public let lowerDistance: Double
        public let upperDistance: Double
        /// [E_M − C·d_Q1, E_M + C·d_Q3] for the imputation multiplier, if given.
        public let imputationInterval: ClosedRange<Double>?
        /// … for the exclusion multiplier, if given.
        public let exclusionInterval: ClosedRange<Double>?
        /// One per usable pair, in input order.
        public let effects: [Effect]
        /// Indices of pairs left out (a value ≤ 0 or not finite).
        public let excluded: [Int]
        /// Fewer than 10 usable pairs (Banff: use with caution).
        public var isSmallGroup: Bool { effects.count < 10 }
        /// The effects outside some interval.
        public var outliers: [Effect] { effects.filter { $0.status != .accepted } }
    }

    /// Applies the method; not applicable with no multiplier, fewer usable pairs than
    /// `minimumObservations`, or an exponent outside [0, 1].
    /// - Complexity: O(n log n).
    public static func detect(pairs: [(previous: Double, current: Double)],
                              parameters: Parameters) -> Applicability<Result> {
        guard parameters.imputationMultiplier != nil || parameters.exclusionMultiplier != nil else {
            return .notApplicable(NotApplicable(.invalidInput("give an imputation or an exclusion multiplier (Banff has no default)")))
        }
        guard parameters.exponent >= 0, parameters.exponent <= 1 else {
            return .notApplicable(NotApplicable(.invalidInput("exponent \(parameters.exponent) outside [0, 1]")))
        }
        var usable: [(Int, Double, Double)] = []
        var excluded: [Int] = []
        for (i, pair) in pairs.enumerated() {
            if pair.previous > 0, pair.current > 0, pair.previous.isFinite, pair.current.isFinite {
                usable.append((i, pair.previous, pair.current))
            } else {
                excluded.append(i)
            }
        }
        let needed = max(parameters.minimumObservations, 1)
        guard usable.count >= needed else {
            return .notApplicable(NotApplicable(.tooFewValues(have: usable.count, needed: needed)))
        }
        let q = parameters.quantiles
        let ratios = usable.map { $0.2 / $0.1 }
        let rm = q.quantile(sorted: ratios.sorted(), 0.5)
        let centred = ratios.map { r in r < rm ? 1 - rm / r : r / rm - 1 }
        // U = 0 (Banff's default) makes the size factor 1: no pow per pair.
        let effects = parameters.exponent == 0 ? centred : zip(usable, centred).map { u, s in s * pow(max(u.1, u.2), parameters.exponent) }
        let sorted = effects.sorted()
        let e1 = q.quantile(sorted: sorted, 0.25), em = q.quantile(sorted: sorted, 0.5), e3 = q.quantile(sorted: sorted, 0.75)
        let floor = abs(parameters.minimumDistanceMultiplier * em)
        let d1 = max(em - e1, floor), d3 = max(e3 - em, floor)
        func interval(_ c: Double?) -> ClosedRange<Double>? {
            guard let c else { return nil }
            let lo = em - c * d1, hi = em + c * d3
            return lo <= hi ? lo...hi : nil
        }
        let imputation = interval(parameters.imputationMultiplier)
        let exclusion = interval(parameters.exclusionMultiplier)
        var out: [Effect] = []
        out.reserveCapacity(usable.count)
        for (j, u) in usable.enumerated() {
            let e = effects[j]
            let status: Status
            if let imp = imputation, !imp.contains(e) {
                status = .impute
            } else if let exc = exclusion, !exc.contains(e) {
                status = .exclude
            } else {
                status = .accepted
            }
            out.append(Effect(index: u.0, previous: u.1, current: u.2, ratio: ratios[j], centred: centred[j],
                              effect: e, status: status))
        }
        return .applicable(Result(medianRatio: rm, quartiles: [e1, em, e3], lowerDistance: d1, upperDistance: d3,
                                  imputationInterval: imputation, exclusionInterval: exclusion,
                                  effects: out, excluded: excluded))
    }
}
