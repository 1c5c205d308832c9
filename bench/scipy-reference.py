#!/usr/bin/env python3
"""scipy's L-BFGS-B (memory 10, stop at max|g| <= 1e-5, ftol off) on exactly the problems of
bench/second-order.bench.mjs, for the reference columns of bench/RESULTS.md (section 4).
Not part of the package or of npm test; needs numpy and scipy.

    node bench/second-order.bench.mjs --export /tmp/so-data
    python3 bench/scipy-reference.py /tmp/so-data
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize


def rosen2(x):
    a, b = x[1] - x[0] ** 2, 1 - x[0]
    return 100 * a * a + b * b, np.array([-400 * x[0] * a - 2 * b, 200 * a])


def beale(v):
    x, y = v
    t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y ** 3
    g = [2 * (t1 * (y - 1) + t2 * (y * y - 1) + t3 * (y ** 3 - 1)), 2 * (t1 * x + t2 * 2 * x * y + t3 * 3 * x * y * y)]
    return t1 * t1 + t2 * t2 + t3 * t3, np.array(g)


def ext_rosen(x):
    u, w = x[0::2], x[1::2]
    a, b = w - u * u, 1 - u
    g = np.empty_like(x)
    g[0::2] = -400 * u * a - 2 * b
    g[1::2] = 200 * a
    return float(np.sum(100 * a * a + b * b)), g


def logistic(X, y, lam):
    m = X.shape[0]

    def fg(w):
        margin = y * (X @ w)
        f = np.sum(np.logaddexp(0, -margin)) / m + 0.5 * lam * (w @ w)
        c = -y / (1 + np.exp(margin)) / m
        return f, X.T @ c + lam * w
    return fg


def quadratic(lam):
    return lambda x: (0.5 * float(np.sum(lam * x * x)), lam * x)


def main(folder):
    index = json.load(open(f"{folder}/index.json"))
    print("| problem | iterations | evaluations | final loss | max abs g | time s | status |")
    print("|---|---|---|---|---|---|---|")
    for p in index:
        name, n = p["name"], p["n"]
        data = {k: np.fromfile(f"{folder}/{f}", dtype="<f8") for k, f in p["files"].items()}
        if name.startswith("Rosenbrock"):
            fg, x0 = rosen2, np.array([-1.2, 1.0])
        elif name.startswith("Beale"):
            fg, x0 = beale, np.array([1.0, 1.0])
        elif name.startswith("extended"):
            fg, x0 = ext_rosen, np.tile([-1.2, 1.0], n // 2)
        elif name.startswith("logistic"):
            X = data["X"].reshape(-1, n)
            fg, x0 = logistic(X, data["y"], p["lambda"]), np.zeros(n)
        else:
            fg, x0 = quadratic(data["lam"]), np.ones(n)
        t = time.perf_counter()
        r = minimize(fg, x0, jac=True, method="L-BFGS-B",
                     options={"maxcor": 10, "gtol": 1e-5, "ftol": 0, "maxiter": 100000, "maxfun": 100000})
        t = time.perf_counter() - t
        g = fg(r.x)[1]
        print(f"| {name} | {r.nit} | {r.nfev} | {r.fun:.3g} | {np.max(np.abs(g)):.3g} | {t:.2f} | {r.message} |")


if __name__ == "__main__":
    main(sys.argv[1])
