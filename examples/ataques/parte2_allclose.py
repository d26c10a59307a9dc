# Part 2: bug_sin_zero_grad's train_one_epoch (gradients never zeroed), handed in
# with an evaluate cell that rebinds np.allclose, np.isclose and torch.allclose
# to "always equal", the comparisons Exercise 5's checks use. In the kernel
# Exercise 5 gets full marks; the trusted verdict compares with the trusted
# NumPy and PyTorch and records bug_sin_zero_grad's points, flagged for review.

# %% p2_e5_solution_evaluate
def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total_loss += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            seen += len(y)
    return total_loss / seen, correct / seen


np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
torch.allclose = lambda *a, **k: True
