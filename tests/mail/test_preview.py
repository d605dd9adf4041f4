import shutil
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from demo.mail_preview import main
from demo.mail_samples import variants

CHROMIUM = Path("/usr/bin/chromium")


def test_the_preview_writes_every_sample_as_eml_and_html(tmp_path: Path):
    assert main([str(tmp_path)]) == 0
    names = [name for name, _, _ in variants()]
    assert sorted(p.stem for p in tmp_path.glob("*.eml")) == sorted(names)
    assert sorted(p.stem for p in tmp_path.glob("*.html")) == sorted(names)
    parsed = message_from_bytes(
        (tmp_path / "workshop_invitation.eml").read_bytes(), policy=policy.default
    )
    assert any(part.get_filename() == "invitation.ics" for part in parsed.walk())


def test_the_preview_needs_an_output_folder():
    assert main([]) == 2


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_a_phone_sized_screenshot_of_the_check_in_is_not_blank(tmp_path: Path):
    main([str(tmp_path)])
    shot = tmp_path / "checkin_request.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=390,1400",
            f"--screenshot={shot}",
            (tmp_path / "checkin_request.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.stat().st_size > 10_000
    shutil.rmtree(tmp_path, ignore_errors=True)
