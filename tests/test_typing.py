"""The scripts CI type-checks against the editable install (tests/typing/): the user's script
runs as written, so what mypy accepts is code that works."""

import runpy
from pathlib import Path

TYPING = Path(__file__).resolve().parent / "typing"


def test_the_type_checked_user_script_runs(capsys):
    runpy.run_path(str(TYPING / "user_script.py"), run_name="__main__")
    assert "(5,) 2 (30,) 12" in capsys.readouterr().out
