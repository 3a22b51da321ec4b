"""The developer speed tables (`python benchmarks/tables.py --help`); not part of the package."""
