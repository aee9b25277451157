"""Idea platform rules: similar-idea suggestions, ranking, vote merging, validation."""
