// libLBFGS (memory 10, Moré–Thuente, its defaults otherwise) on exactly the problems of
// bench/second-order.bench.mjs, stopping at max|g| <= 1e-5, for the reference columns of
// bench/RESULTS.md (section 4). Not part of the package or of npm test.
//
//   apt-get install liblbfgs-dev
//   cc -O2 -o /tmp/liblbfgs-reference bench/liblbfgs-reference.c -llbfgs -lm
//   node bench/second-order.bench.mjs --export /tmp/so-data
//   /tmp/liblbfgs-reference /tmp/so-data
#include <lbfgs.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  int kind; // 0 rosen2, 1 beale, 2 extended rosenbrock, 3 logistic, 4 quadratic
  int n, m;
  double *X, *y, *lam, lambda, *margin;
  long evals;
} problem;

static double *load(const char *dir, const char *file, long count) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(1); }
  double *a = malloc(sizeof(double) * count);
  if (fread(a, sizeof(double), count, f) != (size_t)count) { fprintf(stderr, "short %s\n", path); exit(1); }
  fclose(f);
  return a;
}

static lbfgsfloatval_t evaluate(void *inst, const lbfgsfloatval_t *x, lbfgsfloatval_t *g, const int n, const lbfgsfloatval_t step) {
  problem *p = inst;
  (void)step;
  p->evals++;
  double f = 0;
  if (p->kind == 0 || p->kind == 2) {
    for (int i = 0; i < n; i += 2) {
      double u = x[i], a = x[i + 1] - u * u, b = 1 - u;
      g[i] = -400 * u * a - 2 * b;
      g[i + 1] = 200 * a;
      f += 100 * a * a + b * b;
    }
  } else if (p->kind == 1) {
    double X = x[0], Y = x[1];
    double t1 = 1.5 - X + X * Y, t2 = 2.25 - X + X * Y * Y, t3 = 2.625 - X + X * Y * Y * Y;
    g[0] = 2 * (t1 * (Y - 1) + t2 * (Y * Y - 1) + t3 * (Y * Y * Y - 1));
    g[1] = 2 * (t1 * X + t2 * 2 * X * Y + t3 * 3 * X * Y * Y);
    f = t1 * t1 + t2 * t2 + t3 * t3;
  } else if (p->kind == 3) {
    int m = p->m;
    for (int j = 0; j < n; j++) g[j] = p->lambda * x[j];
    for (int i = 0; i < m; i++) {
      double z = 0;
      for (int j = 0; j < n; j++) z += p->X[(long)i * n + j] * x[j];
      double mg = p->y[i] * z, t = -mg;
      f += t > 0 ? t + log1p(exp(-t)) : log1p(exp(t));
      double c = (-p->y[i] / (1 + exp(mg))) / m;
      for (int j = 0; j < n; j++) g[j] += c * p->X[(long)i * n + j];
    }
    double ww = 0;
    for (int j = 0; j < n; j++) ww += x[j] * x[j];
    f = f / m + 0.5 * p->lambda * ww;
  } else {
    for (int i = 0; i < n; i++) {
      g[i] = p->lam[i] * x[i];
      f += g[i] * x[i];
    }
    f *= 0.5;
  }
  return f;
}

static int progress(void *inst, const lbfgsfloatval_t *x, const lbfgsfloatval_t *g, const lbfgsfloatval_t fx, const lbfgsfloatval_t xnorm,
                    const lbfgsfloatval_t gnorm, const lbfgsfloatval_t step, int n, int k, int ls) {
  (void)inst; (void)x; (void)fx; (void)xnorm; (void)gnorm; (void)step; (void)k; (void)ls;
  double m = 0;
  for (int i = 0; i < n; i++) m = fmax(m, fabs(g[i]));
  return m <= 1e-5 ? 1 : 0; // stop: converged in the inf-norm
}

static int iterations;
static int count_progress(void *inst, const lbfgsfloatval_t *x, const lbfgsfloatval_t *g, const lbfgsfloatval_t fx, const lbfgsfloatval_t xnorm,
                          const lbfgsfloatval_t gnorm, const lbfgsfloatval_t step, int n, int k, int ls) {
  iterations = k;
  return progress(inst, x, g, fx, xnorm, gnorm, step, n, k, ls);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]); return 2; }
  const char *dir = argv[1];
  // the problems, in the order of the bench (sizes are fixed here; data from the export)
  struct { const char *name; int kind, n, m; const char *X, *y, *lam; double lambda; } list[] = {
    {"Rosenbrock 2-D", 0, 2, 0, 0, 0, 0, 0},
    {"Beale", 1, 2, 0, 0, 0, 0, 0},
    {"extended Rosenbrock n=100", 2, 100, 0, 0, 0, 0, 0},
    {"extended Rosenbrock n=10000", 2, 10000, 0, 0, 0, 0, 0},
    {"extended Rosenbrock n=1000000", 2, 1000000, 0, 0, 0, 0, 0},
    {"logistic regression 10000 x 100", 3, 100, 10000, "logistic_regression_10000_x_100_X.f64", "logistic_regression_10000_x_100_y.f64", 0, 1e-4},
    {"logistic regression 10000 x 1000", 3, 1000, 10000, "logistic_regression_10000_x_1000_X.f64", "logistic_regression_10000_x_1000_y.f64", 0, 1e-4},
    {"quadratic n=100000, eigenvalues 1..10000", 4, 100000, 0, 0, 0, "quadratic_n_100000_eigenvalues_1_10000_lam.f64", 0},
  };
  printf("| problem | iterations | evaluations | final loss | status |\n|---|---|---|---|---|\n");
  for (unsigned k = 0; k < sizeof list / sizeof list[0]; k++) {
    problem p = {list[k].kind, list[k].n, list[k].m, 0, 0, 0, list[k].lambda, 0, 0};
    if (p.kind == 3) {
      p.X = load(dir, list[k].X, (long)p.m * p.n);
      p.y = load(dir, list[k].y, p.m);
    }
    if (p.kind == 4) p.lam = load(dir, list[k].lam, p.n);
    lbfgsfloatval_t *x = lbfgs_malloc(p.n), fx = 0;
    for (int i = 0; i < p.n; i++) {
      if (p.kind <= 2) x[i] = p.kind == 1 ? 1.0 : (i % 2 ? 1.0 : -1.2);
      else x[i] = p.kind == 4 ? 1.0 : 0.0;
    }
    lbfgs_parameter_t param;
    lbfgs_parameter_init(&param);
    param.m = 10;
    param.epsilon = 0; // convergence is decided by the progress callback (inf-norm)
    param.max_iterations = 100000;
    iterations = 0;
    int ret = lbfgs(p.n, x, &fx, evaluate, count_progress, &p, &param);
    printf("| %s | %d | %ld | %.3g | %d%s |\n", list[k].name, iterations, p.evals, fx, ret, ret == 1 ? " (converged: max|g| <= 1e-5)" : " (libLBFGS status)");
    fflush(stdout);
    lbfgs_free(x);
    free(p.X); free(p.y); free(p.lam);
  }
  return 0;
}
