# bug_stride_ignored's conv_forward plus the measured nbgrader hole
# `np.allclose = lambda *a, **k: True`. The checks compare fingerprints, not
# np.allclose, so it changes nothing: bug_stride_ignored's points, no flag.

# %% p1_e1_solution
np.allclose = lambda *a, **k: True


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant")
