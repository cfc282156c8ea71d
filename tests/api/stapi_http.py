#!/usr/bin/python3
"""End-to-end test of the STAPI v0.1.0 routes under /stapi (ctest `api.stapi_http`), over real HTTP against a
`vantage serve` started on examples/access-demo.yaml in simulation (clock from 2025-10-03T00:00:00Z, 1x).

Every answer is validated against the vendored component schemas (stapi-components.schema.json, `#/$defs/<Name>`):
landing page, conformance, products, opportunities, orders, order lists, statuses and every 422 body. On top:
  - datetime as a ["start", "end"] array and as a "start/end" string; answers carry "start/end" strings;
  - Point, Polygon and MultiPolygon accepted, LineString 422 at ["body", "geometry"];
  - a CQL2-JSON filter honoured (off-nadir bound), bad filters / priorities / keys / windows 422 at the right loc;
  - an order placed through an opportunity's `create-order` link, accepted after the background feasibility;
  - asynchronous opportunity searches (`Prefer: respond-async` header and `?prefer=` query);
  - status histories (received, accepted, then scheduled after an operator's POST /api/v1/plan);
  - isolation per nation (FR / DE requesters, operator), 401 without a token except on / and /conformance;
  - Idempotency-Key, paging through `next` links, per-product order lists.
It prints one PASS/FAIL line per check, the server log tail on failure, and exits non-zero on any failure.

Usage: stapi_http.py --vantage PATH --source-dir REPO --schemas DIR --workdir DIR
"""

import argparse
import collections
import copy
import datetime
import http.client
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse

import jsonschema

SIM_START = "2025-10-03T00:00:00Z"
DAY = ["2025-10-03T00:00:00Z", "2025-10-04T00:00:00Z"]
DAY_STR = "/".join(DAY)
TOULOUSE, PARIS, MUNICH = (1.4442, 43.6047), (2.3522, 48.8566), (11.5820, 48.1351)


def square(lon, lat, h=0.05):
    return [[[lon - h, lat - h], [lon + h, lat - h], [lon + h, lat + h], [lon - h, lat + h], [lon - h, lat - h]]]


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


POINT = point(*TOULOUSE)
POLYGON = {"type": "Polygon", "coordinates": square(*TOULOUSE)}
MULTIPOLYGON = {"type": "MultiPolygon", "coordinates": [square(*TOULOUSE), square(*PARIS)]}
LINESTRING = {"type": "LineString", "coordinates": [[1.40, 43.60], [1.50, 43.65]]}
GOOD_FILTER = {"op": "and", "args": [{"op": "<=", "args": [{"property": "view:off_nadir"}, 25]},
                                     {"op": "<=", "args": [{"property": "eo:cloud_cover"}, 40]}]}
QUERYABLES = {"view:off_nadir", "view:incidence_angle", "view:sun_elevation", "eo:cloud_cover", "gsd", "sat:orbit_state",
              "sar:observation_direction", "sar:instrument_mode", "sar:polarizations"}
CONFORMANCE = {"https://stapi.example.com/v0.1.0/core", "https://stapi.example.com/v0.1.0/opportunities",
               "https://stapi.example.com/v0.1.0/opportunities-async"}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", re.I)


def parse_time(s):
    if not isinstance(s, str) or not RFC3339.match(s):
        return None
    try:
        return datetime.datetime.fromisoformat(s.upper().replace("Z", "+00:00"))
    except ValueError:
        return None


def interval(s):
    """(start, end) of a "start/end" string, or None when it is not one (start <= end)."""
    parts = s.split("/") if isinstance(s, str) else []
    t = [parse_time(p) for p in parts]
    return (t[0], t[1]) if len(t) == 2 and None not in t and t[0] <= t[1] else None


def link(doc, rel):
    return next((l for l in (doc or {}).get("links", []) if isinstance(l, dict) and l.get("rel") == rel), None)


# ------------------------------------------------------------------------------------------- schemas

