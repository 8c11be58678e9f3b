import shutil
import subprocess

import pytest

POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo") and \
    shutil.which("pdffonts")


def poppler(tool: str, pdf_bytes: bytes, tmp_path, *args: str) -> str:
    """Run a poppler-utils tool on `pdf_bytes`; its text output."""
    if not POPPLER:
        pytest.skip("poppler-utils (pdftotext, pdfinfo, pdffonts) not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf_bytes)
    out = [tmp_path / "out.txt"] if tool == "pdftotext" else []
    result = subprocess.run([tool, *args, str(path), *map(str, out)],  # noqa: S603
                            capture_output=True, text=True, check=True)
    return out[0].read_text() if out else result.stdout


@pytest.fixture
def author():
    from tests import factories

    return factories.user("responder", name="Ada Author")


@pytest.fixture
def written_pm(author):
    from tests.domain.exports import records

    return records.written(records.outage(author), author)
