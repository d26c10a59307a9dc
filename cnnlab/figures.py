"""Teaching figures for the notebooks, drawn with matplotlib (no image files)."""

from __future__ import annotations

import numpy as np


def padding(x: np.ndarray, x_pad: np.ndarray, image: int = 0, channel: int = 0):
    """Channel ``channel`` of image ``image`` before and after zero padding."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(7, 3.4))
    for ax, data, title in ((axes[0], x, "x"), (axes[1], x_pad, "x_pad")):
        shown = np.asarray(data)[image, :, :, channel]
        ax.imshow(shown, cmap="viridis")
        ax.set_title(f"{title}  {shown.shape[0]}×{shown.shape[1]} (canal {channel})")
        ax.set_xticks(range(shown.shape[1]))
        ax.set_yticks(range(shown.shape[0]))
    fig.tight_layout()
    plt.show()


def windows(n: int = 7, f: int = 3, stride: int = 2, pad: int = 1):
    """Where an f×f window lands on an n×n input with the given stride and padding."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    size = n + 2 * pad
    out = (size - f) // stride + 1
    fig, ax = plt.subplots(figsize=(4.6, 4.6))
    grid = np.zeros((size, size))
    grid[pad:pad + n, pad:pad + n] = 1
    ax.imshow(grid, cmap="Greys", vmin=0, vmax=3)
    colors = plt.cm.tab10(np.linspace(0, 1, 10))
    for k, (h, w) in enumerate([(0, 0), (0, 1), (1, 0), (out - 1, out - 1)]):
        top, left = h * stride, w * stride
        ax.add_patch(Rectangle((left - 0.5, top - 0.5), f, f, fill=False, lw=2.5,
                               ec=colors[k], label=f"salida[{h},{w}]: filas {top}–{top + f - 1}, "
                                                   f"columnas {left}–{left + f - 1}"))
    ax.set_title(f"entrada {n}×{n}, pad={pad}, f={f}, stride={stride} → salida {out}×{out}")
    ax.set_xticks(range(size))
    ax.set_yticks(range(size))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), fontsize=8, ncol=2)
    fig.tight_layout()
    plt.show()


def pooling(window: np.ndarray):
    """A window and what max and average pooling keep of it."""
    import matplotlib.pyplot as plt

    window = np.asarray(window, dtype=float)
    fig, axes = plt.subplots(1, 3, figsize=(8, 2.8))
    panels = [(window, "ventana"), (np.array([[window.max()]]), "max"),
              (np.array([[window.mean()]]), "promedio")]
    for ax, (data, title) in zip(axes, panels):
        ax.imshow(data, cmap="coolwarm", vmin=window.min(), vmax=window.max())
        for (i, j), value in np.ndenumerate(data):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center")
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    plt.show()


def _grid(n: int, columns: int):
    import matplotlib.pyplot as plt

    rows = -(-n // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.2 * columns, 1.25 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    return fig, axes.ravel()


def filters(weight, columns: int = 8, title: str = "Filtros de la primera capa"):
    """The filters of a first convolution layer, each drawn as a small RGB image.

    ``weight``: array (n_C, 3, f, f), PyTorch's layout for ``Conv2d(3, n_C, f)``
    (a tensor is fine: it is detached and converted). Each filter is scaled on
    its own to [0, 1], so the figure shows the pattern of colours and
    directions a filter responds to, not its size.
    """
    import matplotlib.pyplot as plt

    w = np.asarray(weight.detach().cpu() if hasattr(weight, "detach") else weight, dtype=float)
    if w.ndim != 4 or w.shape[1] != 3:
        raise ValueError(f"se esperaban filtros (n_C, 3, f, f), no {w.shape}")
    fig, axes = _grid(w.shape[0], columns)
    for k, ax in enumerate(axes[:w.shape[0]]):
        image = w[k].transpose(1, 2, 0)
        span = image.max() - image.min()
        ax.imshow((image - image.min()) / (span if span > 0 else 1.0), interpolation="nearest")
        ax.set_title(str(k), fontsize=7)
    fig.suptitle(f"{title} ({w.shape[0]} filtros de {w.shape[2]}×{w.shape[3]}×3)", fontsize=10)
    fig.tight_layout()
    plt.show()
    return fig


def feature_maps(photo, maps, columns: int = 8, title: str = "Mapas de activación de la primera capa"):
    """One photo and the maps a convolution layer computes from it.

    ``photo``: array (H, W, 3) with values in [0, 1]; ``maps``: array
    (n_C, H', W'), one map per filter (a tensor is fine). Each map has its own
    colour scale: yellow where the filter responds most, dark blue least.
    """
    import matplotlib.pyplot as plt

    m = np.asarray(maps.detach().cpu() if hasattr(maps, "detach") else maps, dtype=float)
    if m.ndim != 3:
        raise ValueError(f"se esperaban mapas (n_C, H, W), no {m.shape}")
    fig, axes = _grid(m.shape[0] + 1, columns)
    axes[0].imshow(np.clip(np.asarray(photo, dtype=float), 0, 1))
    axes[0].set_title("foto", fontsize=7)
    for k, ax in enumerate(axes[1:m.shape[0] + 1]):
        ax.imshow(m[k], cmap="viridis")
        ax.set_title(str(k), fontsize=7)
    fig.suptitle(f"{title} ({m.shape[0]} mapas de {m.shape[1]}×{m.shape[2]})", fontsize=10)
    fig.tight_layout()
    plt.show()
    return fig


def curves(history: dict, first: str = "train", second: str = "val", labels=("entrenamiento", "validación"),
           extra: str | None = None, extra_label: str = ""):
    """Loss and accuracy per epoch, side by side.

    ``history``: lists of floats, one per epoch, under ``f"{first}_loss"``,
    ``f"{first}_acc"``, ``f"{second}_loss"``, ``f"{second}_acc"`` (accuracy as
    a fraction); ``extra`` names one more loss list, drawn dashed and faint.
    """
    import matplotlib.pyplot as plt

    epochs = range(1, len(history[f"{first}_loss"]) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
    for key, label in zip((first, second), labels):
        ax1.plot(epochs, history[f"{key}_loss"], label=label)
        ax2.plot(epochs, [100 * a for a in history[f"{key}_acc"]], label=label)
    if extra is not None:
        ax1.plot(epochs, history[extra], ls="--", color="grey", alpha=0.6, lw=1, label=extra_label)
    ax1.set_title("Pérdida por época")
    ax2.set_title("Exactitud (accuracy) por época (%)")
    for ax in (ax1, ax2):
        ax.set_xlabel("época")
        ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()
    return fig
