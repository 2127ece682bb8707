"""Flask-free domain library of quizengine: geofence, position flags, codes, scoring, answers,
time zones, QR codes and printable sheets.

Nothing in this package imports Flask, SQLAlchemy or ``quizengine``: it holds pure functions and
small frozen dataclasses only, so it is unit-tested without an application or a database and can
be reused by the CLI, the web app and the benchmarks alike.
"""
