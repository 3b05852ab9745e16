"""placements.care.aside: work done in a forked process comes back as it would here, and its failure is raised
where the result is asked for (so the writer's transaction writes nothing)."""

import os

import pytest

from placements.care import aside


def _square_all(numbers):
    return {n: n * n for n in numbers}


def _fails(_):
    raise ValueError("bad record 7")


@pytest.mark.parametrize("fork", [True, False])
def test_the_result_is_what_the_work_gives_here(fork):
    with aside.worked_aside(_square_all, range(5000), fork=fork) as result:
        assert result() == _square_all(range(5000))
        assert result() == _square_all(range(5000))  # asked again: the same, not worked out again


@pytest.mark.skipif(not aside.ENABLED, reason="no fork here")
def test_the_work_runs_in_another_process():
    with aside.worked_aside(os.getpid) as result:
        assert result() != os.getpid()


@pytest.mark.parametrize("fork", [True, False])
def test_a_failure_is_raised_where_the_result_is_asked_for(fork):
    with aside.worked_aside(_fails, None, fork=fork) as result:
        with pytest.raises((aside.WorkAsideFailed, ValueError), match="bad record 7"):
            result()


@pytest.mark.skipif(not aside.ENABLED, reason="no fork here")
def test_leaving_without_asking_ends_the_process():
    with pytest.raises(RuntimeError):
        with aside.worked_aside(_square_all, range(200_000)) as result:  # a result larger than a pipe holds
            raise RuntimeError("the writer failed first")
    with pytest.raises(ChildProcessError):
        os.waitpid(result.pid, os.WNOHANG)  # ended and reaped: no process left behind
