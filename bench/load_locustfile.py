"""The users of the load benchmark (bench/load.py): logged-in people reading casework.

Run by ``bench/load.py`` only, which prepares the server and writes the plan this file reads
(``LOAD_PLAN``: a JSON file with one session cookie per user and, per authority, case codes,
states and officers to filter by). Each simulated user keeps one session and waits 0.5–1.5 s
between requests. The mix: 35 % case list (a filter variant; half of them as the htmx fragment
the filter form asks for, as in the browser), 30 % case page, 15 % dashboard, 20 % knowledge
search.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import urllib.parse
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
_SESSIONS = itertools.cycle(PLAN["sessions"])

# Words people look for in the knowledge base, in the six languages of the interface.
KNOWLEDGE_QUERIES = (
    "mutual legal assistance",
    "extradition",
    "money laundering",
    "confiscation",
    "corruption",
    "dual criminality",
    "司法协助",
    "引渡",
    "entraide judiciaire",
    "экстрадиция",
    "asistencia judicial",
    "تسليم",
)


def _list_params(authority: dict[str, Any], rng: random.Random) -> dict[str, str]:
    """One of the filters people use on the case list."""
    variant = rng.randrange(10)
    if variant == 0:
        return {}
    if variant == 1:
        return {"status": "open"}
    if variant == 2:
        return {"direction": "incoming", "kind": "mla"}
    if variant == 3:
        return {"state": rng.choice(authority["states"])}
    if variant == 4:
        return {"overdue": "1"}
    if variant == 5:
        return {"q": rng.choice(authority["words"])}
    if variant == 6:
        return {"sort": "deadline"}
    if variant == 7:
        return {"page": str(rng.randint(2, 20))}
    if variant == 8:
        return {"officer": rng.choice(authority["officers"])}
    return {"status": "open", "sort": "deadline", "page_size": "50"}


class CaseworkUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        session = next(_SESSIONS)
        self.client.cookies.set(PLAN["cookie_name"], session["cookie"])
        self.authority = PLAN["authorities"][session["authority"]]
        self.rng = random.Random()  # noqa: S311 — which page to ask for, not a secret

    def _get(self, url: str, name: str, htmx: bool = False) -> None:
        """GET ``url``; a page that sends the user to the login form counts as an error."""
        headers = {"HX-Request": "true"} if htmx else {}
        with self.client.get(url, name=name, headers=headers, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}")
            elif "/accounts/login" in str(answer.url):
                answer.failure("not logged in")
            else:
                answer.success()

    @task(35)
    def case_list(self) -> None:
        params = _list_params(self.authority, self.rng)
        url = "/cases/" + ("?" + urllib.parse.urlencode(params) if params else "")
        if params and self.rng.random() < 0.5:
            self._get(url, "case list (htmx)", htmx=True)
        else:
            self._get(url, "case list")

    @task(30)
    def case_page(self) -> None:
        code = self.rng.choice(self.authority["cases"])
        self._get(f"/cases/{code}/", "case page")

    @task(15)
    def dashboard(self) -> None:
        self._get("/cases/dashboard/", "dashboard")

    @task(20)
    def knowledge_search(self) -> None:
        query = urllib.parse.quote(self.rng.choice(KNOWLEDGE_QUERIES))
        self._get(f"/knowledge/?q={query}", "knowledge search")
