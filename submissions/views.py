"""Pages of the submissions app."""
