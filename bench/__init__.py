"""Benchmarks of the reference mock (``make bench``); run ``bench/run.py``."""
