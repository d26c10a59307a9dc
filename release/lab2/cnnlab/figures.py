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
