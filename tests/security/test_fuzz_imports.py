"""Bad input never breaks an import (issue 8, part 4): every parser of ``placements.imports``, fed by hypothesis.

Each import kind's ``plan(files)`` gets generated files of three sorts:

- bytes: anything at all (binary, other encodings, a BOM, truncated text);
- tables with the real headers and random cells (codes, dates in any shape, numbers, text, blanks, NULL);
- the example files of ``fixtures/`` with some cells, rows and bytes changed, saved in another encoding or
  with other line endings: near-valid files that reach the deepest checks.

And for every file:

- the plan returns a result with bad rows or changes, and never raises;
- the plan writes nothing;
- a plan with bad rows is refused by ``apply`` (``ImportRefused``), which writes nothing;
- a plan with no bad rows applies without an error, and planning the same files again finds nothing new
  or changed (a good file re-imported changes nothing).

Each apply is rolled back, so every example meets the same database: the fixtures' providers, children,
placements and costs.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from placements.imports import KINDS, ImportRefused, SourceFile
from placements.imports import costs, providers, ssda903_codes
from tests.security.test_fuzz_forms import records_fingerprint

pytestmark = pytest.mark.django_db

FIXTURES = settings.BASE_DIR / "fixtures"
EXAMPLE_FILES = {
    "providers": ["providers.csv"],
    "ofsted": ["ofsted_provider_level.csv"],
    "ssda903": ["ssda903_header.csv", "ssda903_episodes.csv"],
    "costs": ["costs.csv"],
}


def _fixture_header(name: str) -> tuple[str, ...]:
    with open(FIXTURES / name, encoding="utf-8-sig", newline="") as file:
        return tuple(next(csv.reader(file)))


HEADERS = {
    "providers": [providers.COLUMNS],
    "ofsted": [_fixture_header("ofsted_provider_level.csv")],
    "ssda903": list(ssda903_codes.TABLES.values()),
    "costs": [costs.COLUMNS],
}


@pytest.fixture
def database_with_the_examples(db):
    """The fixtures imported in order, so costs and returns meet children, placements and providers."""
    for kind in ("providers", "ofsted", "ssda903", "costs"):
        kind_ = KINDS[kind]
        plan = kind_.plan([SourceFile.from_path(FIXTURES / name) for name in EXAMPLE_FILES[kind]])
        assert plan.result.ok, plan.result.errors
        kind_.apply(plan)


# --- Files ----------------------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "ascii"]
CELLS = st.one_of(
    st.sampled_from(["", " ", "NULL", "null", "0", "-1", "1.5", "1e9", "9" * 30, "01/01/2020", "31/02/2024",
                     "1/1/20", "2020-01-01", "00/00/0000", "29/02/2023", "29/02/2024", "01/01/0001", "31/12/9999",
                     "P", "L", "S", "B", "T", "U", "C2", "V3", "V4", "K2", "U4", "T1", "T4", "Z1", "PR1", "PR4", "PR0",
                     "X1", "E11", "CREQB", "M", "F", "U", "1", "2", "WBRI", "core", "additional", "internal",
                     "external", "yes", "no", "childrens_home", "fostering_agency", "Good", "Inadequate",
                     "Requires improvement to be good", "Outstanding", "Active", "Closed", "SC900001", "EX0001",
                     "=cmd|' /C calc'!A0", "\"quoted, comma\"", "line\nbreak", "\x00", "é", "–"]),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20),
)


def write_csv(header, rows, *, encoding="utf-8", line_end="\r\n", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def table_files(kind: str):
    """Files with one of the kind's real headers (columns maybe shuffled, dropped or added) and random cells."""

    @st.composite
    def build(draw):
        files = []
        for number in range(draw(st.integers(1, 3))):
            header = list(draw(st.sampled_from(HEADERS[kind])))
            if draw(st.booleans()):
                header = draw(st.permutations(header))
            if draw(st.integers(0, 4)) == 0 and header:
                header.pop(draw(st.integers(0, len(header) - 1)))
            if draw(st.integers(0, 4)) == 0:
                header.append(draw(st.sampled_from(["EXTRA", "", "CHILD", "urn"])))
            rows = draw(st.lists(st.lists(CELLS, min_size=len(header) - 1, max_size=len(header) + 1), max_size=8))
            data = write_csv(header, rows, encoding=draw(st.sampled_from(ENCODINGS)),
                             line_end=draw(st.sampled_from(["\r\n", "\n", "\r"])),
                             delimiter=draw(st.sampled_from([",", ",", ",", ";", "\t"])))
            files.append(SourceFile(name=f"generated-{number}.csv", data=data))
        return files

    return build()


