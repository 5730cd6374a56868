/* Fused trajectory kernels: a registry surface's gradient and an optimizer's update in one loop.
 *
 * numpy runs one pass over the (2, K) arrays per operation (~21 for Rosenbrock + Adam) and pays
 * ~0.4 us per call; here each start's gradient and update happen in registers, one read of the
 * previous point and one write of the next per step. Built by `make` (see the Makefile) and loaded
 * by optviz/fused.py with ctypes; without it the numpy kernels in optviz/kernels.py run instead.
 *
 * Bit-identical to the pure update rules in optimizers.py and the gradients in surfaces.py:
 * every expression below is the numpy expression's text, evaluated in the same order (C and
 * Python both group a*b*c as (a*b)*c), compiled with -ffp-contract=off (no fused multiply-add)
 * and without -ffast-math; + - * / and sqrt are correctly rounded IEEE operations in both.
 * Adam's bias corrections lr/(1-beta1^t) and sqrt(1-beta2^t) call the same libm pow and sqrt that
 * Python's float ** int and math.sqrt call, in the same order.
 * Surfaces with sin, cos or exp are not here: numpy's SIMD versions need not equal libm's.
 * tests/test_fused.py checks every pair bit for bit against optimize()'s numpy loop.
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

#define OPTVIZ_FUSED_VERSION 3
#define BOUND 1e6  /* trajectory.DIVERGENCE_BOUND */
#define BLK 512    /* starts per block: the block's state stays in L1 through all steps */

int optviz_fused_version(void) { return OPTVIZ_FUSED_VERSION; }

/* --- gradients (surfaces.py) --------------------------------------------------------------- */
#define GRAD(S) static inline void g_##S(double x, double y, double *px, double *py)
GRAD(quadratic) { *px = 2.0 * x; *py = 20.0 * y; }
GRAD(book) { *px = x / 10.0; *py = 2.0 * y; }
GRAD(rosenbrock) { double r = y - x * x; *px = -2.0 * (1.0 - x) - 400.0 * x * r; *py = 200.0 * r; }
GRAD(beale) {
    double a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * (y * y * y);
    *px = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1);
    *py = 2 * a * x + 2 * b * (2 * x * y) + 2 * c * (3 * x * y * y);
}
GRAD(himmelblau) {
    double a = x * x + y - 11.0, b = x + y * y - 7.0;
    *px = 4.0 * x * a + 2.0 * b; *py = 2.0 * a + 4.0 * y * b;
}
GRAD(saddle) { *px = 2.0 * x; *py = -2.0 * y; }
GRAD(booth) {
    double a = x + 2 * y - 7.0, b = 2 * x + y - 5.0;
    *px = 2 * a + 4 * b; *py = 4 * a + 2 * b;
}
GRAD(camel) {
    double x2 = x * x;
    *px = 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y; *py = x - 8.0 * y + 16.0 * (y * y * y);
}

/* --- updates (optimizers.py): U(p, g, s0, s1) turns coordinate p with gradient g into its next
 * value; s0[k], s1[k] are this coordinate's state. hp: beta (or beta1), 1-beta (or beta2), eps,
 * 1-beta1, 1-beta2; lr and AdamW's decay 1-lr*weight_decay are per start (an lr sweep runs one lr
 * per start). BC1 = 1-beta1^i, C2 = sqrt(1-beta2^i): the step size is lr/BC1, as in the pure rule. */
#define U_SGD(p, g, s0, s1)      p = p - lr * g;
#define U_MOMENTUM(p, g, s0, s1) { s0[k] = beta * s0[k] - lr * g; p = p + s0[k]; }
#define U_NESTEROV(p, g, s0, s1) { s0[k] = beta * s0[k] + g; p = p - lr * (g + beta * s0[k]); }
#define U_ADAGRAD(p, g, s0, s1)  { s0[k] = s0[k] + g * g; p = p - lr * g / (sqrt(s0[k]) + eps); }
#define U_RMSPROP(p, g, s0, s1)  { s0[k] = beta * s0[k] + omb * g * g; p = p - lr * g / (sqrt(s0[k]) + eps); }
#define U_ADAM(p, g, s0, s1) { s0[k] = b1 * s0[k] + omb1 * g; s1[k] = b2 * s1[k] + omb2 * g * g; \
    p = p - (lr / BC1) * s0[k] / (sqrt(s1[k]) / C2 + eps); }
#define U_ADAMW(p, g, s0, s1) { p = p * decay; U_ADAM(p, g, s0, s1) }

typedef void (*run_fn)(const double *, const double *, const double *, int64_t, int64_t, int64_t,
                       int64_t, double *, int64_t *, double *, double *);

/* traj: (N+1, 2, K) C-contiguous, row 0 holding the starts; runs columns [a, b). div[k]: the step
 * at which start k left [-BOUND, BOUND] (or became NaN), -1 if never; from then on its points are
 * NaN: a diverged start goes on computing with NaN (as fast as numbers here) and writes NaN.
 * rg, rs (NULL: not recorded), for the step inspector: rg (N+1, 2, K) the gradient at every point,
 * rs (N+1, NS, 2, K) the optimizer's NS state arrays after every step (row 0: the zeros it starts
 * from, which the caller writes), as the pure loop records them. */
