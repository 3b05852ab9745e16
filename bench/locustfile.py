"""Locust users for ``bench/load.sh``: staff of the demo authority signed in, reading the main pages and,
one request in ten, writing (issue 17: "50 users, 10% writes").

Each simulated user signs in through the real sign-in form (with its CSRF token) as one of the demo
logins whose role reads every page in the mix, then opens the pages people open most, pausing between
pages (``THINK_MIN`` to ``THINK_MAX`` seconds). A page that sends the user back to sign in is a failure.

The writes are what an office saves all day: a note in a search's chronology (a table no figure reads) and a
change to a child's record through its edit form (a table every figure reads, so each makes the trackers and
the dashboard compute again). People whose role cannot write (director, chair) read a page instead.

The measured minute starts once every user has signed in: signing in is slow on purpose (the password
hash takes a deliberate fraction of a second), and 50 people do not all sign in in the same second. Users
wait for the last one, the sign-in figures are kept apart (``LOAD_SIGN_IN_JSON``), the statistics reset,
each user starts after a pause of its own (people do not all click at once), and the run stops
``MEASURE_SECONDS`` later.
"""

from __future__ import annotations

import html.parser
import itertools
import json
import os
import random
import re

import gevent
import gevent.event
from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "placements-demo")
THINK = (float(os.environ.get("THINK_MIN", "1")), float(os.environ.get("THINK_MAX", "3")))
MEASURE_SECONDS = float(os.environ.get("MEASURE_SECONDS", "60"))
SIGN_IN_JSON = os.environ.get("LOAD_SIGN_IN_JSON", "")
#: Where the saves refused because someone else had just saved the same record are counted (issue 14's
#: lost-update guard at work: the person is told and keeps their input; not an error of the app).
CONFLICTS_JSON = os.environ.get("LOAD_CONFLICTS_JSON", "")
STALE = ("Someone else changed this record since you opened it", "Someone else changed this search since you opened it")
ERROR_ITEM = re.compile(r'<ul class="govuk-list govuk-error-summary__list">\s*<li>\s*(?:<a [^>]*>)?([^<]+)')
# Roles that read every page below (a panel member reads only the panel and the home page).
LOGINS = itertools.cycle(["officer", "manager", "director", "chair", "admin"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHILD_LINK = re.compile(r'href="/children/(\d+)/"')
SEARCH_LINK = re.compile(r'href="/placements/searches/(\d+)/"')
WRITERS = {"officer", "manager", "admin"}
SIGN_IN_REQUESTS = [("GET", "sign in (form)"), ("POST", "sign in"), ("GET", "children list (after sign in)")]

signed_in = 0
conflicts: dict[str, int] = {}
everyone_signed_in = gevent.event.Event()


def start_the_measured_minute(environment) -> None:
    stats = environment.runner.stats
    kept = {}
    for method, name in SIGN_IN_REQUESTS:
        entry = stats.get(name, method)
        kept[name] = {
            "requests": entry.num_requests, "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5), "p95": entry.get_response_time_percentile(0.95),
            "max": entry.max_response_time,
        }
    if SIGN_IN_JSON:
        with open(SIGN_IN_JSON, "w", encoding="utf-8") as file:
            json.dump(kept, file)
    stats.reset_all()
    everyone_signed_in.set()
    gevent.spawn_later(MEASURE_SECONDS, environment.runner.quit)


class FormFields(html.parser.HTMLParser):
    """The values a browser would send for the first form holding ``field`` (inputs, selects, textareas)."""

    def __init__(self, field: str):
        super().__init__()
        self.field, self.forms, self.current, self.select, self.textarea = field, [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {}
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            if attrs.get("type") not in ("submit", "button", "file"):
                self.current[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and ("selected" in attrs or self.select not in self.current):
            self.current[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            self.current[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def values(self, page: str) -> dict:
        self.feed(page)
        return next((form for form in self.forms if self.field in form), {})


class StaffMember(HttpUser):
    wait_time = between(*THINK)

    def on_start(self):
        global signed_in
        try:
            self.sign_in()
        finally:
            signed_in += 1
            if signed_in == self.environment.parsed_options.num_users:
                start_the_measured_minute(self.environment)
        everyone_signed_in.wait()
        gevent.sleep(random.uniform(0, THINK[1]))

    def sign_in(self):
        self.username = next(LOGINS)
        page = self.client.get("/login/", name="sign in (form)")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/login/", {"username": self.username, "password": PASSWORD,
                                          "csrfmiddlewaretoken": token},
                              headers={"Referer": self.host + "/login/"}, name="sign in",
                              catch_response=True) as response:
            if response.url.rstrip("/").endswith("/login"):
                response.failure(f"{self.username} could not sign in")
        children = self.client.get("/children/", name="children list (after sign in)")
        self.children = CHILD_LINK.findall(children.text) or ["1"]
        self.searches = []
        if self.username in WRITERS:  # a director or chair may not open the searches (403)
            searches = self.client.get("/placements/searches/", name="searches list (after sign in)")
            self.searches = SEARCH_LINK.findall(searches.text)

    def post_form(self, path: str, field: str, changes: dict, name: str, action: str | None = None):
        """Open the page, fill in its form as it stands with ``changes``, and send it to ``action`` (the page
        itself unless said): a read, then the write."""
        page = self.client.get(path, name=f"{name} (form)")
        values = FormFields(field).values(page.text)
        if not values:
            return
        values.update(changes)
        with self.client.post(action or path, values, headers={"Referer": self.host + path}, name=name,
                              catch_response=True) as response:
            if response.status_code >= 400 or "/login/" in response.url:
                response.failure(f"not saved ({response.status_code})")
            elif any(message in response.text for message in STALE):
                # Two people saved the same record within a second of each other: the second is told so.
                conflicts[name] = conflicts.get(name, 0) + 1
            elif "govuk-error-summary" in response.text:
                reason = ERROR_ITEM.search(response.text)
                response.failure(f"the form was refused: {reason.group(1).strip() if reason else 'no reason shown'}")

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            if "/login/" in response.url:
                response.failure("sent back to sign in")

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(3)
    def weekly_tracker(self):
        self.page("/tracker/weekly/", "weekly tracker")

    @task(1)
    def unregulated(self):
        self.page("/tracker/unregulated/", "unregulated report")

    @task(1)
    def residential(self):
        self.page("/tracker/residential/", "residential tracker")

    @task(1)
    def dashboard(self):
        self.page("/tracker/dashboard/", "dashboard")

    @task(3)
    def children_list(self):
        self.page("/children/", "children list")

    @task(4)
    def child_page(self):
        self.page(f"/children/{random.choice(self.children)}/", "a child's page")

    @task(2)
    def placements_list(self):
        self.page("/placements/", "placements list")

    @task(2)
    def panel(self):
        self.page("/panel/", "panel")

    # --- Writes: about one request in ten (each is a read of the form, then the save) ---------------------

    @task(1)
    def search_note(self):
        if self.username not in WRITERS or not self.searches:
            return self.home()
        search = random.choice(self.searches)
        self.post_form(f"/placements/searches/{search}/", "note-text",
                       {"note-kind": "note", "note-text": "Rang the provider: no change."},
                       "save: a note on a search", action=f"/placements/searches/{search}/note/")

    @task(1)
    def child_edit(self):
        if self.username not in WRITERS:
            return self.home()
        child = random.choice(self.children)
        self.post_form(f"/children/{child}/edit/", "social_worker",
                       {"social_worker": f"Social worker {random.randint(1, 40)}"}, "save: a child's record")


@events.quitting.add_listener
def _(environment, **_kwargs):
    # Make the exit status say nothing about errors: bench/load.py reports them.
    environment.process_exit_code = 0
    if CONFLICTS_JSON:
        with open(CONFLICTS_JSON, "w", encoding="utf-8") as file:
            json.dump(conflicts, file)
