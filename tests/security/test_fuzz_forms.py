"""Bad input never breaks anything (issue 8, part 4): every form on every page, filled by hypothesis.

The forms are found the way a browser finds them: for each URL of the walk (tests/security/test_url_access.py)
the page that shows its form (its own page, or ``FORM_PAGES``) is opened as the administrator, who may use
every form, and each ``<form>`` sending to that URL is read from the HTML (fields, options, values shown).
Hypothesis then fills it with a mix of what the page offers and what no page would (wrong types,
impossible dates, huge numbers, markup, NUL characters, missing and extra fields, tampered hidden fields
such as a formset's counts or a record's version) and sends it. For every submission:

- the answer is never a server error (the test client raises the view's exception, so a crash fails);
- a submission that is refused (anything but a redirect) leaves every record exactly as it was, and
  writes nothing to the audit trail: nothing half-saved;
- a filter (a GET form) writes nothing at all.

Each submission is rolled back afterwards, so every example meets the same world. New pages and forms
are covered as soon as they are in ``ACCESS``, and a URL that takes a POST but whose form no page shows
fails its test until ``FORM_PAGES`` says where the form is (or ``FORMLESS_TARGETS`` why there is none).
"""

from __future__ import annotations

import hashlib
import string
from datetime import date

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import resolve, reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.security.html_forms import Field, Form, page_forms
from tests.security.test_url_access import ACCESS
from tests.security.world import build_world, url_for

pytestmark = pytest.mark.django_db

#: Where the form for a view is shown, when it is not on the view's own page: (page URL from the world).
FORM_PAGES = {
    "search_move": lambda w, u: reverse("search_detail", args=[w.search.pk]),
    "search_note": lambda w, u: reverse("search_detail", args=[w.search.pk]),
    "offer_add": lambda w, u: reverse("search_detail", args=[w.search.pk]),
    "offer_decline": lambda w, u: reverse("search_detail", args=[w.search.pk]),
    "offer_choose": lambda w, u: reverse("search_detail", args=[w.search_offers_shared.pk]),
    "offer_negotiate": lambda w, u: reverse("search_detail", args=[w.search_option_chosen.pk]),
    "search_place": lambda w, u: reverse("search_detail", args=[w.search_approved.pk]),
    "panel_build": lambda w, u: reverse("panel_meeting", args=[w.meeting.pk]),
    "panel_issue": lambda w, u: reverse("panel_issue", args=[w.meeting.pk]),  # the confirmation page
    "import_confirm": lambda w, u: reverse("import_preview", args=[w.upload_token(u)]),
    "import_undo": lambda w, u: reverse("import_record", args=[w.import_record()]),
}
#: POST views no page shows a form for in the test world, with why; they are fuzzed with a bare form.
FORMLESS_TARGETS = {
    # Approve and Refuse show only to a senior manager (the role itself), and forms are read as the administrator.
    "search_approval": lambda w, u: reverse("search_approval", args=[w.search.pk]),
    # The "Mark done" button's template column reads `perms`, which the actions table does not get (reported).
    "panel_action_done": lambda w, u: reverse("panel_action_done", args=[w.action.pk]),
}
#: Not fuzzed here: the home page answers POST as GET; signing in and out are tested on their own.
NOT_FORMS = {"home", "logout"}

#: Dates the fuzzing once found to overflow the trackers' arithmetic (a server error), kept as a regression
#: test: they are now refused as outside 1990-2100.
FAR_DATE_URLS = [
    "/tracker/weekly/?week_ending=9999-12-31",
    "/tracker/weekly/?week_ending=0001-01-01",
    "/tracker/unregulated/?week_ending=0001-01-01",
    "/tracker/residential/?month=0001-01",
    "/tracker/residential/?month=9999-12",
    "/tracker/dashboard/?start=0001-01",
    "/tracker/dashboard/?end=9999-12",
]

TARGETS = sorted(set(ACCESS) - NOT_FORMS)


# --- What goes into a field --------------------------------------------------------------------------

