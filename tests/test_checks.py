"""Unit tests of the fingerprint checks (cnnlab.checks)."""

import numpy as np
import pytest

from cnnlab.checks import (
    CheckFailed, check_array, check_scalar, check_str, fingerprint, string_fingerprint,
)


def naive_matmul(a, b):
    out = np.zeros((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            total = 0.0
            for k in range(a.shape[1]):
                total += a[i, k] * b[k, j]
            out[i, j] = total
    return out


def test_naive_and_vectorised_results_pass_the_same_fingerprint():
    rng = np.random.RandomState(0)
    a, b = rng.randn(20, 300), rng.randn(300, 25)
    naive, vectorised = naive_matmul(a, b), a @ b
    assert not np.array_equal(naive, vectorised)  # they really differ in the last bits
    fp = fingerprint(vectorised)
    check_array(naive, fp)
    check_array(vectorised, fp)


@pytest.mark.parametrize("shape", [(1,), (2, 3), (1, 1, 1, 8), (10, 7, 7, 8), (5, 5, 3, 2), (560, 2)])
@pytest.mark.parametrize("sign", [1, -1])
def test_largest_element_changed_by_a_thousandth_fails(shape, sign):
    rng = np.random.RandomState(sum(shape))
    for trial in range(20):
        x = rng.randn(*shape) * 10.0 ** rng.uniform(-4, 4)
        fp = fingerprint(x)
        y = x.copy()
        i = np.unravel_index(np.argmax(np.abs(x)), x.shape)
        y[i] += sign * 1e-3 * np.max(np.abs(x))
        with pytest.raises(CheckFailed):
            check_array(y, fp)
        check_array(x * (1 + 1e-13), fp)  # rounding-level noise passes


def test_wrong_shape_fails_and_says_the_shapes():
    fp = fingerprint(np.zeros((2, 3)) + 1.0)
    with pytest.raises(CheckFailed, match=r"forma \(3, 2\).*\(2, 3\)"):
        check_array(np.ones((3, 2)), fp)


def test_scale_error_is_reported_as_magnitude():
    x = np.random.RandomState(1).randn(4, 4)
    with pytest.raises(CheckFailed, match="magnitud"):
        check_array(4 * x, fingerprint(x))


def test_fingerprint_does_not_contain_the_values():
    x = np.array([[1.25, -3.5], [7.0, 0.125]])
    fp = fingerprint(x)
    for text in ("1.25", "3.5", "7.0", "0.125", "125", "35"):
        assert text not in fp.split(":", 3)[3]


def test_numpy_and_python_scalars_pass():
    fp = fingerprint(2.5)
    for value in (2.5, np.float64(2.5), np.float32(2.5), np.array(2.5)):
        check_scalar(value, fp)
    check_scalar(3, fingerprint(np.int64(3)))
    check_scalar(True, fingerprint(np.bool_(True)))


def test_one_element_array_where_a_number_is_expected_hints_item():
    with pytest.raises(CheckFailed, match=r"\.item\(\)"):
        check_scalar(np.ones((1, 1, 1)) * 2.5, fingerprint(2.5))


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return True


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __array__(self, dtype=None, copy=None):
        return np.zeros((2, 2))


class LyingFloat(float):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value", [
    np.ones((2, 2)).view(LyingArray), AlwaysEqual(), LyingFloat(1.0), [[1.0, 1.0], [1.0, 1.0]],
    np.ma.masked_array(np.ones((2, 2))), "1.0", None,
])
def test_subclasses_and_objects_with_custom_comparison_are_rejected(value):
    with pytest.raises(CheckFailed, match="tipo"):
        check_array(value, fingerprint(np.ones((2, 2))))


def test_object_and_complex_dtypes_are_rejected():
    with pytest.raises(CheckFailed, match="dtype"):
        check_array(np.array([1, "a"], dtype=object), fingerprint(np.ones(2)))
    with pytest.raises(CheckFailed, match="dtype"):
        check_array(np.ones(2, dtype=complex), fingerprint(np.ones(2)))


def test_boolean_mask_needs_booleans():
    mask = np.array([[True, False], [False, False]])
    fp = fingerprint(mask)
    check_array(mask.copy(), fp)
    with pytest.raises(CheckFailed, match="booleano"):
        check_array(mask.astype(float), fp)
    with pytest.raises(CheckFailed):
        check_array(~mask, fp)


def test_integers_and_floats_with_equal_values_match():
    check_array(np.arange(6).reshape(2, 3), fingerprint(np.arange(6.0).reshape(2, 3)))


def test_zero_arrays_and_nan():
    fp = fingerprint(np.zeros((3, 3)))
    check_array(np.zeros((3, 3)), fp)
    with pytest.raises(CheckFailed, match="ceros"):
        check_array(np.eye(3), fp)
    with pytest.raises(CheckFailed, match="ceros"):
        check_array(np.zeros((3, 3)), fingerprint(np.eye(3)))
    with pytest.raises(CheckFailed, match="NaN"):
        check_array(np.full((3, 3), np.nan), fingerprint(np.eye(3)))


def test_checks_write_nothing_to_stderr(capsys):
    huge = np.full((3, 3), 1e308)
    with pytest.raises(CheckFailed):
        check_array(huge, fingerprint(np.eye(3)))  # overflow inside the norm: silenced
    check_array(huge, fingerprint(huge))
    assert capsys.readouterr().err == ""


def test_strings():
    fp = string_fingerprint("gato")
    check_str("gato", fp)
    with pytest.raises(CheckFailed):
        check_str("perro", fp)
    with pytest.raises(CheckFailed):
        check_str(b"gato", fp)


def test_prerequisites_name_the_first_wrong_earlier_function_only_when_the_check_fails():
    from cnnlab.checks import CheckFailed, Prerequisites, check_array, fingerprint

    x = np.arange(1.0, 7.0).reshape(2, 3)
    calls = []

    def step(value):
        def compute(values):
            calls.append(value)
            return value
        return compute

    right = Prerequisites(("f", 3, step(x), fingerprint(x)), ("g", 4, step(2 * x), fingerprint(2 * x)))
    with right.explain():  # nothing fails: the earlier functions are not even run
        check_array(x, fingerprint(x))
    assert calls == []
    with pytest.raises(CheckFailed, match="la magnitud"):  # they are right: the check's own reason
        with right.explain():
            check_array(x, fingerprint(2 * x))

    wrong = Prerequisites(("conv_forward", 3, step(x + 1), fingerprint(x)),
                          ("pool_forward", 4, step(x), fingerprint(x)))
    with pytest.raises(CheckFailed, match="^conv_forward da un resultado incorrecto en este caso: "
                                          "corrija primero el ejercicio 3$"):
        with wrong.explain():
            raise AssertionError("el costo no bajó a la mitad")

    def missing(values):
        raise NotImplementedError()

    later = Prerequisites(("conv_forward", 3, step(x), fingerprint(x)),
                          ("pool_forward", 4, lambda v: v["conv_forward"] * 2, fingerprint(2 * x)),
                          ("conv_backward", 5, missing, fingerprint(x)))
    with pytest.raises(CheckFailed, match="^conv_backward aún no está implementada: complete "
                                          "primero el ejercicio 5$"):
        with later.explain():
            raise ValueError("shapes")
