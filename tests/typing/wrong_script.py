"""A user's mistake that type checking must catch (CI checks that mypy rejects this file):
a horizon given as a string."""

from rtrl_river import RTRLForecaster


def main() -> None:
    RTRLForecaster().forecast("12")


if __name__ == "__main__":
    main()
