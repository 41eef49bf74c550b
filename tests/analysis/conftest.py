from tests.detections.conftest import demo  # noqa: F401  (the demo review with its chronology)
