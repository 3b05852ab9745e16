"""The upload page explains itself (issue 19, item 6): what each kind takes, example files, and which kind a
file of the wrong kind looks like."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.imports import KINDS, SourceFile, guide
from placements.models import Child, CostLine, OfstedInspection, Provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_every_example_file_imports_as_it_is_into_an_empty_authority():
    for slug in ("providers", "ofsted", "ssda903", "costs"):
        files = [SourceFile(f.name, f.as_csv().encode()) for f in guide.GUIDES[slug].files]
        plan = KINDS[slug].plan(files)
        assert plan.result.ok, [str(e) for e in plan.result.errors]
        KINDS[slug].apply(plan)
        assert plan.result.new > 0, slug
    assert (Provider.objects.count(), OfstedInspection.objects.count(), Child.objects.count(),
            CostLine.objects.count()) == (2, 1, 2, 1)
    assert all(ref.startswith("EX") for ref in Child.objects.values_list("case_ref", flat=True))  # made up


def test_the_upload_page_lists_each_kinds_columns_the_date_format_and_its_examples(manager_client):
    page = manager_client.get(reverse("import_upload")).content.decode()
    assert "dd/mm/yyyy" in page and "README" not in page and "manage.py" not in page
    for slug, kind_guide in guide.GUIDES.items():
        assert KINDS[slug].label in page
        for number, file in guide.numbered_files(slug):
            assert reverse("import_example", args=[number]) in page
            for column in file.columns:
                assert f"<code>{column.name}</code>" in page


def test_an_example_downloads_as_the_csv_the_import_takes(manager_client):
    [(number, _file)] = guide.numbered_files("costs")
    response = manager_client.get(reverse("import_example", args=[number]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="example-costs.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert tuple(rows[0]) == ("CHILD", "DECOM", "KIND", "DESCRIPTION", "WEEKLY_AMOUNT", "FROM", "TO")
    assert manager_client.get(reverse("import_example", args=[len(guide.EXAMPLES) + 1])).status_code == 404


@pytest.mark.parametrize("chosen, given, label", [
    ("ssda903", "providers", "Providers"),
    ("providers", "ofsted", "Ofsted provider-level data"),
    ("costs", "ssda903", "SSDA903 return"),
    ("ofsted", "costs", "Cost lines"),
])
def test_a_file_of_another_kind_says_which_kind_it_looks_like(manager_client, chosen, given, label):
    example = guide.GUIDES[given].files[-1]
    upload = SimpleUploadedFile(example.name, example.as_csv().encode(), content_type="text/csv")
    response = manager_client.post(reverse("import_upload"), {"kind": chosen, "files": [upload]})
    page = manager_client.get(response.url).content.decode()
    assert f"This looks like a file for \u201c{label}\u201d: choose {label} and upload it again." in page


def test_a_file_of_no_kind_says_only_which_columns_were_expected():
    plan = KINDS["costs"].plan([SourceFile("children.csv", b"NAME,AGE\nSam,12\n")])
    [error] = plan.result.errors
    assert "Expected the columns of costs" in error.reason and "looks like" not in error.reason
