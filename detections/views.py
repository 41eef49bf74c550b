"""Pages of the detections app."""
