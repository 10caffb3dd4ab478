"""Targeting and universalism: proxy-means tests, targeting metrics, equal-budget designs."""
