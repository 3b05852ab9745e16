"""Locust users for ``bench/load.sh``: staff of the demo authority signed in and reading the main pages.

Each simulated user signs in through the real sign-in form (with its CSRF token) as one of the demo
logins whose role reads every page in the mix, then opens the pages people open most, pausing between
pages (``THINK_MIN`` to ``THINK_MAX`` seconds). A page that sends the user back to sign in is a failure.

The measured minute starts once every user has signed in: signing in is slow on purpose (the password
hash takes a deliberate fraction of a second), and 50 people do not all sign in in the same second. Users
wait for the last one, the sign-in figures are kept apart (``LOAD_SIGN_IN_JSON``), the statistics reset,
each user starts after a pause of its own (people do not all click at once), and the run stops
``MEASURE_SECONDS`` later.
"""

from __future__ import annotations

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
# Roles that read every page below (a panel member reads only the panel and the home page).
LOGINS = itertools.cycle(["officer", "manager", "director", "chair", "admin"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHILD_LINK = re.compile(r'href="/children/(\d+)/"')
SIGN_IN_REQUESTS = [("GET", "sign in (form)"), ("POST", "sign in"), ("GET", "children list (after sign in)")]

signed_in = 0
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


@events.quitting.add_listener
def _(environment, **_kwargs):
    # Make the exit status say nothing about errors: bench/load.py reports them.
    environment.process_exit_code = 0
