import Foundation

/// Exact binomial tails in log space, so p-values as small as 1e-300 and below keep their digits.
enum BinomialTail {
    /// ln P[X ≥ k] for X ~ Binomial(n, p).
    static func logUpper(_ k: Int, _ n: Int, _ p: Double) -> Double {
        if k <= 0 { return 0 }
        if k > n { return -.infinity }
        // P[X ≥ k] = I_p(k, n − k + 1), the regularized incomplete beta function.
        return logRegularizedBeta(p, Double(k), Double(n - k + 1))
    }

    /// ln I_x(a, b), from the continued fraction where it converges fast and the complement elsewhere.
    static func logRegularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return -.infinity }
        if x >= 1 { return 0 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return logFront + log(continuedFraction(x, a, b)) - log(a)
        }
        // I_x(a, b) = 1 − I_{1−x}(b, a); here the result is not tiny, so the subtraction loses nothing that matters.
        let complement = exp(logFront + log(continuedFraction(1 - x, b, a)) - log(b))
        return log1p(-min(complement, 1))
    }

    /// The incomplete beta function's continued fraction, evaluated with the modified Lentz method.
    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...10_000 {
            let m = Double(m)
            // Even step: m(b − m)x / ((a + 2m − 1)(a + 2m)).
            var term = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            // Odd step: −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
            term = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            result *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return result
    }
}