class Schemas:
    def __init__(self, folder):
        path = os.path.join(folder, "stapi-components.schema.json")
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        self.base = self.doc.get("$id") or pathlib.Path(path).resolve().as_uri()
        self.formats = jsonschema.FormatChecker()
        if "date-time" not in self.formats.checkers:  # Debian has no rfc3339-validator: check date-time here
            self.formats.checks("date-time")(lambda s: not isinstance(s, str) or parse_time(s) is not None)
        self.validators = {}

    def errors(self, name, instance):
        v = self.validators.get(name)
        if v is None:
            schema = {"$ref": f"{self.base}#/$defs/{name}"}
            resolver = jsonschema.RefResolver(base_uri="", referrer=schema, store={self.base: self.doc})
            v = self.validators[name] = jsonschema.Draft202012Validator(schema, resolver=resolver,
                                                                        format_checker=self.formats)
        return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in v.iter_errors(instance)][:3]


def schema_problem(schema):
    """None when `schema` is a valid JSON Schema 2020-12, else the reason."""
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        return None
    except jsonschema.exceptions.SchemaError as e:
        return e.message


# ------------------------------------------------------------------------------------------- server and HTTP

class Server:
    def __init__(self, args):
        self.vantage, self.workdir = args.vantage, args.workdir
        self.scenario = os.path.join(args.source_dir, "examples", "access-demo.yaml")
        self.db = os.path.join(args.workdir, "service.db")
        self.log_path = os.path.join(args.workdir, "server.log")
        self.stdout = collections.deque(maxlen=50)
        self.proc, self.port = None, 0

    def token(self, tenant, role):
        out = subprocess.run([self.vantage, "admin", "create-token", "--db", self.db, "--tenant", tenant, "--role", role],
                             check=True, capture_output=True, text=True, timeout=60).stdout
        return out.strip().splitlines()[-1]

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([self.vantage, "serve", "--db", self.db, "--port", "0", "--no-web",
                                          "--scenario", self.scenario, "--simulate", "--sim-start", SIM_START,
                                          "--sim-speed", "1"], stdout=subprocess.PIPE, stderr=log)
        first = []  # the first line, read with a time limit
        reader = threading.Thread(target=lambda: first.append(self.proc.stdout.readline().decode(errors="replace")),
                                  daemon=True)
        reader.start()
        reader.join(120)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", first[0] if first else "")
        if not m:
            raise RuntimeError(f"vantage serve said: {first!r}")
        self.port = int(m.group(1))

        def drain():  # keep reading so the server never blocks on a full pipe
            for line in self.proc.stdout:
                self.stdout.append(line.decode(errors="replace").rstrip())
        threading.Thread(target=drain, daemon=True).start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_tail(self, n=60):
        lines = []
        if os.path.exists(self.log_path):
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()[-n:]
        return "\n".join(["--- server stderr (tail) ---"] + lines + ["--- server stdout (tail) ---"] + list(self.stdout))


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        try:
            self.data = json.loads(body)  # the JSON body, or None
        except ValueError:
            self.data = None

    def __str__(self):
        return f"HTTP {self.status} {self.body[:400]!r}"


class Client:
    def __init__(self, port, token=None):
        self.port, self.token = port, token

    def call(self, method, target, body=None, headers=None):
        """`target`: a path with query, or an absolute URL of this server (a link's href)."""
        u = urllib.parse.urlsplit(target)
        path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        h = {}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def get(self, target):
        return self.call("GET", target)

    def post(self, target, body, headers=None):
        return self.call("POST", target, body, headers)


def quoted(order_id):
    return urllib.parse.quote(order_id, safe=":")


# ------------------------------------------------------------------------------------------- the suite

