"""Timing a few implementations of the same operation and drawing the comparison,
and the bonus rule: a vectorised layer runs no Python loop over output positions."""

from __future__ import annotations

import time

TURNS_PER_BUDGET = 4   # the time budget: one calibrated loop turn per 4 output positions
CALIBRATION_TURNS = 2000

# CPU seconds used so far by whoever runs the function under test: this thread by
# default (a Python loop runs in the calling thread; BLAS helper threads are not
# counted). The trusted grader, whose student functions run in another process, adds
# that process's CPU time (read from its cgroup). CPU time, unlike wall time, does not
# grow when other work shares the machine. Not the process clock: under a CPU-time
# limit (RLIMIT_CPU, as the grading sandbox sets) Linux updates it only at scheduler
# ticks, and a 2 ms calibration loop then often reads 0 s.
cpu_clock = time.thread_time

# The trusted grader's own share of ``cpu_clock`` (None here): its half of moving the
# arguments and the result between the two processes. The other process's half is
# assumed to cost the same, so up to twice this share (never more than twice the
# budget) is allowed on top of the budget there; a loop over positions spends at
# least four budgets and still fails.
transport_clock = None


def _cpu_time(fn, *args) -> float:
    start = cpu_clock()
    fn(*args)
    return cpu_clock() - start


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


def loop_turn_seconds(turns: int = CALIBRATION_TURNS) -> float:
    """CPU seconds of one turn of a Python loop that slices a tiny array and sums it with
    NumPy (best of 3 runs of ``turns`` turns, measured now, in this process)."""
    import numpy as np

    x = np.arange(16.0).reshape(4, 4)

    def loop():
        for i in range(turns):
            x[i % 3:i % 3 + 2, 0:2].sum()

    return min(_cpu_time(loop) for _ in range(3)) / turns


def sin_bucles(func, args: tuple, posiciones: int, nombre: str):
    """``func(*args)``, checked to be free of Python loops over output positions.

    The rule (stated to the student): on this large input, the call must use less
    CPU time than a Python loop would spend turning once per ``TURNS_PER_BUDGET``
    output positions (``posiciones``: images x rows x columns of the output), each
    turn slicing a tiny array and summing it with NumPy, measured just before on the
    same machine. A loop over images, rows, columns or channels of the output cannot
    meet it; a loop over the f x f positions inside a filter can. Best of 3 calls
    (a call far over the budget ends the check). Returns the first call's result.
    Raises ``CheckFailed`` (Spanish) when the budget is not met. Where the function runs
    in another process (the trusted grader), moving its data is allowed for: see
    ``transport_clock``.
    """
    from .checks import CheckFailed

    budget = posiciones * loop_turn_seconds() / TURNS_PER_BUDGET
    result, best = None, None  # best: (CPU used, transport allowance) of the fairest call
    for attempt in range(3):
        start, moved = cpu_clock(), transport_clock() if transport_clock else 0.0
        value = func(*args)
        used = cpu_clock() - start
        allowance = min(2 * (transport_clock() - moved), 2 * budget) if transport_clock else 0.0
        if best is None or used - allowance < best[0] - best[1]:
            best = (used, allowance)
        if attempt == 0:
            result = value
        if not budget < best[0] - best[1] <= 5 * budget:  # met, or far over: no more calls
            break
    used, allowance = best
    if used - allowance > budget:
        raise CheckFailed(
            f"{nombre} usó {1000 * used:.0f} ms de CPU en un lote con {posiciones} posiciones de "
            f"salida; el bonus pide menos de {1000 * (budget + allowance):.0f} ms (lo que tarda Python en dar "
            f"una vuelta de bucle por cada {TURNS_PER_BUDGET} posiciones): quite los bucles sobre imágenes, "
            "filas, columnas y canales")
    return result
