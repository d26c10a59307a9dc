# train_one_epoch never clears the gradients: each step adds the gradients of all
# the batches seen so far.

# %% p2_e5_solution_train
def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, correct, n = 0.0, 0, 0
    for x, y in loader:
        out = model(x)
        loss = loss_fn(out, y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        correct += (out.argmax(1) == y).sum().item()
        n += len(y)
    return total / n, correct / n