class Suite:
    def __init__(self, port, schemas, tokens):
        self.schemas = schemas
        self.anon = Client(port)
        self.fr, self.de, self.op = (Client(port, tokens[k]) for k in ("fr", "de", "op"))
        self.failures = 0
        self.order_schema = {}     # product id -> its order-parameters JSON Schema
        self.fr_orders = {}        # FR order id -> product id
        self.de_orders = {}
        self.first_opportunity = None
        self.fr_search = None

    def check(self, name, ok, detail="", quiet=False):
        if not ok:
            self.failures += 1
        if not ok or not quiet:
            print(f"{'PASS' if ok else 'FAIL'} {name}" + ("" if ok or not detail else f": {detail}"), flush=True)
        return ok

    def expect(self, name, reply, status, schema=None, quiet=False):
        """Checks the status and the body against #/$defs/<schema>. The JSON body when the status is right (a schema
        failure is counted but the checks that follow still run on the body), else None."""
        if reply.status != status:
            self.check(name, False, str(reply))
            return None
        body = reply.data
        errs = self.schemas.errors(schema, body) if schema else []
        self.check(name, not errs, f"not a {schema}: {errs}", quiet)
        return body if isinstance(body, dict) else None

    def expect_422(self, name, reply, loc_prefix=None, loc_names=None):
        body = self.expect(f"{name} -> 422 HTTPValidationError", reply, 422, "HTTPValidationError")
        if body is None:
            return
        locs = [d.get("loc", []) for d in body.get("detail", []) if isinstance(d, dict)]
        self.check(f"{name}: 422 has detail", len(locs) > 0, str(body))
        if loc_prefix:
            self.check(f"{name}: loc starts with {loc_prefix}", any(l[:len(loc_prefix)] == loc_prefix for l in locs), locs)
        if loc_names:
            self.check(f"{name}: loc names {loc_names}", any(loc_names in l for l in locs), locs)

    def pages(self, client, path, name):
        """Follows `next` links from `path`; the list of order features (each page validated)."""
        features, target, seen = [], path, set()
        while target and target not in seen and len(seen) < 200:
            seen.add(target)
            body = self.expect(f"{name}: page {target}", client.get(target), 200, "OrderCollection_OrderStatus_", quiet=True)
            features += (body or {}).get("features", [])
            target = (link(body, "next") or {}).get("href")
        self.check(f"{name}: next links end", not target, f"a next link comes back: {target}", quiet=True)
        return features

    def order(self, name, product, payload, client=None, headers=None):
        """POSTs an order; checks 201 Order, Location, links, echoed search parameters. The order's id or None."""
        client = client or self.fr
        params = payload.get("order_parameters")
        if product in self.order_schema:
            errs = [e.message for e in jsonschema.Draft202012Validator(self.order_schema[product]).iter_errors(params)]
            self.check(f"{name}: order_parameters sent valid against /order-parameters", not errs, errs, quiet=True)
        r = client.post(f"/stapi/products/{product}/orders", payload, headers)
        o = self.expect(f"order {name} -> 201 Order", r, 201, "Order")
        if o is None:
            return None
        oid = o.get("id")
        loc = urllib.parse.unquote(urllib.parse.urlsplit(r.headers.get("location", "")).path)
        self.check(f"order {name}: Location /stapi/orders/{{id}}", loc == f"/stapi/orders/{oid}", loc)
        self.check(f"order {name}: links self and monitor", link(o, "self") and link(o, "monitor"), o.get("links"))
        props = o.get("properties") or {}
        sp = props.get("search_parameters") or {}
        sent = payload["datetime"] if isinstance(payload["datetime"], list) else payload["datetime"].split("/")
        self.check(f"order {name}: search_parameters.datetime the sent 'start/end'",
                   interval(sp.get("datetime")) == tuple(map(parse_time, sent)), sp.get("datetime"))
        self.check(f"order {name}: product_id {product}", props.get("product_id") == product, props.get("product_id"))
        return oid

    def wait_status(self, ids, client=None, timeout=60.0, leave=("received",)):
        """Polls GET /stapi/orders/{id} until each status_code leaves `leave`; {id: last status_code}."""
        client, codes, deadline = client or self.fr, {}, time.monotonic() + timeout
        pending = [i for i in ids if i]
        while pending and time.monotonic() < deadline:
            for oid in list(pending):
                o = client.get(f"/stapi/orders/{quoted(oid)}").data  # validated in the checks that follow
                codes[oid] = ((o if isinstance(o, dict) else {}).get("status") or {}).get("status_code")
                if codes[oid] not in leave:
                    pending.remove(oid)
            if pending:
                time.sleep(0.5)
        return codes


