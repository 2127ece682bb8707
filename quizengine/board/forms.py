"""Leaderboard forms (none yet)."""
