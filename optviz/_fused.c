/* Fused trajectory kernels: a registry surface's gradient and an optimizer's update in one loop.
 *
 * numpy runs one pass over the (2, K) arrays per operation (~21 for Rosenbrock + Adam) and pays
 * ~0.4 us per call; here each start's gradient and update happen in registers, one read of the
 * previous point and one write of the next per step. Built by `make` (see the Makefile) and by
 * `pip install` (setup.py), loaded by optviz/fused.py with ctypes; without it the numpy loops run.
 *
 * Neither the optimizers' updates nor the surfaces' gradients are written here: _fused_rules.h is
 * generated from their rules (optviz/optimizers.py) and from the gradient functions in
 * optviz/surfaces.py by optviz/codegen.py, which writes each expression as C in the order numpy
 * evaluates it. Bit-identical to the pure update rules and the gradients in surfaces.py: compiled with -ffp-contract=off (no fused multiply-add) and without -ffast-math;
 * + - * / and sqrt are correctly rounded IEEE operations in both, and powers of numbers call the
 * same libm pow that Python's float ** calls. Surfaces with sin, cos or exp are not here: numpy's
 * SIMD versions need not equal libm's. tests/test_fused.py checks every pair bit for bit against
 * optimize()'s numpy loop.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Compiled for the baseline x86-64 plus AVX2 and AVX-512 clones picked at load time, so one build
 * runs on any x86-64 machine (a Docker image built elsewhere included); other CPUs: one version. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CLONES
#endif

#define OPTVIZ_FUSED_VERSION 5
#define BOUND 1e6  /* trajectory.DIVERGENCE_BOUND */
#define BLK 512    /* starts per block: the block's state stays in L1 through all steps */


/* --- gradients and updates (generated: _fused_rules.h) ----------------------------------------
 * Neither is written here. codegen.py translates each registry surface's gradient function in
 * surfaces.py (plain arithmetic only: Rastrigin's and Ackley's cos and exp stay in numpy) to
 * GRAD(S) { ... } and lists them in SURFACES(X), and each optimizer's rule to its macros. */
static inline double np_sign(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : v); }  /* NaN stays NaN */
static inline double np_minimum(double a, double b) { return a != a ? a : (b != b ? b : (a <= b ? a : b)); }
static inline double np_maximum(double a, double b) { return a != a ? a : (b != b ? b : (a >= b ? a : b)); }
#include "_fused_rules.h"

typedef void (*run_fn)(const double *, const double *, int64_t, int64_t, int64_t, int64_t, double *, int64_t *,
                       double *, double *);

/* traj: (N+1, 2, K) C-contiguous, row 0 holding the starts; runs columns [a, b). hp: the rule's
 * hyperparameters but lr, in codegen's order; lrs: one lr per start. div[k]: the step at which
 * start k left [-BOUND, BOUND] (or became NaN), -1 if never; from then on its points are NaN: a
 * diverged start goes on computing with NaN (as fast as numbers here) and writes NaN.
 * rg, rs (NULL: not recorded), for the step inspector: rg (N+1, 2, K) the gradient at every point,
 * rs (N+1, NS, 2, K) the optimizer's NS state arrays after every step (row 0: its start values,
 * which the caller writes), as the pure loop records them. */