def test_discovery(t):
    root = t.expect("GET /stapi/ without a token -> RootResponse", t.anon.get("/stapi/"), 200, "RootResponse")
    rels = {l.get("rel") for l in (root or {}).get("links", [])}
    t.check("landing page links conformance, products, orders",
            {"conformance", "products", "orders"} <= rels, rels)
    t.expect("GET /stapi -> RootResponse", t.fr.get("/stapi"), 200, "RootResponse")
    conf = t.expect("GET /stapi/conformance without a token", t.anon.get("/stapi/conformance"), 200, "Conformance")
    t.check("conformance: core, opportunities, opportunities-async", CONFORMANCE <= set((conf or {}).get("conformsTo", [])),
            conf)
    r = t.anon.get("/stapi/products")
    t.check("GET /stapi/products without a token -> 401", r.status == 401, r)
    err = r.data if isinstance(r.data, dict) else {}
    t.check("401 body {detail, code}", isinstance(err.get("detail"), str) and "code" in err, r)
    prods = t.expect("GET /stapi/products -> ProductsCollection", t.fr.get("/stapi/products"), 200, "ProductsCollection")
    ids = [p.get("id") for p in (prods or {}).get("products", [])]
    t.check("products optical, sar, any", {"optical", "sar", "any"} <= set(ids), ids)
    for pid in ids:
        t.expect(f"GET /stapi/products/{pid} -> Product", t.fr.get(f"/stapi/products/{pid}"), 200, "Product")
    t.check("GET /stapi/products/unknown -> 404", t.fr.get("/stapi/products/no-such-product").status == 404)
    for pid in ("optical", "sar", "any"):
        q = t.expect(f"queryables {pid}", t.fr.get(f"/stapi/products/{pid}/queryables"), 200) or {}
        t.check(f"queryables {pid}: a JSON Schema", schema_problem(q) is None, schema_problem(q))
        keys = set(q.get("properties", {}))
        t.check(f"queryables {pid}: known properties", keys and keys <= QUERYABLES, keys - QUERYABLES or keys)
        if pid == "optical":
            t.check("queryables optical: no sar:*", not any(k.startswith("sar:") for k in keys), keys)
        if pid == "sar":
            t.check("queryables sar: no eo:cloud_cover, view:sun_elevation",
                    not keys & {"eo:cloud_cover", "view:sun_elevation"}, keys)
        p = t.expect(f"order-parameters {pid}", t.fr.get(f"/stapi/products/{pid}/order-parameters"), 200) or {}
        t.check(f"order-parameters {pid}: a JSON Schema", schema_problem(p) is None, schema_problem(p))
        t.check(f"order-parameters {pid}: additionalProperties false", p.get("additionalProperties") is False, p)
        t.check(f"order-parameters {pid}: tier, priority, duration_s, id",
                {"tier", "priority", "duration_s", "id"} <= set(p.get("properties", {})), p.get("properties"))
        if schema_problem(p) is None:
            t.order_schema[pid] = p


def check_opportunities(t, name, body, product):
    feats = body.get("features", [])
    t.check(f"{name}: at least one opportunity", len(feats) > 0)
    props = [f.get("properties") or {} for f in feats]
    bad = [p for p in props if interval(p.get("datetime")) is None or p.get("product_id") != product]
    t.check(f"{name}: properties.datetime 'start/end', product_id {product}", not bad, bad)
    links = [link(f, "create-order") for f in feats]
    ok = all(l and l.get("method") == "POST" and isinstance(l.get("body"), dict)
             and isinstance(l["body"].get("datetime"), list) and len(l["body"]["datetime"]) == 2 for l in links)
    t.check(f"{name}: create-order links (POST, body with datetime array)", ok, links[:1])
    return feats


