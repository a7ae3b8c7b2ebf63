"""Demo data: national (issue 18)."""


def seed() -> int:
    return 0
