"""Demo data: outcomes (issue 18)."""


def seed() -> int:
    return 0