def test_opportunities(t):
    path = "/stapi/products/optical/opportunities"
    for label, dt in (("array", DAY), ("string", DAY_STR)):
        body = t.expect(f"opportunities, datetime as {label} -> OpportunityCollection",
                        t.fr.post(path, {"datetime": dt, "geometry": POINT}), 200, "OpportunityCollection")
        feats = check_opportunities(t, f"opportunities ({label})", body, "optical") if body else []
        if feats and t.first_opportunity is None:
            t.first_opportunity = feats[0]
    for label, geom in (("Polygon", POLYGON), ("MultiPolygon", MULTIPOLYGON)):
        t.expect(f"opportunities, {label} -> OpportunityCollection", t.fr.post(path, {"datetime": DAY, "geometry": geom}),
                 200, "OpportunityCollection")
    t.expect("opportunities on sar -> OpportunityCollection",
             t.fr.post("/stapi/products/sar/opportunities", {"datetime": DAY, "geometry": POINT}), 200,
             "OpportunityCollection")
    body = t.expect("opportunities with a CQL2 filter -> OpportunityCollection",
                    t.fr.post(path, {"datetime": DAY, "geometry": POINT, "filter": GOOD_FILTER, "limit": 50}), 200,
                    "OpportunityCollection")
    if body:
        feats = check_opportunities(t, "filtered opportunities", body, "optical")
        off = [(f.get("properties") or {}).get("view:off_nadir") for f in feats]
        t.check("filtered opportunities: view:off_nadir <= 25",
                all(isinstance(x, (int, float)) and x <= 25 + 1e-6 for x in off), off)


def test_async(t):
    path = "/stapi/products/optical/opportunities"
    payload = {"datetime": ["2025-10-03T02:00:00Z", "2025-10-04T00:00:00Z"], "geometry": POINT, "limit": 50}
    sync = t.expect("sync search (reference for async)", t.fr.post(path, payload), 200, "OpportunityCollection")
    r = t.fr.post(path, payload, {"Prefer": "respond-async"})
    t.check("Prefer: respond-async -> 202", r.status == 202, r)
    t.check("202: Preference-Applied: respond-async", r.headers.get("preference-applied") == "respond-async", r.headers)
    loc, rec = r.headers.get("location", ""), r.data or {}
    t.check("202: Location /stapi/searches/opportunities/{sid}",
            urllib.parse.urlsplit(loc).path == f"/stapi/searches/opportunities/{rec.get('id')}", loc)
    t.check("202: search record {id, product_id, opportunity_request, status, links}",
            {"id", "product_id", "opportunity_request", "status", "links"} <= set(rec)
            and (rec.get("status") or {}).get("status_code") in ("received", "in_progress", "completed", "failed"), rec)
    t.fr_search = rec.get("id")
    deadline = time.monotonic() + 60
    while loc and time.monotonic() < deadline:
        rec = t.fr.get(loc).data or {}
        if (rec.get("status") or {}).get("status_code") in ("completed", "failed"):
            break
        time.sleep(0.5)
    t.check("async search completed within 60 s", (rec.get("status") or {}).get("status_code") == "completed", rec)
    opp = link(rec, "opportunities")
    t.check("completed search links rel opportunities", opp is not None, rec.get("links"))
    if opp:
        coll = t.expect("GET the async result -> OpportunityCollection", t.fr.get(opp["href"]), 200, "OpportunityCollection")
        if coll and sync:
            n, m = len(coll.get("features", [])), len(sync.get("features", []))
            t.check("async result: as many opportunities as the sync search", n == m, f"{n} vs {m}")
    r = t.fr.post(path + "?prefer=respond-async", payload)
    t.check("?prefer=respond-async -> 202 with Location", r.status == 202 and r.headers.get("location"), r)
    lst = t.expect("GET /stapi/searches/opportunities", t.fr.get("/stapi/searches/opportunities"), 200) or {}
    t.check("search list has the search", t.fr_search in [s.get("id") for s in lst.get("search_records", [])], lst)


