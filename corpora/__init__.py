"""kzlegal corpora package."""
