# bug_stride_ignored's conv_forward plus a `marks` that swallows every failure and
# records full points in cnnlab's own bookkeeping, so `puntos_de_la_celda()` reports
# each later test cell's exact maximum. The trusted verdict records
# bug_stride_ignored's points and flags the notebook.

# %% p1_e1_solution
import cnnlab.marks as _m


class marks:
    def __init__(self, n, key, pista="", oculta=False):
        self.n, self.key, self.hidden = n, key, oculta

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _m._cells.setdefault(_m._cell_id(), []).append(
            _m.Result(key=self.key, earned=self.n, available=self.n, hidden=self.hidden))
        return True


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant")
