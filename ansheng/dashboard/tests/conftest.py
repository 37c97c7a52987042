from ansheng.maps.tests.conftest import extra_sources, sources  # noqa: F401  (shared fixtures)
