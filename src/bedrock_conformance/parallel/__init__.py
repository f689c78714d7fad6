"""pytest-xdist: each worker sends its share of a run's requests, then every worker judges from all of them.

Under ``-n N`` the controller names a directory that its workers share and gives each worker a share index. Before
its first test, worker k of N sends its part of the run: 1/N of each request clause's cases (it draws its own 1/N of
the generated ones, so generation is split too), and whole suites' exercises dealt out between workers (the List
pages go to worker 0). It writes what it recorded into the directory, waits for the other workers' records, and
judges every clause from all of them, so each test's outcome is the clause's outcome in the merged report. The
controller merges only each worker's own results into that report, so nothing is counted twice.
"""

from __future__ import annotations

from .._share import Share
from ._deal import EXERCISES, send_share
from ._pool import Pool, PoolError, pool_from, published

__all__ = ["EXERCISES", "Pool", "PoolError", "Share", "pool_from", "published", "send_share"]
