"""Participant pages: log-in, home, checkpoint scan, check-in, tasks."""
