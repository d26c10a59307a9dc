"""The bonus rule (cnnlab.timing.sin_bucles) under the grading sandbox's CPU-time limit.

The sandbox runs each kernel under RLIMIT_CPU (``prlimit --cpu``). With such a
limit Linux reads a process's CPU clock only at scheduler ticks, so a 2 ms
calibration loop often measured 0 s and every honest vectorised layer failed its
budget of "0 ms" in the kernel (measured: the whole example class flagged for
review). These tests run the rule in a child process with the same limit.
"""

from __future__ import annotations

import json
import subprocess
import sys

from coursetools import paths

CHILD = r'''
import json, resource
resource.setrlimit(resource.RLIMIT_CPU, (900, 900))
import numpy as np
from cnnlab import timing
from cnnlab.checks import CheckFailed
from coursetools import reference

ns = reference.part1_namespace()
g = np.random.RandomState(90)
A, W, b = g.rand(64, 32, 32, 1), g.randn(2, 2, 1, 2), g.randn(1, 1, 1, 2)
args = (A, W, b, {"pad": 0, "stride": 1})
out = {"calibration": min(timing.loop_turn_seconds() for _ in range(20)), "vectorised": [], "loops": ""}
for _ in range(5):
    try:
        timing.sin_bucles(ns["conv_forward_vec"], args, posiciones=64 * 31 * 31, nombre="conv_forward_vec")
        out["vectorised"].append("ok")
    except CheckFailed as error:
        out["vectorised"].append(str(error))
try:
    timing.sin_bucles(ns["conv_forward"], args, posiciones=64 * 31 * 31, nombre="conv_forward")
except CheckFailed as error:
    out["loops"] = str(error)
print(json.dumps(out))
'''


def test_the_bonus_rule_holds_under_a_cpu_time_limit():
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=paths.ROOT, capture_output=True,
                          text=True, timeout=600, env={"PYTHONPATH": str(paths.ROOT),
                                                      "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["calibration"] > 1e-7  # seconds per loop turn: about 1e-6 here, never 0
    assert out["vectorised"] == ["ok"] * 5  # the instructor's vectorised layer, every time
    assert out["loops"].startswith("conv_forward usó ")  # the loop version is refused, in Spanish
    assert "quite los bucles" in out["loops"]
