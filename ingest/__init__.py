"""Turning page text into articles. Plain Python: nothing here imports Django."""
