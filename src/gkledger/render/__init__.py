"""Renderers: the same report data as terminal tables, JSON, CSV and export formats."""
