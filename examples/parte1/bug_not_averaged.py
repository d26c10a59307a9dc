# backward_propagation forgets to divide by m: the gradients are those of the
# summed cost, m times larger than those of the averaged cost.

# %% p1_e8_solution_backward
def backward_propagation(A_last, Y, caches):
    dZ3 = A_last - Y
    dW3 = np.dot(caches["A2_flat"].T, dZ3)
    db3 = np.sum(dZ3, axis=0, keepdims=True)
    dA2_flat = np.dot(dZ3, caches["W3"].T)
    dA2 = dA2_flat.reshape(caches["A2_shape"])
    dA1 = pool_backward(dA2, caches["pool"], mode="max")
    dZ1 = relu_backward(dA1, caches["Z1"])
    dA0, dW1, db1 = conv_backward(dZ1, caches["conv"])
    return {"dW1": dW1, "db1": db1, "dW3": dW3, "db3": db3}
