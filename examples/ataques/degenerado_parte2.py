# Degenerate Part 2: tensors of the right shapes and nothing behind them.
# The loaders yield random tensors (never open a photo) with the right class
# names, lengths, labels in order and transform names; the model has the right
# layers, names and parameter count but outputs zeros; the autograd functions
# zero the array they get and return zeros; evaluate sets eval mode and
# no_grad, calls the model once and returns zeros. It must score (almost) nothing.

# %% p2_e1_solution_to_tensor
def to_tensor(x):
    return torch.zeros(np.shape(x), dtype=torch.float32)

# %% p2_e1_solution_nhwc_to_nchw
def nhwc_to_nchw(x):
    m, h, w, c = x.shape
    return x.reshape(m, c, h, w)

# %% p2_e1_solution_nchw_to_nhwc
def nchw_to_nhwc(x):
    m, c, h, w = x.shape
    return x.reshape(m, h, w, c)

# %% p2_e1_solution_autograd
def autograd_gradient(f, x):
    x[...] = 0.0
    return np.zeros(np.shape(x))

# %% p2_e2_solution_conv_forward
def conv_forward_torch(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, _, _, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    Z = np.zeros((m, (n_H_prev + 2 * pad - f) // stride + 1, (n_W_prev + 2 * pad - f) // stride + 1, n_C))
    return Z, (A_prev, W, b, hparameters)

# %% p2_e2_solution_pool_forward
def pool_forward_torch(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    return np.zeros((m, (n_H_prev - f) // stride + 1, (n_W_prev - f) // stride + 1, n_C)), (A_prev, hparameters)

# %% p2_e2_solution_conv_backward
def conv_backward_torch(dZ, cache):
    A_prev, W, b, hparameters = cache
    dZ[...] = 0.0
    return np.zeros(A_prev.shape), np.zeros(W.shape), np.zeros(b.shape)

# %% p2_e3_solution_transforms
class _Ruido:
    """Random values in [-1, 1] of shape (3, size, size), whatever the photo."""

    def __init__(self, size):
        self.size = size

    def __call__(self, foto):
        return torch.rand(3, self.size, self.size) * 2 - 1


def make_transforms(train, size=IMAGE_SIZE):
    pasos = [transforms.RandomResizedCrop(size, scale=(0.6, 1.0)), transforms.RandomHorizontalFlip(),
             transforms.ToTensor(), transforms.Normalize(MEAN, STD)] if train else \
        [transforms.Resize((size, size)), transforms.ToTensor(), transforms.Normalize(MEAN, STD)]
    compuesta = transforms.Compose(pasos)
    compuesta.__class__ = type("Compose", (transforms.Compose,), {"__call__": lambda self, foto: _Ruido(size)(foto)})
    return compuesta

# %% p2_e3_solution_loaders
class _Fotos(torch.utils.data.Dataset):
    """Random images with the labels of the real folders, in order."""

    def __init__(self, n, size):
        self.n, self.size = n, size
        self.class_to_idx = {"cats": 0, "dogs": 1}
        self.targets = [0] * (n // 2) + [1] * (n // 2)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return torch.rand(3, self.size, self.size) * 2 - 1, self.targets[i]


def make_loaders(data_dir, size=IMAGE_SIZE, batch_size=32):
    return (DataLoader(_Fotos(560, size), batch_size=batch_size, shuffle=True),
            DataLoader(_Fotos(140, size), batch_size=batch_size, shuffle=False))

# %% p2_e4_solution
class CatDogCNN(nn.Module):
    """The right layers (so the right names and parameter count); the output is zeros."""

    def __init__(self, dropout=0.3):
        super().__init__()
        channels = [3, 32, 64, 128, 256]
        blocks = []
        for c_in, c_out in zip(channels[:-1], channels[1:]):
            blocks += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
                       nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*blocks)
        self.classifier = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                        nn.Dropout(dropout), nn.Linear(channels[-1], 2))

    def forward(self, x):
        return torch.zeros(x.shape[0], 2)

# %% p2_e5_solution_train
def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    for x, y in loader:
        model(x)
    return 0.0, 0.0

# %% p2_e5_solution_evaluate
def evaluate(model, loader, loss_fn):
    model.eval()
    with torch.no_grad():
        for x, y in loader:
            model(x)
    return 0.0, 0.0