NASTY = [
    "", " ", "0", "-1", "1e309", "NaN", "Infinity", "99999999999999999999999", "-0.001", "0.001", "1,000",
    "£5,000.00", "2024-02-30", "2023-13-01", "0000-00-00", "31/12/2024", "29/02/2023", "2024-W05", "2024-1",
    "NULL", "None", "null", "true", "<script>alert(1)</script>", "' OR '1'='1", "\x00", "a\x00b", "\u202eevil",
    "\ud7ff", "🧒🏽", "Zoë O'Brien-Ñúñez", "x" * 1000, "1" * 40, "%s%n", "{{ 7*7 }}",
]
FAR_DATES = ["9999-12-31", "0001-01-01", "1000-01-01", "9999-12", "0001-01"]
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**12), max_value=10**12).map(str),
)


def value_strategy(field: Field):
    """Values for one field: what the page offers, things near it, and things no page would send."""
    any_text = st.one_of(st.sampled_from(NASTY + FAR_DATES), text)
    first, last = date(1, 1, 1), date(9999, 12, 31)
    dates = st.dates(min_value=first, max_value=last)
    offered = [value for value in field.values if value is not None]
    choices = [st.sampled_from(offered)] if offered else []
    if field.kind in ("select", "radio", "checkbox"):
        one = st.one_of(*choices, any_text, numbers)
        if field.multiple:
            return st.lists(one, max_size=4)
        return one
    if field.kind == "date":
        return st.one_of(dates.map(date.isoformat), dates.map(lambda d: d.strftime("%d/%m/%Y")), any_text)
    if field.kind == "month":
        return st.one_of(
            st.sampled_from(["0000-01", "2024-00", "2024-13", "1900-02"]),
            dates.map(lambda d: d.strftime("%Y-%m")),
            st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(first.year - 1, last.year), st.integers(0, 13)),
            any_text)
    if field.kind == "number":
        return st.one_of(numbers, any_text)
    if field.kind == "hidden":
        return st.one_of(*choices, numbers, any_text)
    if field.kind == "file":
        return st.builds(
            lambda name, content: SimpleUploadedFile(name, content, content_type="text/csv"),
            st.sampled_from(["providers.csv", "episodes.CSV", "notes.txt", "no-extension", ".csv", "a" * 300 + ".csv"]),
            st.one_of(st.binary(max_size=400),
                      st.sampled_from([b"", b"URN,NAME\n", b"\xff\xfe\x00U\x00R\x00N", b"CHILD,DECOM\nX,01/01/2020\n"])),
        )
    return st.one_of(*choices, any_text, numbers)


MISSING = object()


def form_data(form: Form):
    """A submission: each field filled or left out; sometimes a field the form does not have."""
    any_text = st.one_of(st.sampled_from(NASTY), text)
    fields = {
        name: st.one_of(st.just(MISSING), value_strategy(field))
        for name, field in form.fields.items()
        if name != "csrfmiddlewaretoken"
    }
    extra = st.dictionaries(st.sampled_from(["id", "pk", "version", "status", "source", "amount", "TOTAL_FORMS",
                                             "recorded_by", "officer", "is_superuser", "_export"]),
                            any_text, max_size=2)
    return st.builds(lambda chosen, more: {**more, **{k: v for k, v in chosen.items() if v is not MISSING}},
                     st.fixed_dictionaries(fields), extra)


# --- The state of every record, to prove nothing was half-saved ----------------------------------------

#: Written on every request (sessions, sign-in bookkeeping) or by design (who viewed what), not records.
NOT_RECORDS = {"sessions.Session", "audit.AccessEvent", "axes.AccessLog", "axes.AccessAttempt",
               "axes.AccessFailureLog", "axes.AccessAttemptExpiration", "contenttypes.ContentType",
               "auth.Permission", "admin.LogEntry", "auditlog.LogEntry"}


#: Only ever added to: how many rows and the last one say whether anything was written.
APPEND_ONLY = {"audit.ChangeEntry"}


