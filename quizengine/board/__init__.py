"""Leaderboards: participant view, organizer view, projector page."""
