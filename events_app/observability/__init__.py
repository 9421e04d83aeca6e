"""Logs and metrics for operating the app: one JSON line per request, Prometheus metrics."""
