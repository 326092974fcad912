"""Demo content for seed_demo (idempotent)."""


def seed(ctx: dict) -> None:
    """Add this app's demo content. ``ctx`` carries what earlier seeders made (users, union)."""
