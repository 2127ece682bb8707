"""Participant forms (Flask-WTF)."""
