"""The integrated chronology pages: the merged table, entries with their history, duplicates and disputes."""