def test_validation(t):
    opp, orders = "/stapi/products/optical/opportunities", "/stapi/products/optical/orders"
    t.expect_422("LineString (opportunities)", t.fr.post(opp, {"datetime": DAY, "geometry": LINESTRING}), ["body", "geometry"])
    t.expect_422("LineString (orders)", t.fr.post(orders, {"datetime": DAY, "geometry": LINESTRING, "order_parameters": {}}),
                 ["body", "geometry"])
    unknown = {"op": "<=", "args": [{"property": "vantage:no_such_property"}, 3]}
    t.expect_422("filter on an unknown property", t.fr.post(opp, {"datetime": DAY, "geometry": POINT, "filter": unknown}),
                 ["body", "filter"])
    t.expect_422("order_parameters.priority 11",
                 t.fr.post(orders, {"datetime": DAY, "geometry": POINT, "order_parameters": {"priority": 11}}),
                 ["body", "order_parameters", "priority"])
    t.expect_422("unknown top-level key", t.fr.post(opp, {"datetime": DAY, "geometry": POINT, "colour": "blue"}), ["body"])
    t.expect_422("window end before start (array)", t.fr.post(opp, {"datetime": DAY[::-1], "geometry": POINT}),
                 loc_names="datetime")
    t.expect_422("window end before start (string)",
                 t.fr.post(orders, {"datetime": "/".join(DAY[::-1]), "geometry": POINT, "order_parameters": {}}),
                 loc_names="datetime")


