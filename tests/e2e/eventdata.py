"""The event the browser tests play: open now, two teams, two checkpoints, a question, a
creative photo challenge and a question that needs no place (for the no-JavaScript checks)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import cos, radians
from zoneinfo import ZoneInfo

ZONE = "Asia/Jakarta"
# Tugu Yogyakarta and the Keraton, about 2.5 km apart.
TUGU = (-7.78290, 110.36707)
KERATON = (-7.80520, 110.36415)
RADIUS_M = 60


def offset(point: tuple[float, float], north_m: float, east_m: float = 0.0) -> tuple[float, float]:
    """A point ``north_m`` metres north and ``east_m`` east of ``point`` (good to ~0.5 % here)."""
    lat, lon = point
    return (lat + north_m / 111_320.0, lon + east_m / (111_320.0 * cos(radians(lat))))


def event_yaml(title: str, *, language: str = "id", team_code_login: bool = False) -> str:
    """The event file, its window from one hour ago to eight hours ahead in WIB."""
    now = datetime.now(ZoneInfo(ZONE)).replace(second=0, microsecond=0)
    starts = (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    ends = (now + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    return f"""\
title: {title}
timezone: {ZONE}
starts: {starts}
ends: {ends}
language: {language}
mode: team
radius_m: 50
speed_weight: 0.5
team_code_login: {"true" if team_code_login else "false"}
teams:
  - name: Kelompok Merapi
    participants:
      - {{name: Agus Setiawan, unit: Dinas Pendidikan}}
      - {{name: Rina Kusumawati, unit: Dinas Kesehatan}}
  - name: Kelompok Progo
    participants:
      - {{name: Eko Prasetyo, unit: Dinas Perhubungan}}
      - {{name: Nur Aini, unit: Dinas Sosial}}
checkpoints:
  - key: tugu
    name: Tugu Yogyakarta
    lat: {TUGU[0]}
    lon: {TUGU[1]}
    radius_m: {RADIUS_M}
    instructions: Kerjakan tugas dari trotoar di salah satu sudut perempatan.
    tasks:
      - type: question
        title: Gempa dan Tugu
        prompt: Pada tahun berapa gempa yang meruntuhkan Tugu Golong-Gilig terjadi?
        choices: ["1755", "1867", "1889"]
        answer: "1867"
        time_limit_s: 600
        points: 100
  - key: keraton
    name: Keraton Ngayogyakarta Hadiningrat
    lat: {KERATON[0]}
    lon: {KERATON[1]}
    radius_m: {RADIUS_M}
    instructions: Berkumpul di depan Bangsal Pagelaran.
    tasks:
      - type: creative
        title: Pose pelayanan
        prompt: Buat satu foto kelompok di depan Pagelaran.
        rubric: Semua anggota terlihat.
        submit: photo
        time_limit_s: 900
        points: 200
tasks:
  - type: question
    title: Ibu kota provinsi
    prompt: Apa nama ibu kota Daerah Istimewa Yogyakarta?
    answer: [Yogyakarta, Kota Yogyakarta, Jogja]
    time_limit_s: 600
    points: 50
"""


@dataclass(frozen=True)
class Login:
    team: str
    name: str
    url: str


def parse_links(csv_text: str) -> list[Login]:
    """The rows of ``flask event links SLUG`` (team,name,login_url)."""
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    return [Login(r["team"], r["name"], r["login_url"]) for r in rows]
