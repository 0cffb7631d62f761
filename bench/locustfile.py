"""Locust users for bench/load.py (run through it: it prepares the database, tokens and sessions).

Citizens browse the catalogue and submit through the API (token auth); desk officers work their
queues; monitors open the dashboard. Config (tokens, session keys, codes) comes from the JSON file
named by BENCH_LOAD_CONFIG.

FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares the two
cores with the server under test, and it needs several times less CPU per request. Like a browser it
asks for gzip.
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = json.loads(Path(os.environ["BENCH_LOAD_CONFIG"]).read_text())
TOKENS = itertools.cycle(CONFIG["tokens"])
SEARCHES = ["khai sinh", "kết hôn", "hộ kinh doanh", "chứng thực", "đất đai"]


PDF = Path(CONFIG["pdf"]).read_bytes()  # a small valid PDF written by bench/load.py


class Citizen(FastHttpUser):
    weight = 6
    wait_time = between(1, 3)

    def on_start(self):
        self.auth = {"Authorization": f"Token {next(TOKENS)}"}

    @task(3)
    def search(self):
        self.client.get("/thu-tuc/", params={"q": random.choice(SEARCHES)}, name="/thu-tuc/?q=")

    @task(2)
    def procedure_page(self):
        self.client.get(f"/thu-tuc/{CONFIG['procedure']}/", name="/thu-tuc/[code]/")

    @task(1)
    def my_dossiers(self):
        self.client.get("/api/v1/dossiers/", name="/api/v1/dossiers/", headers=self.auth)

    @task(2)
    def submit(self):
        with self.client.post("/api/v1/dossiers/", json={"procedure": CONFIG["procedure"], "agency": CONFIG["agency"],
                                                          "form_data": CONFIG["form_data"]},
                              name="/api/v1/dossiers/ (draft)", catch_response=True, headers=self.auth) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            ref = response.json()["id"]
        for pk in CONFIG["documents"]:
            self.client.post(f"/api/v1/dossiers/{ref}/documents/", name="/api/v1/dossiers/[ref]/documents/",
                             data={"required_document": str(pk)}, headers=self.auth,
                             files={"file": ("giay-to.pdf", PDF, "application/pdf")})
        self.client.post(f"/api/v1/dossiers/{ref}/submit/", name="/api/v1/dossiers/[ref]/submit/", headers=self.auth)


class _SessionUser(FastHttpUser):
    abstract = True
    sessions = []

    def on_start(self):
        # The session cookie is Secure (DEBUG=0) and this is plain HTTP on 127.0.0.1: send it by hand.
        self.cookie = {"Cookie": f"{CONFIG['cookie']}={random.choice(self.sessions)}"}

    def page(self, url, name, **params):
        """GET a page that must answer 200 (a redirect to the login page is a failure too)."""
        with self.client.get(url, params=params or None, name=name, allow_redirects=False, headers=self.cookie,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")


class Officer(_SessionUser):
    weight = 3
    wait_time = between(1, 3)
    sessions = CONFIG["officers"]
    tabs = ["moi", "da-tiep-nhan", "cua-toi", "dang-xu-ly", "sap-den-han", "qua-han"]

    @task(3)
    def queue(self):
        self.page("/mot-cua/", "/mot-cua/?tab=", tab=random.choice(self.tabs))

    @task(2)
    def dossier(self):
        code = random.choice(CONFIG["dossiers"])
        self.page(f"/mot-cua/ho-so/{code}/", "/mot-cua/ho-so/[code]/")


class Monitor(_SessionUser):
    weight = 1
    wait_time = between(2, 5)
    sessions = CONFIG["monitors"]

    @task
    def dashboard(self):
        self.page("/thong-ke/", "/thong-ke/")