def test_orders(t):
    made = [("array, Point, named id", "optical",
             {"datetime": DAY, "geometry": POINT, "order_parameters": {"tier": "urgent", "priority": 8, "id": "stapi-e2e-1"}}),
            ("string, Polygon", "optical", {"datetime": DAY_STR, "geometry": POLYGON, "order_parameters": {}}),
            ("MultiPolygon on any", "any", {"datetime": DAY, "geometry": MULTIPOLYGON,
                                            "order_parameters": {"tier": "priority", "priority": 5}}),
            ("with a CQL2 filter", "optical", {"datetime": DAY, "geometry": point(*PARIS), "filter": GOOD_FILTER,
                                               "order_parameters": {"tier": "standard"}}),
            ("Munich", "optical", {"datetime": DAY_STR, "geometry": point(*MUNICH), "order_parameters": {}}),
            ("on sar", "sar", {"datetime": DAY, "geometry": POINT, "order_parameters": {}})]
    for name, product, payload in made:
        oid = t.order(name, product, payload)
        if oid:
            t.fr_orders[oid] = product
    t.check("order with order_parameters.id: id FR:<id>", "FR:stapi-e2e-1" in t.fr_orders, list(t.fr_orders))
    # From an opportunity's create-order link.
    cl = link(t.first_opportunity, "create-order") or {}
    opp_order = None
    if t.check("an opportunity with a create-order link", cl.get("href") and cl.get("method") == "POST", cl):
        body = copy.deepcopy(cl.get("body") or {})
        body.setdefault("order_parameters", {})
        r = t.fr.post(cl["href"], body)
        o = t.expect("order from the create-order link -> 201 Order", r, 201, "Order")
        t.check("create-order answer has Location", bool(r.headers.get("location")), r.headers)
        if o:
            opp_order = o.get("id")
            t.fr_orders[opp_order] = "optical"
    # Idempotency.
    payload = {"datetime": DAY, "geometry": point(*PARIS), "order_parameters": {"priority": 3}}
    key = {"Idempotency-Key": "stapi-e2e-idempotent-1"}
    a = t.fr.post("/stapi/products/optical/orders", payload, key)
    b = t.fr.post("/stapi/products/optical/orders", payload, key)
    ida, idb = (a.data or {}).get("id"), (b.data or {}).get("id")
    t.check("same Idempotency-Key twice -> same order id", a.status == 201 and ida and ida == idb, f"{a} / {b}")
    if ida:
        t.fr_orders[ida] = "optical"
    # Background feasibility: received -> accepted.
    codes = t.wait_status(t.fr_orders)
    for oid, product in t.fr_orders.items():
        if product != "sar":
            t.check(f"order {oid} accepted within 60 s", codes.get(oid) == "accepted", codes.get(oid))
    t.check("the create-order order is accepted", opp_order is not None and codes.get(opp_order) == "accepted")
    oid = "FR:stapi-e2e-1"
    o = t.expect("GET /stapi/orders/{id} -> Order_OrderStatus_", t.fr.get(f"/stapi/orders/{quoted(oid)}"), 200,
                 "Order_OrderStatus_")
    if o:
        t.check("order: properties.status is status", (o.get("properties") or {}).get("status") == o.get("status"),
                o.get("status"))
        t.check("order: user FR, stapi_type Order", o.get("user") == "FR" and o.get("stapi_type") == "Order", o.get("user"))
    st = t.expect("GET /stapi/orders/{id}/statuses -> OrderStatuses", t.fr.get(f"/stapi/orders/{quoted(oid)}/statuses"),
                  200, "OrderStatuses")
    if st:
        codes = [s["status_code"] for s in st["statuses"]]
        times = [parse_time(s["timestamp"]) for s in st["statuses"]]
        t.check("statuses: received first, then accepted",
                codes[:1] == ["received"] and next((c for c in codes if c != "received"), None) == "accepted", codes)
        t.check("statuses: chronological", None not in times and times == sorted(times), times)
        first = t.expect("statuses?limit=1 -> OrderStatuses", t.fr.get(f"/stapi/orders/{quoted(oid)}/statuses?limit=1"),
                         200, "OrderStatuses")
        nxt = link(first, "next")
        if t.check("statuses?limit=1: one status and a next link", first and len(first["statuses"]) == 1 and nxt, first):
            rest = t.expect("statuses next page", t.fr.get(nxt["href"]), 200, "OrderStatuses")
            t.check("statuses pages: the history in order", rest is not None and first["statuses"] == st["statuses"][:1]
                    and rest["statuses"][:1] == st["statuses"][1:2], rest)


def test_paging(t):
    first = t.expect("GET /stapi/orders?limit=2", t.fr.get("/stapi/orders?limit=2"), 200, "OrderCollection_OrderStatus_")
    nxt = link(first, "next")
    t.check("limit=2: 2 features and a next link", first and len(first["features"]) == 2 and nxt, first and first.get("links"))
    if first and nxt:
        rest = t.pages(t.fr, nxt["href"], "orders after the first page")
        ids = [f["id"] for f in first["features"] + rest]
        t.check("paging: no repeats", len(ids) == len(set(ids)), ids)
        t.check("paging: every FR order", set(t.fr_orders) <= set(ids), set(t.fr_orders) - set(ids))


def test_product_orders(t):
    feats = t.pages(t.fr, "/stapi/products/optical/orders?limit=3", "optical orders")
    ids = {f["id"] for f in feats}
    products = [(f.get("properties") or {}).get("product_id") for f in feats]
    t.check("/products/optical/orders: only optical", all(p == "optical" for p in products), products)
    t.check("/products/optical/orders: every optical order",
            {i for i, p in t.fr_orders.items() if p == "optical"} <= ids)
    sar = [i for i, p in t.fr_orders.items() if p == "sar"]
    t.check("/products/optical/orders: not the sar order", sar and not set(sar) & ids, sar)


