"""`python -m pipelines`: one command in one short-lived process.

Python's cyclic garbage collector is switched off for it. Importing and running dbt creates a few
hundred thousand long-lived objects; at 1M tickets the collector's passes over them took 0.6 s of
a build (timed with gc.callbacks). Once the command has returned and the exit handlers have run,
the process ends with os._exit: that skips tearing down every module, which took about 0.5 s after
a build. By then every DuckDB database has been closed and every file written and renamed by the
command itself. An exception or SystemExit (usage errors) leaves the usual way.
"""

import atexit
import gc
import os
import sys

gc.disable()

from .cli import main  # noqa: E402  (after gc.disable: the imports are most of those objects)

code = main()
atexit._run_exitfuncs()  # what a normal exit runs: multiprocessing's and logging's clean-up
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
