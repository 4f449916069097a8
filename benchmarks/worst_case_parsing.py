"""Worst-case parse times: hostile lines in every place of a notice, at growing lengths.

    make bench              # or: .venv/bin/python benchmarks/worst_case_parsing.py [--quick]

Each family is one long line of one kind of character, put where a notice has a title, a
header value, a numbered heading, a bullet or a body line. For each family it prints the
seconds taken at 10k, 40k and 160k characters, and the growth from 40k to 160k: a linear
parser takes about 4 times longer for 4 times the text (the check allows 5), a quadratic
one 16 times. Then it parses whole 5 MB notices (the upload limit) made of hostile lines,
which must each take at most a second on a machine parsing the samples at 400 notices/s
(the limit scales with the machine's measured speed). It exits 1 when a family grows faster
than linear or a 5 MB notice takes longer than that.
"""

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SIZES = (10_000, 40_000, 160_000)
MAX_GROWTH = 5.0  # time at 160k over time at 40k
FIVE_MB = 5_000_000
# A 5 MB notice takes at most a second on a machine that parses the samples at this rate;
# on a slower or faster one, the limit scales with its speed (these machines vary by 2-3x).
MAX_SECONDS_AT_5_MB = 1.0
REFERENCE_RATE = 400  # sample notices parsed per second