def changed_examples(kind: str):
    """The kind's example files with some cells, rows or bytes changed, or saved differently."""

    @st.composite
    def build(draw):
        files = []
        for name in EXAMPLE_FILES[kind]:
            with open(FIXTURES / name, encoding="utf-8-sig", newline="") as file:
                header, *rows = list(csv.reader(file))
            rows = [list(row) for row in rows]
            for _ in range(draw(st.integers(0, 4))):
                if not rows:
                    break
                row = draw(st.integers(0, len(rows) - 1))
                what = draw(st.sampled_from(["cell", "cell", "cell", "drop", "twice"]))
                if what == "cell" and rows[row]:
                    rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(CELLS)
                elif what == "drop":
                    rows.pop(row)
                else:
                    rows.append(list(rows[row]))
            data = write_csv(header, rows, encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
                             line_end=draw(st.sampled_from(["\r\n", "\n"])))
            if draw(st.integers(0, 5)) == 0:  # cut short, mid-line or mid-character
                data = data[: draw(st.integers(0, len(data)))]
            files.append(SourceFile(name=name, data=data))
        return files

    return build()


def any_bytes():
    return st.lists(
        st.builds(SourceFile, name=st.sampled_from(["a.csv", "", "../../etc/passwd", "x" * 300]),
                  data=st.one_of(st.binary(max_size=300),
                                 st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b",,,\n,,,\n", b"\n\n\n",
                                                  b'"unterminated\n', b"a\x00b,c\n1,2\n"]))),
        min_size=1, max_size=3)


# --- The properties ---------------------------------------------------------------------------------------


def check_import(kind: str, files: list[SourceFile], before: str) -> None:
    importer = KINDS[kind]
    plan = importer.plan(files)
    result = plan.result
    if result.errors:  # every bad row says where and why
        assert all(error.reason.strip() and error.line >= 1 for error in result.errors), result.errors
    else:
        assert all(min(c.new, c.changed, c.unchanged) >= 0 for c in result.counts.values())
    assert records_fingerprint() == before, f"{kind}: planning wrote records"
    with transaction.atomic():
        if result.errors:
            with pytest.raises(ImportRefused):
                importer.apply(plan)
            assert records_fingerprint() == before, f"{kind}: a refused import wrote records"
        else:
            importer.apply(plan)
            again = importer.plan(files).result
            assert again.ok and again.new == 0 and again.changed == 0, (
                f"{kind}: importing the same files again would change {again.summary()}")
        transaction.set_rollback(True)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_any_bytes_give_bad_rows_or_a_plan_and_write_nothing(database_with_the_examples, kind):
    before = records_fingerprint()

    @given(any_bytes())
    def check(files):
        check_import(kind, files, before)

    check()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_real_headers_with_random_cells_never_break_an_import(database_with_the_examples, kind):
    before = records_fingerprint()

    @given(table_files(kind))
    def check(files):
        check_import(kind, files, before)

    check()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_example_files_changed_a_little_never_break_an_import(database_with_the_examples, kind):
    before = records_fingerprint()

    @given(changed_examples(kind))
    def check(files):
        check_import(kind, files, before)

    check()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_nul_character_is_a_bad_row_not_a_crash(database_with_the_examples, kind):
    files = []
    for name in EXAMPLE_FILES[kind]:
        header, first, *rest = (FIXTURES / name).read_text(encoding="utf-8-sig").splitlines()
        files.append(SourceFile(name, "\n".join([header, "\x00" + first, *rest, ""]).encode()))
    result = KINDS[kind].plan(files).result
    assert result.errors, f"{kind}: a NUL character imported as if it were text"
    assert {error.line for error in result.errors} <= {1, 2}, result.errors  # the header or the row that holds it
    check_import(kind, files, records_fingerprint())


def test_every_import_kind_is_fuzzed():
    assert set(KINDS) == set(EXAMPLE_FILES) == set(HEADERS)
