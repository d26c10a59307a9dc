# Part 2: bug_pesos_sin_permutar's convolutions (filters reshaped, not permuted),
# handed in with a to_tensor cell that also replaces the checkers the test cells
# call by ones that accept anything. In the kernel every later check passes; the
# trusted verdict runs Part 2's test cells in its own process and records
# bug_pesos_sin_permutar's points, flagged for review.

# %% p2_e1_solution_to_tensor
def to_tensor(x):
    return torch.as_tensor(np.asarray(x)).float()


def check_array(*args, **kwargs):
    return None


def check_scalar(*args, **kwargs):
    return None
