"""The timeline picture and the chronology exports (XLSX now, PDF in the background)."""
