# The filters go to PyTorch with reshape instead of permute: the numbers are
# regrouped, not reordered, so every convolution is wrong (pooling is fine).

# %% p2_e2_solution_conv_forward
def conv_forward_torch(A_prev, W, b, hparameters):
    f, _, n_C_prev, n_C = W.shape
    x = torch.from_numpy(A_prev).permute(0, 3, 1, 2)
    w = torch.from_numpy(W).reshape(n_C, n_C_prev, f, f)
    z = F.conv2d(x, w, torch.from_numpy(b.reshape(-1)), stride=hparameters["stride"],
                 padding=hparameters["pad"])
    return z.permute(0, 2, 3, 1).numpy(), (A_prev, W, b, hparameters)

# %% p2_e2_solution_conv_backward
def conv_backward_torch(dZ, cache):
    A_prev, W, b, hparameters = cache
    f, _, n_C_prev, n_C = W.shape
    x = torch.from_numpy(A_prev).permute(0, 3, 1, 2).clone().requires_grad_(True)
    w = torch.from_numpy(W).reshape(n_C, n_C_prev, f, f).clone().requires_grad_(True)
    bias = torch.from_numpy(b.reshape(-1)).clone().requires_grad_(True)
    z = F.conv2d(x, w, bias, stride=hparameters["stride"], padding=hparameters["pad"])
    z.backward(torch.from_numpy(dZ).permute(0, 3, 1, 2))
    dA = x.grad.permute(0, 2, 3, 1).numpy()
    dW = w.grad.reshape(f, f, n_C_prev, n_C).numpy()
    return dA, dW, bias.grad.numpy().reshape(1, 1, 1, n_C)