#define DEFINE_RUN(NAME, S, UPDATE, BIAS, NS, REC)                                                           \
CLONES static void NAME(const double *hp, const double *lrs, const double *decays, int64_t K,     \
                        int64_t N, int64_t a, int64_t b, double *traj, int64_t *div,            \
                        double *rg, double *rs) {                                               \
    const double beta = hp[0], omb = hp[1], eps = hp[2];                                         \
    const double b1 = hp[0], b2 = hp[1], omb1 = hp[3], omb2 = hp[4];                             \
    (void)beta; (void)omb; (void)eps; (void)b1; (void)b2; (void)omb1; (void)omb2; (void)decays;  \
    double s[4][BLK];                                                                            \
    int64_t dead[BLK];                                                                           \
    for (int64_t a0 = a; a0 < b; a0 += BLK) {                                                    \
        const int64_t n = b - a0 < BLK ? b - a0 : BLK;                                           \
        memset(s, 0, sizeof s);                                                                  \
        memset(dead, 0, sizeof dead);                                                            \
        double *s0 = s[0], *s1 = s[1], *s2 = s[2], *s3 = s[3];                                   \
        (void)s1; (void)s3;                                                                      \
        for (int64_t k = 0; k < n; k++) div[a0 + k] = -1;                                        \
        for (int64_t i = 1; i <= N; i++) {                                                       \
            const double *px = traj + (i - 1) * 2 * K + a0, *py = px + K;                        \
            double *qx = traj + i * 2 * K + a0, *qy = qx + K;                                    \
            const double BC1 = BIAS ? 1.0 - pow(b1, (double)i) : 1.0;                            \
            const double C2 = BIAS ? sqrt(1.0 - pow(b2, (double)i)) : 1.0;                       \
            (void)BC1; (void)C2;                                                                 \
            int64_t bad = 0;                                                                     \
            for (int64_t k = 0; k < n; k++) {                                                    \
                double x = px[k], y = py[k], gx, gy;                                             \
                const double lr = lrs[a0 + k], decay = BIAS ? decays[a0 + k] : 1.0;              \
                (void)decay;                                                                     \
                g_##S(x, y, &gx, &gy);                                                          \
                UPDATE(x, gx, s0, s1)                                                            \
                UPDATE(y, gy, s2, s3)                                                            \
                if (REC) {                                                                       \
                    rg[(i - 1) * 2 * K + a0 + k] = gx; rg[(i - 1) * 2 * K + K + a0 + k] = gy;    \
                    double *r = rs + i * NS * 2 * K + a0 + k; (void)r;                                 \
                    if (NS > 0) { r[0] = s0[k]; r[K] = s2[k]; }                                  \
                    if (NS > 1) { r[2 * K] = s1[k]; r[3 * K] = s3[k]; }                          \
                }                                                                                \
                const int64_t d = dead[k];                                                       \
                qx[k] = d ? NAN : x; qy[k] = d ? NAN : y;                                        \
                bad += (d == 0) & (!(fabs(x) <= BOUND) | !(fabs(y) <= BOUND));                      \
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
                g_##S(px[k], py[k], &gx, &gy);                                                   \
                rg[N * 2 * K + a0 + k] = gx; rg[N * 2 * K + K + a0 + k] = gy;                    \
            }                                                                                    \
        }                                                                                        \
    }                                                                                            \
}

#define DEFINE_PAIRS(S, P, REC)                                                                  \
    DEFINE_RUN(P##_##S##_sgd, S, U_SGD, 0, 0, REC)                                               \
    DEFINE_RUN(P##_##S##_momentum, S, U_MOMENTUM, 0, 1, REC)                                     \
    DEFINE_RUN(P##_##S##_nesterov, S, U_NESTEROV, 0, 1, REC)                                     \
    DEFINE_RUN(P##_##S##_adagrad, S, U_ADAGRAD, 0, 1, REC)                                       \
    DEFINE_RUN(P##_##S##_rmsprop, S, U_RMSPROP, 0, 1, REC)                                       \
    DEFINE_RUN(P##_##S##_adam, S, U_ADAM, 1, 2, REC)                                             \
    DEFINE_RUN(P##_##S##_adamw, S, U_ADAMW, 1, 2, REC)
/* each pair twice: run_* (the hot loop, nothing recorded) and rec_* (gradients and states kept) */
#define DEFINE_SURFACE(S) DEFINE_PAIRS(S, run, 0) DEFINE_PAIRS(S, rec, 1)

DEFINE_SURFACE(quadratic)
DEFINE_SURFACE(book)
DEFINE_SURFACE(rosenbrock)
DEFINE_SURFACE(beale)
DEFINE_SURFACE(himmelblau)
DEFINE_SURFACE(saddle)
DEFINE_SURFACE(booth)
DEFINE_SURFACE(camel)

#define ROW(P, S) { P##_##S##_sgd, P##_##S##_momentum, P##_##S##_nesterov, P##_##S##_adagrad,      \
                    P##_##S##_rmsprop, P##_##S##_adam, P##_##S##_adamw }
#define TABLE_OF(P) { ROW(P, quadratic), ROW(P, book), ROW(P, rosenbrock), ROW(P, beale),           \
                      ROW(P, himmelblau), ROW(P, saddle), ROW(P, booth), ROW(P, camel) }
/* order: fused.py's SURFACES and OPTIMIZERS */
static const run_fn TABLE[2][8][7] = {TABLE_OF(run), TABLE_OF(rec)};

int optviz_fused_run(int surface, int optimizer, const double *hp, const double *lr,
                     const double *decay, int64_t K, int64_t N, int64_t a, int64_t b, double *traj,
                     int64_t *div, double *rg, double *rs) {
    if (surface < 0 || surface >= 8 || optimizer < 0 || optimizer >= 7) return -1;
    if (K < 1 || N < 0 || a < 0 || b > K || a > b) return -2;
    if ((rg == NULL) != (rs == NULL)) return -3;
    TABLE[rg != NULL][surface][optimizer](hp, lr, decay, K, N, a, b, traj, div, rg, rs);
    return 0;
}
