"""`python -m rtrl_river` is the `rtrl-river` command."""

import sys

from .cli import main

sys.exit(main())
