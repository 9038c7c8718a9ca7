"""Support for tests and benchmarks that run xuncha as real processes (never imported by the site)."""
