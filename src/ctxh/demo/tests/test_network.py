import pytest

from ctxh.demo.network import allocate


def test_allocation_is_exact_and_respects_capacity():
    caps = [5, 100, 40, 3]
    parts = allocate(140, [50, 90, 40, 30], caps)
    assert sum(parts) == 140 and all(p <= c for p, c in zip(parts, caps))
    assert sorted(allocate(7, [1, 1, 1])) == [2, 2, 3]
    assert allocate(0, [1, 2]) == [0, 0]
    with pytest.raises(ValueError):
        allocate(10, [1], [9])
