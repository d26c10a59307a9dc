# Correct, but to_tensor copies a tensor with torch.tensor(...), which makes
# PyTorch emit a UserWarning on stderr at every call. A correct answer must not
# lose its marks because of a warning.

# %% p2_e1_solution_to_tensor
def to_tensor(x):
    return torch.tensor(torch.from_numpy(np.asarray(x))).float()
