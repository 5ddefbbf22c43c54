#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution.
///
/// The CDF comes from the C library's `erfc`, accurate to a few ulps in relative terms in both
/// tails; the quantile is Acklam's rational approximation polished by two Halley steps against
/// that CDF, so it is accurate to about 1e-15 relative.
public enum Normal {
    /// φ(z), the density.
    public static func density(_ z: Double) -> Double {
        exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
    }

    /// Φ(z) = P(Z ≤ z).
    public static func cdf(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// 1 − Φ(z) = P(Z ≥ z), computed directly (no cancellation for large z).
    public static func survival(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }

    /// Φ⁻¹(p): the z with Φ(z) = p. 0 < p < 1; `-∞`/`+∞` at 0/1, `.nan` outside.
    ///
    /// For p near 1 prefer `upperQuantile(1 − p)` when 1 − p is known exactly: `p` itself
    /// cannot resolve it.
    /// - Complexity: O(1).
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p > 0.5 { return -lowerQuantile(1 - p) }
        return lowerQuantile(p)
    }

    /// The z with P(Z ≥ z) = q, i.e. Φ⁻¹(1 − q) without forming 1 − q (Stouffer's Z of a p-value).
    public static func upperQuantile(_ q: Double) -> Double {
        if q.isNaN || q < 0 || q > 1 { return .nan }
        if q == 0 { return .infinity }
        if q == 1 { return -.infinity }
        if q > 0.5 { return lowerQuantile(1 - q) }
        return -lowerQuantile(q)
    }

    /// Φ⁻¹(p) for 0 < p ≤ ½ (a z ≤ 0).
    private static func lowerQuantile(_ p: Double) -> Double {
        var x = acklam(p)
        // Halley steps on f(x) = Φ(x) − p, with Φ from erfc (accurate in the lower tail).
        for _ in 0..<2 {
            let e = cdf(x) - p
            let u = e * (2 * Double.pi).squareRoot() * exp(0.5 * x * x)
            x -= u / (1 + 0.5 * x * u)
        }
        return x
    }

    /// Acklam's approximation to Φ⁻¹(p), p ≤ ½ (relative error below 1.2e-9).
    private static func acklam(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                 3.754408661907416e+00]
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            let num = ((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]
            let den = (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
            return num / den
        }
        let q = p - 0.5
        let r = q * q
        let num = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        let den = ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
        return num / den
    }
}