# Runs of one kind of character, each ended by what makes a pattern try hardest to match.
RUNS = {
    "letters": ("a", "1"),
    "capitals": ("A", "1"),
    "digits": ("1", "x"),
    "spaces": (" ", "x"),
    "punctuation": (".", "1"),
    "stars": ("* ", "x"),
    "dashes": ("-", "1"),
    "brackets": ("(", "123456"),
    "accents": ("é", "-1"),
    "words": ("risk ", "."),
    "dates": ("1-", "x"),
    "digit pairs": ("1 ", "x"),
    "moments": ("12/1/26, 8:21 PM ", "x"),
    "addresses": ("http://a.b/c ", "1/8"),
    "ligatures": ("ﬃ", "x"),
}
HEADER = "Security Officer-260063\nPrimary Location: Belgium-Brussels\nGrade: NATO Grade G15\n"
# Where a long line can stand in a notice: {} is the line.
PLACES = {
    "title": "{}\nPrimary Location: Belgium-Brussels\nGrade: G15\n",
    "title with reference": "{}-260063\nPrimary Location: Belgium-Brussels\n",
    "location": "Security Officer-260063\nPrimary Location: {}\nGrade: G15\n",
    "deadline": HEADER + "Application Deadline: {}\n",
    "salary": HEADER + "Salary (Pay Basis): {}\n",
    "grade": "Security Officer-260063\nPrimary Location: Belgium-Brussels\nGrade: {}\n",
    "clearance": HEADER + "Clearance Level: {}\n",
    "organisation": HEADER + "NATO Body: {}\n",
    "numbered heading": HEADER + "Description\n1. SUMMARY{}\n2. DUTIES\nText.\n",
    "bullet": HEADER + "Description\n1. SUMMARY\n- {}\n2. DUTIES\nText.\n",
    "body line": HEADER + "Description\n1. SUMMARY\n{}\n2. DUTIES\nText.\n",
    "french title": HEADER + "Description\nText.\n\n{}-260063\nEmplacement principal: Belgique\n",
    "wrapped title": "VACANCY NOTIFICATION\n{}\n(260063)\nPrimary Location: Belgium-Brussels\n",
    "page edge": HEADER + "Description\n1. SUMMARY\nText\n{}\n\fText.\n{}\n\f",
}
# Whole notices of hostile lines: each repeated up to 5 MB, first as they are (so many
# lines that the notice is refused), then each line made long enough that as many lines as
# a notice may have reach 5 MB.
REPEATED_LINES = {
    "numbered headings": "1. SUMMARY\n",
    "numbered items": "1. a * * * x\n",
    "bullets": "- a\n",
    "header labels": "Grade: G15\n",
    "title lines": "Security Officer-260063\n",
    "risk sentences": "It is rated as a risk. ",
    "flag words": "accompanied relocated budget ",
    "page numbers": "12\n",
    "empty lines": "\n",
    "page breaks": "\f",
    "printed pages": "Text\n12/1/26, 8:21 PM Vacancy notice\nhttp://a.b/notice.html 1/8\n\f",
    "sample notices": None,  # the five samples, one after the other
}


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--quick", action="store_true", help="skip the 5 MB notices")
    options = arguments.parse_args()
    sys.path.insert(0, str(BASE_DIR))
    from vacancies.notices import MAX_LINES, NoticeParseError, parse_notice

    def seconds(text, repeat=5):
        """The best of ``repeat`` runs: the machine's noise only ever adds time."""
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            # Refusing the text quickly is as good as reading it.
            with contextlib.suppress(NoticeParseError):
                parse_notice(text)
            best = min(best, time.perf_counter() - start)
        return best

    failures = []
    samples = [
        path.read_text(encoding="utf-8")
        for path in sorted((BASE_DIR / "fixtures" / "notices").glob("*.txt"))
    ]
    started, parsed = time.perf_counter(), 0
    while time.perf_counter() - started < 2:
        for text in samples:
            parse_notice(text)
            parsed += 1
    rate = parsed / (time.perf_counter() - started)
    limit = MAX_SECONDS_AT_5_MB * REFERENCE_RATE / rate
    print(
        f"This machine parses the sample notices at {rate:.0f} notices/s: a 5 MB notice may "
        f"take {limit:.2f} s here ({MAX_SECONDS_AT_5_MB:g} s at {REFERENCE_RATE} notices/s).\n"
    )
    print("Milliseconds to read a notice with one long line (best of 5):")
    print(f"{'place':22} {'run':12} " + " ".join(f"{n // 1000:>6}k" for n in SIZES) + "  growth")
    for place, template in PLACES.items():
        for run_name, (run, ending) in RUNS.items():
            texts = [template.replace("{}", _line(run, ending, size)) for size in SIZES]
            for repeat in (5, 9, 15):
                # A family that seems to grow too fast is timed again, more times: the
                # machine's noise passes, a pattern that backtracks does not.
                times = [seconds(text, repeat) for text in texts]
                growth = times[2] / max(times[1], 1e-3)  # under 1 ms, noise is all there is
                if growth <= MAX_GROWTH:
                    break
            flag = "" if growth <= MAX_GROWTH else "  <-- superlinear"
            if flag:
                failures.append(f"{place} / {run_name}: x{growth:.1f}")
            print(
                f"{place:22} {run_name:12} "
                + " ".join(f"{t * 1000:7.1f}" for t in times)
                + f"  x{growth:4.1f}{flag}"
            )
    if not options.quick:
        print(f"\nWhole notices of {FIVE_MB / 1e6:.0f} MB:")
        samples = "\n".join(samples)
        longest_line = FIVE_MB // MAX_LINES + 10
        for name, line in REPEATED_LINES.items():
            shapes = {"": line or samples}
            if line and line.strip():
                long_line = _line(line.rstrip("\n"), "", longest_line) + "\n"
                shapes[", long lines"] = long_line
            for shape, text in shapes.items():
                body = text * (FIVE_MB // len(text) + 1)
                if line:
                    body = HEADER + "Description\n" + body
                taken = seconds(body[:FIVE_MB], repeat=1)
                flag = "" if taken <= limit else "  <-- over the limit"
                if flag:
                    failures.append(f"5 MB of {name}{shape}: {taken:.2f} s")
                print(f"  {name + shape:34} {taken:6.2f} s{flag}")
        for run_name, (run, ending) in RUNS.items():
            for place in ("title", "body"):
                line = _line(run, ending, FIVE_MB)
                template = PLACES[place if place == "title" else "body line"]
                taken = seconds(template.replace("{}", line), 1)
                flag = "" if taken <= limit else "  <-- over the limit"
                if flag:
                    failures.append(f"a 5 MB {place} of {run_name}: {taken:.2f} s")
                print(f"  {f'one {place} line of {run_name}':34} {taken:6.2f} s{flag}")
    if failures:
        print("\nToo slow: " + "; ".join(failures))
        sys.exit(1)
    print(f"\nEvery family grows at most x{MAX_GROWTH:.0f} from 40k to 160k characters.")


def _line(run: str, ending: str, size: int) -> str:
    return (run * (size // len(run) + 1))[: size - len(ending)] + ending


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    main()
