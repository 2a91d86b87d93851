"""kzlegal retrieval package."""
