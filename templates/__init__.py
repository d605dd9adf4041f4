"""The Jinja2 templates, shipped as package data: `emails/` for every email Mentorat sends,
`web/` for the participant pages, `reports/` for the cohort's bilan. Code finds them here,
installed or not."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
EMAILS_DIR = HERE / "emails"
WEB_DIR = HERE / "web"
REPORTS_DIR = HERE / "reports"
