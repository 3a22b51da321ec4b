"""The `rtrl-river` command line (also `python -m rtrl_river`): compare, forecast, speed and the
quality suite. The library never imports this package."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
