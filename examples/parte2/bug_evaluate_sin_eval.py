# evaluate forgets model.eval() and torch.no_grad(): the numbers are right for a
# model without dropout or batch norm, but dropout stays on and autograd keeps
# recording during evaluation.

# %% p2_e5_solution_evaluate
def evaluate(model, loader, loss_fn):
    total, correct, n = 0.0, 0, 0
    for x, y in loader:
        out = model(x)
        total += loss_fn(out, y).item() * len(y)
        correct += (out.argmax(1) == y).sum().item()
        n += len(y)
    return total / n, correct / n
