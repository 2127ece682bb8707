"""Organizer pages: authoring, printing, live dashboard, reviews, corrections, exports."""
