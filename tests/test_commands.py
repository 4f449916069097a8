"""parse_notice as a person runs it in a terminal: output, messages and exit status."""

import json
from pathlib import Path

import pytest
from pdf_files import many_pages, notice_pdf

NOTICES = Path(__file__).resolve().parent.parent / "fixtures" / "notices"
EXPECTED = Path(__file__).resolve().parent / "expected"


def test_parse_notice_json_prints_one_object_per_file_in_order(manage):
    files = sorted(NOTICES.glob("*.txt"))
    result = manage("parse_notice", "--json", *files)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line)["reference"] for line in lines] == [
        json.loads((EXPECTED / f"{path.stem}.json").read_text())["reference"] for path in files
    ]
    assert result.stderr == ""


def test_parse_notice_json_follows_the_contract(manage):
    result = manage("parse_notice", "--json", NOTICES / "002_0713b456fdec9bde.txt")
    data = json.loads(result.stdout)
    assert set(data) == {
        "reference", "title", "organisation", "primary_location", "other_locations",
        "schedule", "deadline", "deadline_ongoing", "salary", "grade", "clearance",
        "risk_level", "unaccompanied", "pending_budget_approval", "sections",
    }  # fmt: skip
    assert data["salary"] == {"amount": "3833.04", "currency": "EUR", "period": "monthly"}
    assert data["deadline"] == "2024-05-05T23:59:59+02:00"
    assert all(set(s) == {"heading", "text"} for s in data["sections"]["en"])


def test_parse_notice_without_json_prints_a_readable_summary(manage):
    result = manage("parse_notice", NOTICES / "000_0f606890594e4ec3.txt")
    assert result.returncode == 0
    assert "260063  Head, Comprehensive Assistance Package Section" in result.stdout
    assert "Chef de la Section CAP" in result.stdout
    assert "Grade:          G20" in result.stdout


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02\x03binary", "the file is binary, not text"),
        (
            b"Shopping list: eggs, milk.\n",
            "not a vacancy notice: no title with a reference and no header fields found",
        ),
        (b"Analyst-123456\nApplication Deadline: soon\n", "cannot read the deadline 'soon'"),
    ],
)
def test_parse_notice_names_the_file_and_the_reason_and_exits_2(manage, tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = manage("parse_notice", "--json", bad)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"{bad}: {reason}"]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_parse_notice_reports_bad_files_and_still_prints_the_good_ones(manage, tmp_path):
    missing = tmp_path / "missing.txt"
    result = manage(
        "parse_notice", "--json", missing, tmp_path, NOTICES / "001_fdb992f5b67e8e86.txt"
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{missing}: no such file",
        f"{tmp_path}: is a folder, not a notice file",
    ]
    assert json.loads(result.stdout)["reference"] == "260066"


def test_parse_notice_reads_a_pdf_through_the_same_door_as_the_admin(manage, tmp_path):
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(notice_pdf((NOTICES / "001_fdb992f5b67e8e86.txt").read_text(encoding="utf-8")))
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(many_pages(98_000))
    result = manage("parse_notice", "--json", pdf, bomb)
    assert result.returncode == 2
    assert json.loads(result.stdout)["title"]["fr"] == "Gestionnaire de projet CAP"
    assert result.stderr.strip() == (
        f"{bomb}: the PDF has 98,000 pages, more than the 50 a notice may have"
    )


def test_parse_notice_does_not_start_the_database(manage, tmp_path):
    data_dir = tmp_path / "postgres"
    result = manage(
        "parse_notice", NOTICES / "000_0f606890594e4ec3.txt",
        env={"DATABASE_URL": None, "EMBEDDED_POSTGRES_DIR": data_dir},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists()
