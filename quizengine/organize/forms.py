"""Organizer forms (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, Regexp

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+$", message="Enter an e-mail address.")


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), EMAIL, Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
