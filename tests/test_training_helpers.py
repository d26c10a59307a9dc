"""cnnlab.training: the layer agreement check and the swap used by the training run."""

import numpy as np
import pytest

from cnnlab.training import LAYER_NAMES, layers_agree, minibatches, use_layers
from coursetools import reference


@pytest.fixture(scope="module")
def solutions():
    """The instructor's loop and vectorised layers, executed from the source notebook."""
    namespace = reference.part1_namespace()
    loops = {name: namespace[name] for name in LAYER_NAMES}
    fast = {name: namespace[name + "_vec"] for name in LAYER_NAMES}
    return loops, fast


def test_instructor_vectorised_layers_agree_with_the_loops(solutions):
    loops, fast = solutions
    assert layers_agree(loops, fast) == (True, "")


def test_a_wrong_or_missing_vectorised_layer_is_not_used(solutions):
    loops, fast = solutions

    def off_by_a_little(dA, cache, mode="max"):
        return fast["pool_backward"](dA, cache, mode) * (1 + 1e-6)

    def missing(*args, **kwargs):
        raise NotImplementedError

    ok, why = layers_agree(loops, dict(fast, pool_backward=off_by_a_little))
    assert not ok and "no coinciden" in why
    ok, why = layers_agree(loops, dict(fast, conv_forward=missing))
    assert not ok and "no están implementadas" in why


def test_use_layers_restores_the_names():
    namespace = {"conv_forward": "loops"}
    with use_layers(namespace, {"conv_forward": "fast"}):
        assert namespace["conv_forward"] == "fast"
    assert namespace["conv_forward"] == "loops"


def test_minibatches_cover_every_example_once():
    batches = list(minibatches(70, 32, np.random.RandomState(0)))
    assert [len(b) for b in batches] == [32, 32, 6]
    assert sorted(np.concatenate(batches).tolist()) == list(range(70))
