"""Ctrl-C while the command line compiles its kernels for the first time: exit status 130 and
no traceback, wherever in the compilation it lands."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPILING = "compiling its numba kernels"  # the estimators' notice, as the compilation starts


@pytest.mark.slow
def test_ctrl_c_during_the_first_compilation_exits_130_without_a_traceback(tmp_path):
    """3 of 11 tries printed a traceback and exited 1: numba calls Python back from inside
    LLVM, where a KeyboardInterrupt is printed as "Exception ignored" and numba then fails with
    "no compiled object yet" as it caches the kernel. Each try compiles into an empty cache
    and is interrupted at another point of the compilation (or of the run after it, which
    lasts half a minute more, to be interrupted too)."""
    for attempt, delay in enumerate([0.0, 0.4, 0.8, 1.3, 1.9, 2.6, 3.4, 4.3, 5.3, 6.5]):
        environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / f"cache {attempt}")}
        process = subprocess.Popen(
            [sys.executable, "-m", "rtrl_river", "compare", "--dataset", "delayed-recall",
             "--learners", "rtrl", "--seeds", "100", "--points", "1",
             "--out", str(tmp_path / f"out {attempt}")],
            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        seen = ""
        for line in process.stderr:
            seen += line
            if COMPILING in line:
                break
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=600)
        err = seen + err
        assert process.returncode == 130, (delay, err[-3000:])
        assert "Traceback" not in err and "Exception ignored" not in err, (delay, err[-3000:])
        assert "interrupted" in err
