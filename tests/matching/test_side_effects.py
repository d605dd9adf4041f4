"""solve() changes two process-wide settings while it runs; it must leave them as found."""

import gc

from demo.synthetic import cohort
from mentorat.matching import MatchingRules, solve
from mentorat.matching.blas import _controls, single_threaded


def test_the_garbage_collector_is_left_as_it_was():
    mentors, mentees, _ = cohort(20, 30, seed=1)
    assert gc.isenabled()
    solve(mentors, mentees, MatchingRules())
    assert gc.isenabled()
    gc.disable()
    try:
        solve(mentors, mentees, MatchingRules())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_blas_threads_are_one_inside_and_restored_after():
    before = [get() for _, get in _controls()]
    with single_threaded():
        assert all(get() == 1 for _, get in _controls())
        with single_threaded():  # nested: still one, and the outer exit restores
            assert all(get() == 1 for _, get in _controls())
        assert all(get() == 1 for _, get in _controls())
    assert [get() for _, get in _controls()] == before
    solve(*cohort(20, 30, seed=1)[:2], MatchingRules())
    assert [get() for _, get in _controls()] == before