def records_fingerprint() -> str:
    """A digest of every row of every model the app keeps (the audit trail of changes included)."""
    from django.db.models import Count, Max

    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.label in NOT_RECORDS or not model._meta.managed or model._meta.proxy:
            continue
        digest.update(model._meta.label.encode())
        if model._meta.label in APPEND_ONLY:  # may hold thousands of rows other tests left committed
            digest.update(repr(model._base_manager.aggregate(n=Count("pk"), last=Max("pk"))).encode())
            continue
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def send(client, form: Form, data: dict, before: str):
    """Send one submission and roll back whatever it wrote; return the response and whether records changed."""
    with transaction.atomic():
        if form.method == "post":
            response = client.post(form.action, data)
        else:
            response = client.get(form.action, {k: v for k, v in data.items() if not hasattr(v, "read")})
        changed = records_fingerprint() != before
        transaction.set_rollback(True)
    return response, changed


def fuzz_form(client, form: Form, label: str) -> None:
    # Every submission is rolled back, so the records before each one are the records now.
    before = records_fingerprint()

    # Filters are plain GET forms on the heaviest pages (trackers, dashboard): half the examples.
    examples = settings.default.max_examples // (2 if form.method == "get" else 1)

    @settings(settings.default, max_examples=max(examples, 1))
    @given(form_data(form))
    def submit(data):
        response, changed = send(client, form, data, before)
        status = response.status_code
        assert status < 500, f"{label}: {form.method.upper()} {form.action} answered {status} for {data!r}"
        if form.method == "get":
            assert not changed, f"{label}: the filter {form.action} wrote records for {data!r}"
        elif status not in (301, 302, 303):
            assert not changed, (f"{label}: {form.action} refused the submission ({status}) but records changed "
                                 f"(half-saved) for {data!r}")

    submit()


@pytest.fixture
def world(officer):
    return build_world(officer)


def forms_for(client, name: str, world, user) -> list[Form]:
    """The forms that send to view ``name``, from the page that shows them."""
    if name in FORMLESS_TARGETS:
        return [Form(method="post", action=FORMLESS_TARGETS[name](world, user))]
    if name in FORM_PAGES:
        url = FORM_PAGES[name](world, user)
    elif ACCESS[name].get is not None:
        url = url_for(name, world, user)
    else:
        return []
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return [form for form in page_forms(response.content.decode(), response.wsgi_request.path)
            if resolve(form.action.split("?")[0]).url_name == name]


@pytest.mark.parametrize("name", TARGETS)
def test_no_form_breaks_or_half_saves_with_generated_input(client, admin_user, world, name):
    client.force_login(admin_user)
    forms = forms_for(client, name, world, admin_user)
    if ACCESS[name].post is not None:
        assert any(form.method == "post" for form in forms), (
            f"no page in the fuzz world shows a form that posts to {name!r}: say where it is in FORM_PAGES "
            f"(adding the state that shows it to tests/security/world.py), or list it in FORMLESS_TARGETS with why")
    for form in forms:
        fuzz_form(client, form, name)


@pytest.mark.parametrize("url", FAR_DATE_URLS)
def test_far_dates_on_the_trackers_are_refused_not_a_server_error(client, admin_user, url):
    client.force_login(admin_user)
    assert client.get(url).status_code in (200, 400)


def test_signing_in_with_generated_input_never_breaks(client, admin_user):
    form = Form(method="post", action=reverse("login"), fields={
        "username": Field("username", "text", ["ash"]), "password": Field("password", "password", [""]),
        "next": Field("next", "hidden", ["/", "//evil.example/", "https://evil.example/", "/admin/"]),
    })

    @given(form_data(form))
    def submit(data):
        with transaction.atomic():
            response = client.post(reverse("login"), data)
            transaction.set_rollback(True)
        assert response.status_code in (200, 302, 429), data
        if response.status_code == 302:  # signed in: never sent to another site
            assert response.url.startswith("/") and not response.url.startswith("//"), response.url
            client.logout()

    submit()


def test_the_nasty_values_include_every_printable_kind():
    # A guard that the fixed list keeps its breadth when someone edits it.
    assert any(ch in "".join(NASTY) for ch in string.punctuation)
    assert "\x00" in NASTY and any(len(v) >= 1000 for v in NASTY) and FAR_DATES
