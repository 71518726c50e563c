#!/usr/bin/env python3
"""Coefficients of the float log polynomial in include/xloss/simd/log.hpp.

log(1 + f) = f - f^2/2 + f^3 P(f) for f in [sqrt(1/2) - 1, sqrt(2) - 1]; P is
interpolated at Chebyshev nodes of that interval in 50-digit arithmetic
(near-minimax) and printed highest degree first, with the error of the whole
approximation relative to log(1 + f), in units of 2^-24 (float's half ulp at
1). Degree 7 is the shortest within budget: 0.34 (degree 6: 2.2, degree 8:
0.05).
Run: python3 tests/simd/fit_log.py
"""
import mpmath as mp

mp.mp.dps = 50
A = mp.sqrt(mp.mpf(1) / 2) - 1
B = mp.sqrt(2) - 1


def p_exact(f):
    if f == 0:
        return mp.mpf(1) / 3
    return (mp.log1p(f) - f + f * f / 2) / f ** 3


def fit(degree):
    nodes = [(A + B) / 2 + (B - A) / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / (degree + 1))
             for k in range(degree + 1)]
    # Solve the Vandermonde system in high precision: monomial coefficients.
    a = mp.matrix([[f ** j for j in range(degree + 1)] for f in nodes])
    c = mp.lu_solve(a, mp.matrix([p_exact(f) for f in nodes]))
    return [c[j] for j in reversed(range(degree + 1))]


for degree in (6, 7, 8):
    coeffs = fit(degree)
    err = max(abs(f - f * f / 2 + f ** 3 * sum(c * f ** (degree - i) for i, c in enumerate(coeffs))
                  - mp.log1p(f)) / abs(mp.log1p(f))
              for f in mp.linspace(A, B, 2001) if f != 0)
    print(f"degree {degree}: max relative error {mp.nstr(err / mp.mpf(2) ** -24, 3)} x 2^-24")
    print("  " + ", ".join(mp.nstr(c, 11) for c in coeffs))
