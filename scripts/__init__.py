"""Benchmarks and tools run from the checkout (`make bench`); a package so that tests and
scripts import the shared helpers as `scripts.stack`."""
