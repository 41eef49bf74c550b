"""Pages of the analysis app."""
