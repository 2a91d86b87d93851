"""kzlegal evaluation package."""
