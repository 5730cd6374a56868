"""Independent reference: the course's optimizer classes, written as scalar Python loops over
each coordinate (no numpy vector math), to check optviz's vectorized code step for step."""
import math


class Reference:
    def __init__(self, name, lr, beta=0.9, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        self.name, self.lr, self.beta, self.b1, self.b2 = name, lr, beta, beta1, beta2
        self.eps, self.wd, self.t = eps, weight_decay, 0
        self.a = None
        self.b = None

    def update(self, x, g):
        n = len(x)
        if self.a is None:
            self.a, self.b = [0.0] * n, [0.0] * n
        self.t += 1
        out = []
        for i in range(n):
            xi, gi = x[i], g[i]
            if self.name == "sgd":
                xi = xi - self.lr * gi
            elif self.name == "momentum":  # v <- beta v - lr g ; x <- x + v
                self.a[i] = self.beta * self.a[i] - self.lr * gi
                xi = xi + self.a[i]
            elif self.name == "nesterov":  # torch: buf <- beta buf + g ; x <- x - lr (g + beta buf)
                self.a[i] = self.beta * self.a[i] + gi
                xi = xi - self.lr * (gi + self.beta * self.a[i])
            elif self.name == "adagrad":
                self.a[i] += gi * gi
                xi = xi - self.lr * gi / (math.sqrt(self.a[i]) + self.eps)
            elif self.name == "rmsprop":
                self.a[i] = self.beta * self.a[i] + (1 - self.beta) * gi * gi
                xi = xi - self.lr * gi / (math.sqrt(self.a[i]) + self.eps)
            elif self.name in ("adam", "adamw"):
                if self.name == "adamw":
                    xi = xi * (1 - self.lr * self.wd)
                self.a[i] = self.b1 * self.a[i] + (1 - self.b1) * gi
                self.b[i] = self.b2 * self.b[i] + (1 - self.b2) * gi * gi
                mhat = self.a[i] / (1 - self.b1 ** self.t)
                vhat = self.b[i] / (1 - self.b2 ** self.t)
                xi = xi - self.lr * mhat / (math.sqrt(vhat) + self.eps)
            out.append(xi)
        return out


def reference_trajectory(surface, name, start, steps, _kind=None, **hp):
    opt = (_kind or Reference)(name, **hp)
    x = [float(start[0]), float(start[1])]
    pts = [list(x)]
    for _ in range(steps):
        gx, gy = surface.grad(x[0], x[1])
        x = opt.update(x, [float(gx), float(gy)])
        pts.append(list(x))
    return pts


class NewerReference:
    """The newer optimizers as torch.optim's single-tensor code reads (NAdam, RAdam, Adamax,
    Adadelta) and as the Lion paper's pseudo-code reads (Chen et al. 2023, Program 1), one
    coordinate at a time in plain Python floats: independent of optviz's rules."""

    def __init__(self, name, lr, beta1=0.9, beta2=0.999, eps=1e-8, momentum_decay=4e-3, rho=0.9,
                 weight_decay=0.0):
        self.name, self.lr, self.b1, self.b2, self.eps = name, lr, beta1, beta2, eps
        self.psi, self.rho, self.wd = momentum_decay, rho, weight_decay
        self.t, self.mu_product, self.a, self.b = 0, 1.0, None, None

    def update(self, x, g):
        n = len(x)
        if self.a is None:
            self.a, self.b = [0.0] * n, [0.0] * n
        self.t += 1
        t, lr, b1, b2, eps = self.t, self.lr, self.b1, self.b2, self.eps
        if self.name == "nadam":
            mu = b1 * (1.0 - 0.5 * 0.96 ** (t * self.psi))
            mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.psi))
            self.mu_product *= mu
        out = []
        for i in range(n):
            xi, gi = x[i], g[i]
            if self.name == "nadam":
                self.a[i] = self.a[i] + (1 - b1) * (gi - self.a[i])  # torch: exp_avg.lerp_(grad, 1 − β1)
                self.b[i] = self.b[i] * b2 + (1 - b2) * gi * gi
                denom = math.sqrt(self.b[i] / (1 - b2 ** t)) + eps
                xi = xi - lr * (1 - mu) / (1 - self.mu_product) * gi / denom
                xi = xi - lr * mu_next / (1 - self.mu_product * mu_next) * self.a[i] / denom
            elif self.name == "radam":
                self.a[i] = self.a[i] + (1 - b1) * (gi - self.a[i])
                self.b[i] = self.b[i] * b2 + (1 - b2) * gi * gi
                corrected = self.a[i] / (1 - b1 ** t)
                rho_inf = 2 / (1 - b2) - 1
                rho_t = rho_inf - 2 * t * (b2 ** t) / (1 - b2 ** t)
                if rho_t > 5.0:
                    rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                    adaptive = math.sqrt(1 - b2 ** t) / (math.sqrt(self.b[i]) + eps)
                    xi = xi - corrected * lr * adaptive * rect
                else:
                    xi = xi - corrected * lr
            elif self.name == "adamax":
                self.a[i] = self.a[i] + (1 - b1) * (gi - self.a[i])
                self.b[i] = max(self.b[i] * b2, abs(gi) + eps)
                xi = xi - lr / (1 - b1 ** t) * self.a[i] / self.b[i]
            elif self.name == "adadelta":
                self.a[i] = self.a[i] * self.rho + (1 - self.rho) * gi * gi
                std = math.sqrt(self.a[i] + eps)
                delta = math.sqrt(self.b[i] + eps) / std * gi
                self.b[i] = self.b[i] * self.rho + (1 - self.rho) * delta * delta
                xi = xi - lr * delta
            elif self.name == "lion":
                c = b1 * self.a[i] + (1 - b1) * gi
                sign = (c > 0) - (c < 0)
                xi = xi - lr * (sign + self.wd * xi)
                self.a[i] = b2 * self.a[i] + (1 - b2) * gi
            out.append(xi)
        return out


def newer_trajectory(surface, name, start, steps, **hp):
    return reference_trajectory(surface, name, start, steps, _kind=NewerReference, **hp)
