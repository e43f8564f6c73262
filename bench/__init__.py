"""Benchmarks and the quality gate. Run each as ``python -m bench.<name>``."""
