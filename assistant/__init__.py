"""kzlegal assistant package."""
