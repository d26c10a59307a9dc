# backward_propagation multiplies A - Y by the softmax derivative A * (1 - A),
# although A - Y already is the gradient of softmax + cross-entropy.

# %% p1_e8_solution_backward
def backward_propagation(A_last, Y, caches):
    m = Y.shape[0]
    dZ3 = (A_last - Y) * A_last * (1 - A_last) / m
    dW3 = caches["A2_flat"].T @ dZ3
    db3 = np.sum(dZ3, axis=0, keepdims=True)
    dA2 = (dZ3 @ caches["W3"].T).reshape(caches["A2_shape"])
    dA1 = pool_backward(dA2, caches["pool"], mode="max")
    dZ1 = relu_backward(dA1, caches["Z1"])
    _, dW1, db1 = conv_backward(dZ1, caches["conv"])
    return {"dW1": dW1, "db1": db1, "dW3": dW3, "db3": db3}
