"""Timing a few implementations of the same operation and drawing the comparison."""

from __future__ import annotations

import time


def best_time(fn, *args, repeat: int = 3, **kwargs) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best


def bar_chart(times: dict[str, float], title: str):
    """Horizontal bars of seconds per implementation, on a log scale, with the ratios."""
    import matplotlib.pyplot as plt

    names = list(times)
    values = [times[n] for n in names]
    fastest = min(values)
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(names) + 1.4))
    bars = ax.barh(names, values, color=["#c62828", "#2e7d32", "#1565c0", "#6a1b9a"][:len(names)])
    ax.set_xscale("log")
    ax.invert_yaxis()
    ax.set_xlabel("segundos (escala logarítmica)")
    ax.set_title(title)
    for bar, value in zip(bars, values):
        ax.text(value, bar.get_y() + bar.get_height() / 2,
                f"  {value * 1000:.1f} ms (×{value / fastest:.0f})", va="center")
    ax.set_xlim(fastest / 3, max(values) * 30)
    fig.tight_layout()
    plt.show()
