from pathlib import Path

from demo.sample_candidates import sample_csv_bytes
from mentorat.importing import COLUMNS

DOC = Path(__file__).parents[2] / "docs" / "candidates.md"


def test_the_documentation_lists_every_column_with_its_french_and_english_header():
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("|")]

    for column in COLUMNS:
        assert any(line.startswith(f"| {column.french} | {column.english} |") for line in rows), (
            column.name
        )


def test_the_documentation_shows_the_sample_file_as_it_is():
    sample = sample_csv_bytes().decode("cp1252").replace("\r\n", "\n")

    assert sample in DOC.read_text(encoding="utf-8")
