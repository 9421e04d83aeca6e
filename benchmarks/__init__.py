"""Benchmarks: run each as ``.venv/bin/python benchmarks/NAME.py`` (see the README)."""