#define DEFINE_RUN(NAME, S_, O, REC)                                                              \
CLONES static void NAME(const double *hp, const double *lrs, int64_t K, int64_t N, int64_t a,   \
                        int64_t b, double *traj, int64_t *div, double *rg, double *rs) {        \
    enum { NS = NS_##O, NS1 = NS_##O > 0 ? NS_##O : 1 };                                         \
    HP_##O                                                                                       \
    double sx[NS1][BLK], sy[NS1][BLK];                                                           \
    int64_t dead[BLK];                                                                           \
    for (int64_t a0 = a; a0 < b; a0 += BLK) {                                                    \
        const int64_t n = b - a0 < BLK ? b - a0 : BLK;                                           \
        memset(sx, 0, sizeof sx);                                                                \
        memset(sy, 0, sizeof sy);                                                                \
        memset(dead, 0, sizeof dead);                                                            \
        for (int64_t k = 0; k < n; k++) {                                                        \
            double p, (*S)[BLK];                                                                 \
            const double lr = lrs[a0 + k]; (void)lr;                                             \
            div[a0 + k] = -1;                                                                    \
            p = traj[a0 + k]; S = sx; INIT_##O(p, S)                                             \
            p = traj[K + a0 + k]; S = sy; INIT_##O(p, S)                                         \
            (void)p; (void)S;                                                                    \
        }                                                                                        \
        for (int64_t i = 1; i <= N; i++) {                                                       \
            const double *px = traj + (i - 1) * 2 * K + a0, *py = px + K;                        \
            double *qx = traj + i * 2 * K + a0, *qy = qx + K;                                    \
            const double T = (double)i;                                                          \
            PRE_##O                                                                              \
            int64_t bad = 0;                                                                     \
            for (int64_t k = 0; k < n; k++) {                                                    \
                double x = px[k], y = py[k], gx, gy, (*S)[BLK];                                  \
                const double lr = lrs[a0 + k]; (void)lr;                                         \
                g_##S_(x, y, &gx, &gy);                                                          \
                S = sx; UPDATE_##O(x, gx, S)                                                     \
                S = sy; UPDATE_##O(y, gy, S)                                                     \
                (void)S;                                                                         \
                if (REC) {                                                                       \
                    rg[(i - 1) * 2 * K + a0 + k] = gx; rg[(i - 1) * 2 * K + K + a0 + k] = gy;    \
                    double *r = rs + i * NS * 2 * K + a0 + k; (void)r;                           \
                    for (int j = 0; j < NS; j++) { r[2 * j * K] = sx[j][k]; r[(2 * j + 1) * K] = sy[j][k]; } \
                }                                                                                \
                const int64_t d = dead[k];                                                       \
                qx[k] = d ? NAN : x; qy[k] = d ? NAN : y;                                        \
                bad += (d == 0) & (!(fabs(x) <= BOUND) | !(fabs(y) <= BOUND));                   \
            }                                                                                    \
            if (bad) {                                                                           \
                for (int64_t k = 0; k < n; k++) {                                                \
                    if (dead[k] || (fabs(qx[k]) <= BOUND && fabs(qy[k]) <= BOUND)) continue;     \
                    div[a0 + k] = i;                                                             \
                    dead[k] = 1;                                                                 \
                    qx[k] = qy[k] = NAN;                                                         \
                }                                                                                \
            }                                                                                    \
        }                                                                                        \
        if (REC) {  /* the gradient at the last point too */                                     \
            const double *px = traj + N * 2 * K + a0, *py = px + K;                              \
            for (int64_t k = 0; k < n; k++) {                                                    \
                double gx, gy;                                                                   \
                g_##S_(px[k], py[k], &gx, &gy);                                                  \
                rg[N * 2 * K + a0 + k] = gx; rg[N * 2 * K + K + a0 + k] = gy;                    \
            }                                                                                    \
        }                                                                                        \
    }                                                                                            \
}

/* each (surface, optimizer) twice: run_* (the hot loop, nothing recorded) and rec_* (gradients and
 * states kept); the table's order is fused.py's SURFACES and codegen's optimizers */
#define DEF_RUNS(S, name, O) DEFINE_RUN(run_##S##_##name, S, O, 0) DEFINE_RUN(rec_##S##_##name, S, O, 1)
#define DEF_SURFACE(S) FOR_EACH_OPTIMIZER(DEF_RUNS, S)
SURFACES(DEF_SURFACE)

#define RUN_ENTRY(S, name, O) run_##S##_##name,
#define REC_ENTRY(S, name, O) rec_##S##_##name,
#define RUN_ROW(S) {FOR_EACH_OPTIMIZER(RUN_ENTRY, S)},
#define REC_ROW(S) {FOR_EACH_OPTIMIZER(REC_ENTRY, S)},
static const run_fn TABLE[2][N_SURFACES][N_OPTIMIZERS] = {{SURFACES(RUN_ROW)}, {SURFACES(REC_ROW)}};

/* RULES_HASH names the rules this library was built from: fused.py uses it only if they are the
 * rules it runs (a library built before a rule changed is not used) */
int64_t optviz_fused_version(void) { return (int64_t)OPTVIZ_FUSED_VERSION * 4294967296LL + RULES_HASH; }

int optviz_fused_run(int surface, int optimizer, const double *hp, const double *lr, int64_t K, int64_t N,
                     int64_t a, int64_t b, double *traj, int64_t *div, double *rg, double *rs) {
    if (surface < 0 || surface >= N_SURFACES || optimizer < 0 || optimizer >= N_OPTIMIZERS) return -1;
    if (K < 1 || N < 0 || a < 0 || b > K || a > b) return -2;
    if ((rg == NULL) != (rs == NULL)) return -3;
    TABLE[rg != NULL][surface][optimizer](hp, lr, K, N, a, b, traj, div, rg, rs);
    return 0;
}
