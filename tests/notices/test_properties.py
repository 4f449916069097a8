"""Whatever happens to a notice on its way in, the parser answers with a result or with
its own parse error, never with a crash."""

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vacancies.notices import Notice, NoticeParseError, parse_notice_bytes

NOTICES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "notices").glob("*.txt"))
TEXTS = [path.read_text(encoding="utf-8") for path in NOTICES]

notice_texts = st.sampled_from(TEXTS)
checked = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def answers_sensibly(data: bytes) -> Notice | None:
    try:
        notice = parse_notice_bytes(data)
    except NoticeParseError as error:
        assert str(error), "a parse error must say why"
        return None
    assert notice.reference
    notice.as_json()  # every result can be printed
    return notice


@checked
@given(text=notice_texts, newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_any_line_ending_gives_the_same_result(text, newline):
    original = parse_notice_bytes(text.encode()).as_json()
    assert parse_notice_bytes(text.replace("\n", newline).encode()).as_json() == original


@checked
@given(
    text=notice_texts,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_any_encoding_is_read_or_refused_cleanly(text, encoding):
    data = text.encode(encoding, errors="replace")
    answers_sensibly(data)


@checked
@given(
    text=notice_texts,
    space=st.sampled_from([" ", "  ", "\t", "\u00a0", "\u202f"]),
    trailing=st.booleans(),
)
def test_whitespace_changes_keep_the_header(text, space, trailing):
    original = parse_notice_bytes(text.encode())
    lines = [line.replace(" ", space) for line in text.split("\n")]
    if trailing:
        lines = [line + space for line in lines]
    notice = answers_sensibly("\n".join(lines).encode())
    assert notice is not None
    assert notice.reference == original.reference
    assert notice.deadline == original.deadline
    assert notice.grade == original.grade


@checked
@given(text=notice_texts, data=st.data())
def test_header_fields_in_any_order_give_the_same_header(text, data):
    original = parse_notice_bytes(text.encode())
    lines = text.split("\n")
    header = [
        i
        for i, line in enumerate(lines[:40])
        if line.split(":")[0].strip()
        in {"Primary Location", "NATO Body", "Schedule", "Application Deadline", "Grade"}
    ]
    shuffled = data.draw(st.permutations([lines[i] for i in header]))
    for index, line in zip(header, shuffled, strict=True):
        lines[index] = line
    notice = parse_notice_bytes("\n".join(lines).encode())
    assert (notice.deadline, notice.grade, notice.primary_location) == (
        original.deadline,
        original.grade,
        original.primary_location,
    )


@checked
@given(text=notice_texts, cut=st.floats(min_value=0, max_value=1))
@example(text=TEXTS[0], cut=0.0)
def test_truncated_notices_are_read_or_refused_cleanly(text, cut):
    answers_sensibly(text[: int(len(text) * cut)].encode())


@checked
@given(
    text=notice_texts,
    garbage=st.text(min_size=1, max_size=200),
    where=st.floats(min_value=0, max_value=1),
)
def test_inserted_garbage_is_read_or_refused_cleanly(text, garbage, where):
    at = int(len(text) * where)
    answers_sensibly((text[:at] + garbage + text[at:]).encode("utf-8", errors="replace"))


@checked
@given(
    text=notice_texts,
    noise=st.binary(min_size=1, max_size=64),
    where=st.floats(min_value=0, max_value=1),
)
def test_random_bytes_are_read_or_refused_cleanly(text, noise, where):
    data = text.encode()
    at = int(len(data) * where)
    answers_sensibly(data[:at] + noise + data[at:])


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_any_bytes_at_all_are_read_or_refused_cleanly(data):
    answers_sensibly(data)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=2000))
def test_any_text_at_all_is_read_or_refused_cleanly(text):
    answers_sensibly(text.encode("utf-8", errors="replace"))
