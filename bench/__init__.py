"""Benchmarks and the load test (run by `make bench`; a reduced load test runs in `make test`)."""