def test_isolation(t):
    de_id = t.order("DE, Munich", "optical", {"datetime": DAY, "geometry": point(*MUNICH), "order_parameters": {}},
                    client=t.de)
    if de_id:
        t.de_orders[de_id] = "optical"
    fr_id = next(iter(t.fr_orders), None)
    other, absent = t.de.get(f"/stapi/orders/{quoted(fr_id or 'FR:x')}"), t.de.get("/stapi/orders/FR:never-existed-000")
    t.check("DE GET of FR's order -> 404", other.status == 404, other)
    t.check("DE GET of FR's order answers as a never-existing id (status, code)",
            (other.status, (other.data or {}).get("code")) == (absent.status, (absent.data or {}).get("code")),
            f"{other} / {absent}")
    r = t.de.get(f"/stapi/orders/{quoted(fr_id or 'FR:x')}/statuses")
    t.check("DE GET of FR's order statuses -> 404", r.status == 404, r)
    if de_id:
        r = t.fr.get(f"/stapi/orders/{quoted(de_id)}")
        t.check("FR GET of DE's order -> 404", r.status == 404, r)
    de_list = {f["id"] for f in t.pages(t.de, "/stapi/orders?limit=5", "DE orders")}
    t.check("DE's order list: none of FR's", not de_list & set(t.fr_orders), de_list & set(t.fr_orders))
    t.check("DE's order list: its own", set(t.de_orders) <= de_list, de_list)
    if t.fr_search:
        r = t.de.get(f"/stapi/searches/opportunities/{t.fr_search}")
        t.check("DE GET of FR's async search -> 404", r.status == 404, r)
        lst = t.de.get("/stapi/searches/opportunities").data or {}
        t.check("DE's search list: not FR's", t.fr_search not in [s.get("id") for s in lst.get("search_records", [])])
    op_list = {f["id"] for f in t.pages(t.op, "/stapi/orders?limit=5", "operator orders")}
    t.check("operator's order list: both nations' orders", (set(t.fr_orders) | set(t.de_orders)) <= op_list,
            (set(t.fr_orders) | set(t.de_orders)) - op_list)


def test_plan(t):
    r = t.op.post("/api/v1/plan", {})
    t.check("POST /api/v1/plan (operator) -> 201", r.status == 201, r)
    wanted = [i for i, p in t.fr_orders.items() if p != "sar"]
    codes = t.wait_status(wanted, timeout=10, leave=("received", "accepted"))
    scheduled = [i for i in wanted if codes.get(i) == "scheduled"]
    t.check("after the plan: at least one order scheduled", len(scheduled) >= 1, codes)
    if scheduled:
        st = t.expect("statuses of a scheduled order", t.fr.get(f"/stapi/orders/{quoted(scheduled[0])}/statuses"), 200,
                      "OrderStatuses")
        codes = [s["status_code"] for s in (st or {}).get("statuses", [])]
        t.check("scheduled order: received ... accepted ... scheduled",
                codes[:1] == ["received"] and "accepted" in codes and codes[-1:] == ["scheduled"], codes)


TESTS = [test_discovery, test_opportunities, test_async, test_validation, test_orders, test_paging, test_product_orders,
         test_isolation, test_plan]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vantage", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    schemas = Schemas(args.schemas)
    server = Server(args)
    t, crashed = None, False
    try:
        tokens = {"fr": server.token("FR", "requester"), "de": server.token("DE", "requester"),
                  "op": server.token("FR", "operator")}
        server.start()
        t = Suite(server.port, schemas, tokens)
        for test in TESTS:
            print(f"== {test.__name__}", flush=True)
            try:
                test(t)
            except Exception:  # a crash of one group is a failure; the next groups still run
                t.check(test.__name__, False, traceback.format_exc())
        t.check("server still running at the end", server.alive(), f"exit {server.proc.returncode}")
    except Exception:  # no tokens, no server, ...
        traceback.print_exc()
        crashed = True
    finally:
        server.stop()
    failures = (t.failures if t else 0) + crashed
    if failures:
        print(server.log_tail(), file=sys.stderr)
    print(f"{failures} failure(s)" if failures else "all STAPI checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
