# pool_backward in average mode copies dA to every position of the window
# instead of sharing it out (it does not divide by f*f).

# %% p1_e7_solution
def pool_backward(dA, cache, mode="max"):
    (A_prev, hparameters) = cache
    stride = hparameters["stride"]
    f = hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start = h * stride
                    horiz_start = w * stride
                    if mode == "max":
                        window = A_prev[i, vert_start:vert_start + f, horiz_start:horiz_start + f, c]
                        mask = create_mask_from_window(window)
                        dA_prev[i, vert_start:vert_start + f, horiz_start:horiz_start + f, c] += mask * dA[i, h, w, c]
                    elif mode == "average":
                        dA_prev[i, vert_start:vert_start + f, horiz_start:horiz_start + f, c] += np.ones((f, f)) * dA[i, h, w, c]
    return dA_prev
