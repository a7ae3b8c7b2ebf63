"""Demo data: surveys (issue 18)."""


def seed() -> int:
    return 0
