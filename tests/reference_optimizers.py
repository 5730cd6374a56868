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


def reference_trajectory(surface, name, start, steps, **hp):
    opt = Reference(name, **hp)
    x = [float(start[0]), float(start[1])]
    pts = [list(x)]
    for _ in range(steps):
        gx, gy = surface.grad(x[0], x[1])
        x = opt.update(x, [float(gx), float(gy)])
        pts.append(list(x))
    return pts
