#!/usr/bin/env python3
"""Coefficients of the small-|x| tanh polynomial in include/xloss/simd/tanh.hpp.

tanh(x) = x + x^3 g(x^2) for |x| < 0.55; g is interpolated at Chebyshev nodes
of [0, 0.55^2] in 60-digit arithmetic (near-minimax: g's nearest singularity,
s = -(pi/2)^2, is far from the interval) and printed highest degree first.
Run: python3 tests/simd/fit_tanh.py
"""
import mpmath as mp

mp.mp.dps = 60
S_MAX = mp.mpf('0.55') ** 2


def g(s):
    if s == 0:
        return mp.mpf(-1) / 3
    x = mp.sqrt(s)
    return (mp.tanh(x) - x) / (x ** 3)


def fit(degree):
    nodes = [S_MAX / 2 * (1 + mp.cos(mp.pi * (k + mp.mpf(1) / 2) / (degree + 1)))
             for k in range(degree + 1)]
    # Solve the Vandermonde system in high precision: monomial coefficients.
    a = mp.matrix([[s ** j for j in range(degree + 1)] for s in nodes])
    c = mp.lu_solve(a, mp.matrix([g(s) for s in nodes]))
    return [c[j] for j in reversed(range(degree + 1))]


for name, degree in (("float", 5), ("double", 10)):
    coeffs = fit(degree)
    err = max(abs(sum(c * s ** (degree - i) for i, c in enumerate(coeffs)) - g(s)) / abs(g(s))
              for s in mp.linspace(0, S_MAX, 2000))
    print(f"{name}: degree {degree} in x^2, max relative error of g {mp.nstr(err, 3)}")
    print("  " + ", ".join(mp.nstr(c, 20 if name == "double" else 10) for c in coeffs))
