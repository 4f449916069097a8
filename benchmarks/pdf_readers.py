"""Which library reads printed notices best: fidelity, speed and memory, per PDF reader.

    python benchmarks/pdf_readers.py [--seconds N]

Not part of ``make bench``: the readers compared besides pypdf are not the project's
dependencies. Run it with a Python that has them, e.g. a scratch virtualenv:

    python3 -m venv /tmp/readers && /tmp/readers/bin/pip install pypdf pdfminer.six \\
        pdfplumber pypdfium2 && /tmp/readers/bin/python benchmarks/pdf_readers.py

Each reader turns the five sample notices printed to PDF (fixtures/pdf) into text; the text
then goes through the project's own reading and parsing (vacancies.notices, pure Python),
so the readers differ only in the text they give. For each reader:

- **contract**: the checks of tests/expected (header fields, section headings, snippets that
  must or must not appear), as ``parse_notice --json`` is held to them;
- **as text**: how many fields and sections differ from the parse of the same notice's
  text file (its Markdown marks aside): 0 means the PDF reads exactly as the text;
- **speed**: PDF notices read and parsed per second, in this process, on one core;
- **memory**: the largest resident size of a process that reads the five (MB).
"""

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRINTED = sorted((BASE_DIR / "fixtures" / "pdf").glob("*.pdf"))
NOTICES = BASE_DIR / "fixtures" / "notices"
EXPECTED = BASE_DIR / "tests" / "expected"
# How the tests compare a parse with the contract, and a printed notice with its text.
sys.path.insert(0, str(BASE_DIR / "tests" / "notices"))
from contract import as_read, folded  # noqa: E402


def pypdf_plain(data):
    from pypdf import PdfReader

    return "\f".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def pypdf_layout(data):
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return "\f".join(page.extract_text(extraction_mode="layout") or "" for page in pages)


def pdfminer_six(data):
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def pdfplumber_text(data):
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\f".join(page.extract_text() or "" for page in pdf.pages)


def pypdfium2_text(data):
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return "\f".join(page.get_textpage().get_text_range() for page in document)


def this_project(data):
    from vacancies.notices.pdf import read_in_this_process

    return read_in_this_process(data)


READERS = {
    "pypdf, plain": (pypdf_plain, "pypdf"),
    "pypdf, layout": (pypdf_layout, "pypdf"),
    "pdfminer.six": (pdfminer_six, "pdfminer"),
    "pdfplumber": (pdfplumber_text, "pdfplumber"),
    "pypdfium2": (pypdfium2_text, "pypdfium2"),
    "pypdf, plain, with line positions (the project's)": (this_project, "pypdf"),
}


def contract_checks(expected, got):
    """(right, all) for the checks of tests/expected, as check_notices.py counts them."""
    right = total = 0
    for key, want in expected.items():
        if key == "section_headings":
            for language, headings in want.items():
                found = [s["heading"] for s in got["sections"][language] or [] if s["heading"]]
                right += folded(found) == folded(headings)
                total += 1
        elif key == "text_checks":
            sections = {
                (language, folded(s["heading"])): " ".join(s["text"].split()).casefold()
                for language in ("en", "fr")
                for s in got["sections"][language] or []
            }
            everything = json.dumps(got["sections"], ensure_ascii=False)
            for language, heading, snippet in want.get("contains", []):
                text = sections.get((language, folded(heading)), "")
                right += folded(snippet) in text
                total += 1
            for noise in want.get("absent", []):
                right += noise not in everything
                total += 1
            for language, heading, ending in want.get("not_end_with", []):
                text = sections.get((language, folded(heading)), "")
                right += not text.endswith(folded(ending))
                total += 1
        else:
            right += folded(got.get(key)) == folded(want)
            total += 1
    return right, total


def differences(printed, text):
    """How many fields, and sections per language, differ between two parses."""
    count = sum(printed[key] != text[key] for key in text if key != "sections")
    for language in ("en", "fr"):
        ours, theirs = printed["sections"][language] or [], text["sections"][language] or []
        count += abs(len(ours) - len(theirs)) + sum(
            a != b for a, b in zip(ours, theirs, strict=False)
        )
    return count


def measure(name, seconds):
    """In a child process: this reader's figures, as JSON on stdout."""
    sys.path.insert(0, str(BASE_DIR))
    from vacancies.notices import NoticeParseError, parse_notice, parse_notice_bytes

    read = READERS[name][0]
    pdfs = [path.read_bytes() for path in PRINTED]
    right = total = differing = 0
    failures = []
    for path, data in zip(PRINTED, pdfs, strict=True):
        text_form = as_read(
            parse_notice_bytes((NOTICES / f"{path.stem}.txt").read_bytes()).as_json()
        )
        expected = json.loads((EXPECTED / f"{path.stem}.json").read_text(encoding="utf-8"))
        try:
            got = parse_notice(read(data)).as_json()
        except NoticeParseError as error:
            failures.append(f"{path.stem}: {error}")
            total += contract_checks(expected, text_form)[1]
            differing += 1
            continue
        checks = contract_checks(expected, got)
        right, total = right + checks[0], total + checks[1]
        differing += differences(got, text_form)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for data in pdfs:
            with contextlib.suppress(NoticeParseError):
                parse_notice(read(data))
        count += len(pdfs)
    rate = count / (time.perf_counter() - start)
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"right": right, "total": total, "differing": differing, "rate": rate,
            "memory": memory, "failures": failures}  # fmt: skip


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--seconds", type=float, default=10.0, help="time spent per reader")
    arguments.add_argument("--one", help=argparse.SUPPRESS)
    options = arguments.parse_args()
    if options.one:
        print(json.dumps(measure(options.one, options.seconds)))
        return
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    print(f"{len(PRINTED)} printed notices; each reader alone in a process, on one core\n")
    print(f"{'reader':52} {'contract':>10} {'as text':>8} {'notices/s':>10} {'memory MB':>10}")
    for name, (_read, module) in READERS.items():
        try:
            __import__(module)
        except ImportError:
            print(f"{name:52} (not installed: pip install {module})")
            continue
        pin = (lambda: os.sched_setaffinity(0, {min(affinity)})) if affinity else None
        finished = subprocess.run(
            [sys.executable, __file__, "--one", name, "--seconds", str(options.seconds)],
            capture_output=True, text=True, preexec_fn=pin, check=False,
        )  # fmt: skip
        if finished.returncode:
            print(f"{name:52} failed: {finished.stderr.strip().splitlines()[-1:]}")
            continue
        figures = json.loads(finished.stdout)
        contract = f"{figures['right']}/{figures['total']}"
        print(
            f"{name:52} {contract:>10} {figures['differing']:>8} "
            f"{figures['rate']:>10.1f} {figures['memory']:>10.0f}"
        )
        for failure in figures["failures"]:
            print(f"    refused: {failure}")


if __name__ == "__main__":
    main()
