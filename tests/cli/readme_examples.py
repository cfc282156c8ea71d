#!/usr/bin/python3
"""ReadmeExamples: every example of README.md run as printed (the project rule: README examples stay runnable
verbatim), with a failure naming the README line.

  readme_examples.py README VANTAGE SCRATCH [PYTHON_DIR] [--timeout S] [--only LINE,...] [--list]

README      the README.md to check (its folder is the repository root)
VANTAGE     the built `vantage` executable (replaces the word `vantage` of each command)
SCRATCH     a folder this script owns: emptied first (it refuses a non-empty folder it did not make). The commands
            run in it, with links to the repository's `examples/` and `tests/`, so that the README's relative
            paths work and the files the commands write (walker.tle, plan.json, tasking.db ...) land here.
PYTHON_DIR  the build's python/ folder (PYTHONPATH of the ```python block); empty or absent: that block is skipped

What is run, per fenced block of README.md (a block this script cannot classify fails the test, so that a new
example is not silently left out):
- ```sh lines, one command per logical line (`\\` continuations joined, a trailing `# comment` stripped). A line
  with optional groups `[...]` runs twice: `bare` (every group removed) and `full` (every group kept, the first
  alternative of `a|b|c`). CAPITALISED placeholders (FILE, DIR, N, ...) take the values of PLACEHOLDERS below;
  a placeholder without a value fails the test. SHORTENED lowers a cost limit that a line shows, in its full form
  only (noted in the output). Each command must exit 0 within --timeout seconds.
- the service block (`vantage admin create-token`, `vantage serve`, `curl`): the admin line as printed (its token,
  and one more made by the same line with `--role requester`), then for each form of the serve line: start it,
  run each curl line with TOKEN set to each token (201 and a JSON body with an `id` expected), stop it with
  SIGTERM. The full form serves HTTPS with a throw-away self-signed certificate (openssl): its curl runs with
  `-k` and `https://` (the only change to a README command; every curl also gets `-w` to read the status).
- the ```python block, verbatim, with /usr/bin/python3 from the repository root (tracebacks name README lines),
  then the `vantage.*(...)` calls quoted in the paragraph after it, in the same namespace, from SCRATCH.
- SKIP lists the commands that are not run, with the reason; it is printed.

Exit status 0 when every example ran, 1 when one failed (each failure prints README line, the command, its exit
status and its last stderr lines), 2 on a usage error.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time

# --- What is not run, and why (matched on the start of the logical command line).
SKIP = {
    "bash tools/demo.sh": "installs packages with apt-get as root, then builds the project and runs the demo: "
                          "the job of CI's build, not of a test of that build",
    "bash tools/ci/build_and_test.sh": "installs, builds and runs every test, this one included (it would recurse)",
    "bash web/build.sh": "runs `npm ci` (CesiumJS from the npm registry, no network in tests) and node; "
                         "the web map is tested under the `e2e` label",
}

# --- Concrete values for the README's placeholders: (command, README text, replacement). `command` is the
# logical line's subcommand ("design custom", "bench sgp4"), prefixed "mpirun " under mpirun. Relative paths are
# relative to SCRATCH (examples/ and tests/ are links to the repository's). A callable gets the run context.
def _failed_acquisition(ctx):
    """An acquisition of the plan that --plan names which ended before --now: its images can be reported lost."""
    plan = json.load(open(os.path.join(ctx["scratch"], "plan", "plan.json")))
    now = ctx["now"]
    ids = [a["acquisition_id"] for a in plan["acquisitions"] if a["end_utc"] < now]
    if not ids:
        raise RuntimeError(f"plan/plan.json has no acquisition that ended before {now}")
    return "--failed " + ids[0]


PLACEHOLDERS = [
    ("propagate", "--tle FILE", "--tle examples/eo-satellites.tle"),
    ("propagate", "--eop EOP.csv", "--eop examples/eop.csv"),
    ("propagate", "--out FILE", "--out propagate.csv"),
    ("propagate", "--omm FILE", "--omm tests/reference/omm-samples/celestrak-resource-omm-2025-06-28.json"),
    ("validate", "validate FILE", "validate examples/eo-satellites.tle"),
    ("coverage", "--aoi AREAS.geojson", "--aoi examples/europe.geojson"),
    ("coverage", "--out DIR", "--out coverage"),
    ("mpirun coverage", "--out DIR", "--out coverage-mpi"),
    ("design custom", "--spec DESIGN.yaml", "--spec design.yaml"),       # written by PREPARED_FILES
    ("design custom", "--out FILE", "--out custom.tle"),
    ("plan", "--out DIR", "--out plan"),
    ("plan", "--seed N", "--seed 2"),
    ("plan", "--iterations N", "--iterations 300"),
    ("plan", "--time-limit-s S", "--time-limit-s 10"),
    ("replan", "--scenario FILE", "--scenario examples/tasking-demo.yaml"),
    ("replan", "--plan DIR/plan.json", "--plan plan/plan.json"),        # the `plan --out DIR` line's plan
    ("replan", "--add REQUESTS.yaml", "--add examples/tasking-urgent.yaml"),
    ("replan", "--remove-station NAME", "--remove-station Troll"),
    ("replan", "--remove-request ID", "--remove-request FR-SAHEL-1"),   # a request of examples/tasking-demo.yaml
    ("replan", "--elements FILE", "--elements examples/eu-constellation.tle"),
    ("replan", "--failed ACQ_ID,...", _failed_acquisition),
    ("replan", "--freeze-h H", "--freeze-h 0.5"),
    ("replan", "--out DIR", "--out replan"),
    ("bench sgp4", "--tle FILE", "--tle examples/eo-satellites.tle"),
    ("bench sgp4", "--sats N", "--sats 100"),
    ("bench sgp4", "--times M", "--times 100"),
    ("bench sgp4", "--threads T", "--threads 1"),
    ("serve", "--tls-cert C.pem --tls-key K.pem", "--tls-cert cert.pem --tls-key key.pem"),  # made by openssl
]
# Cost limits shown by the README line itself, shortened in its full form (the bare form runs as printed).
SHORTENED = [
    ("spot5", "--time-limit-s 60", "--time-limit-s 5",
     "the full form of `vantage spot5` with a 5 s limit per method: 60 s is the default, which the bare form runs"),
]
# Capitalised words that are values, not placeholders.
CONCRETE = {"FR"}
# Names the inline Python calls use without defining them.
PYTHON_NAMES = {"epoch": "2025-10-03T00:00:00Z"}
# Files the commands read that the script writes first.
PREPARED_FILES = {
    "design.yaml": """\
# a small custom design (docs/formats.md, Constellation design file): a Walker shell and one SSO plane
epoch_utc: 2025-10-03T00:00:00Z
first_norad_id: 81000
name: README
groups:
  - walker: {pattern: delta, total: 4, planes: 2, phasing: 1, altitude_km: 550, inclination_deg: 53}
  - sso: {altitude_km: 700, local_times_h: 10.5, node: descending, sats_per_plane: 2}
""",
}
LINKED = ("examples", "tests")   # repository folders the commands read through relative paths
MARKER = ".readme_examples"
PLACEHOLDER_RE = re.compile(r"^[A-Z][A-Z0-9_]*(?:[./,].*)?$")
TOKEN_RE = re.compile(r"^[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$")


# ------------------------------------------------------------------------------------------------ README parsing
def fenced_blocks(lines):
    """[(lang, [(line_no, text)], heading)] of the README's ``` blocks; line_no is 1-based."""
    blocks, cur, heading = [], None, ""
    for no, text in enumerate(lines, 1):
        if cur is None:
            if text.startswith("#") and not text.startswith("#!"):
                heading = text.strip("# ").strip()
            if text.startswith("```"):
                cur = (text[3:].strip(), [], heading)
        elif text.startswith("```"):
            blocks.append(cur)
            cur = None
        else:
            cur[1].append((no, text))
    return blocks


def strip_comment(s):
    """s without a shell comment (a # at a word start, outside quotes)."""
    quote = None
    for i, c in enumerate(s):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or s[i - 1].isspace()):
            return s[:i]
    return s


def logical_lines(block_lines):
    """[(first line_no, command text)]: continuations joined, comments stripped, empty lines dropped."""
    out, acc, first = [], "", None
    for no, text in block_lines:
        if first is None:
            first = no
        cont = text.rstrip().endswith("\\")
        acc += " " + strip_comment(text.rstrip().rstrip("\\") if cont else text)
        if not cont:
            if acc.strip():
                out.append((first, " ".join(acc.split())))
            acc, first = "", None
    return out


def command_key(text):
    """'design custom', 'bench sgp4', 'mpirun coverage', 'propagate'..."""
    words = text.replace("[", " ").split()
    prefix = "mpirun " if words and words[0] == "mpirun" else ""
    if "vantage" not in words:
        return words[0] if words else ""
    rest = words[words.index("vantage") + 1:]
    sub = []
    for w in rest:
        if w.startswith("-") or "/" in w or "." in w or w.isupper():
            break
        sub.append(w)
    return prefix + " ".join(sub[:2])


def forms(text):
    """{'bare': ..., 'full': ...} (just {'only': text} without optional groups)."""
    groups = re.findall(r"\[([^\[\]]*)\]", text)
    if not groups:
        return {"only": text}

    def first_alternative(group):
        return " ".join(w.split("|")[0] for w in group.split())

    bare = re.sub(r"\s*\[[^\[\]]*\]", "", text)
    full = re.sub(r"\[([^\[\]]*)\]", lambda m: first_alternative(m.group(1)), text)
    return {"bare": " ".join(bare.split()), "full": " ".join(full.split())}


def substitute(key, text, ctx, notes=None):
    for cmd, old, new, why in SHORTENED:
        pattern = r"(?<![\w-])" + re.escape(old) + r"(?![\w./])"
        if cmd == key and re.search(pattern, text):
            text = re.sub(pattern, new, text)
            if notes is not None:
                notes.append(why)
    for cmd, old, new in PLACEHOLDERS:
        if cmd != key:
            continue
        pattern = r"(?<![\w-])" + re.escape(old) + r"(?![\w./])"
        if re.search(pattern, text):
            value = new(ctx) if callable(new) else new
            text = re.sub(pattern, lambda _m: value, text)
    return text


def unresolved(argv):
    return [w for w in argv if PLACEHOLDER_RE.match(w) and w not in CONCRETE]


# ------------------------------------------------------------------------------------------------ running
class Report:
    def __init__(self, readme):
        self.readme = readme
        self.rows = []       # (line, form, status, seconds, command)
        self.failures = []   # text blocks
        self.skips = []      # (line, command, reason)

    def ok(self, line, form, seconds, cmd):
        self.rows.append((line, form, "ok", seconds, cmd))
        print(f"[ok]   {self.readme}:{line} {form:5} {seconds:7.2f} s  {cmd}", flush=True)

    def fail(self, line, form, seconds, cmd, why, tail=""):
        self.rows.append((line, form, "FAIL", seconds, cmd))
        msg = f"FAIL {self.readme}:{line} ({form}): {why}\n  command: {cmd}"
        if tail:
            msg += "\n  last lines of stderr:\n" + "\n".join("    " + t for t in tail.splitlines())
        self.failures.append(msg)
        print(f"[FAIL] {self.readme}:{line} {form:5} {seconds:7.2f} s  {cmd}\n{msg}", flush=True)

    def skip(self, line, cmd, reason):
        self.skips.append((line, cmd, reason))
        print(f"[skip] {self.readme}:{line} {cmd}: {reason}", flush=True)


def tail_of(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:]).rstrip()
    except OSError:
        return ""


def run_logged(argv, cwd, log, timeout, env=None, shell=False):
    """(rc or None on timeout, seconds, stdout path, stderr path); the child runs in its own process group."""
    out, err = log + ".out", log + ".err"
    t0 = time.monotonic()
    with open(out, "wb") as fo, open(err, "wb") as fe:
        p = subprocess.Popen(argv, cwd=cwd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, env=env,
                             shell=shell, executable="/bin/bash" if shell else None, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            rc = None
    return rc, time.monotonic() - t0, out, err


def mpirun_env(argv):
    """OpenMPI refuses root and more ranks than cores unless told (docs: ../shared/PITFALLS.md); the command
    line stays as printed, the permissions go in the environment."""
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    if "-np" in argv and int(argv[argv.index("-np") + 1]) > (os.cpu_count() or 1):
        env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
    return env


class Runner:
    def __init__(self, args):
        self.a = args
        self.readme = os.path.abspath(args.readme)
        self.root = os.path.dirname(self.readme)
        self.vantage = os.path.abspath(args.vantage)
        self.s = os.path.abspath(args.scratch)
        self.logs = os.path.join(self.s, "logs")
        self.report = Report(os.path.basename(self.readme))
        self.only = set(int(x) for x in args.only.split(",")) if args.only else None
        self.ctx = {"scratch": self.s}
        self.env_notes = []

    # -- scratch
    def prepare(self):
        if os.path.isdir(self.s) and os.listdir(self.s) and not os.path.exists(os.path.join(self.s, MARKER)):
            print(f"readme_examples: {self.s} is not empty and was not made by this script; give an empty folder",
                  file=sys.stderr)
            sys.exit(2)
        shutil.rmtree(self.s, ignore_errors=True)
        os.makedirs(self.logs)
        open(os.path.join(self.s, MARKER), "w").close()
        for d in LINKED:
            os.symlink(os.path.join(self.root, d), os.path.join(self.s, d))
        for name, text in PREPARED_FILES.items():
            with open(os.path.join(self.s, name), "w") as f:
                f.write(text)

    def wanted(self, line):
        return self.only is None or line in self.only

    def argv_of(self, line, form, text):
        """The command line to run, or None after reporting why it cannot be built."""
        argv = shlex.split(text)
        argv = [self.vantage if w == "vantage" else w for w in argv]
        left = unresolved(argv)
        if left:
            self.report.fail(line, form, 0.0, text, f"placeholder(s) {', '.join(left)} have no value in "
                             "PLACEHOLDERS (tests/cli/readme_examples.py)")
            return None
        return argv

    def shown(self, argv):
        return " ".join(shlex.quote("vantage" if w == self.vantage else w) for w in argv)

    # -- plain commands
    def run_command(self, line, form, text):
        key = command_key(text)
        if "--now" in text.split():
            words = text.split()
            self.ctx["now"] = words[words.index("--now") + 1]
        try:
            notes = []
            text = substitute(key, text, self.ctx, notes if form == "full" else None)
            self.env_notes += [f"README.md:{line} {n}" for n in notes]
        except Exception as e:  # a value that needs an earlier command's output
            if self.a.list:
                print(f"{line:4} {form:5} {text}   (a placeholder takes its value from an earlier command's output)")
            else:
                self.report.fail(line, form, 0.0, text, f"no value for a placeholder: {e}")
            return
        argv = self.argv_of(line, form, text)
        if argv is None:
            return
        if self.a.list:
            print(f"{line:4} {form:5} {self.shown(argv)}")
            return
        env = None
        if argv[0] == "mpirun":
            if shutil.which("mpirun") is None:
                self.report.skip(line, self.shown(argv), "mpirun is not installed")
                return
            env = mpirun_env(argv)
            extra = {k: v for k, v in env.items() if k.startswith("OMPI_") and os.environ.get(k) != v}
            self.env_notes.append(f"README.md:{line} mpirun with " + " ".join(f"{k}={v}" for k, v in extra.items()))
        rc, dt, out, err = run_logged(argv, self.s, os.path.join(self.logs, f"L{line}-{form}"), self.a.timeout, env)
        if rc == 0:
            self.report.ok(line, form, dt, self.shown(argv))
        elif rc is None:
            self.report.fail(line, form, dt, self.shown(argv), f"timed out after {self.a.timeout} s", tail_of(err))
        else:
            self.report.fail(line, form, dt, self.shown(argv), f"exit status {rc}", tail_of(err) or tail_of(out))

    def skipped(self, line, text):
        for prefix, reason in SKIP.items():
            if text.startswith(prefix):
                self.report.skip(line, text, reason)
                return True
        return False

    # -- the service block
    def service_block(self, lines):
        admin = [(n, t) for n, t in lines if t.startswith("vantage admin")]
        serve = [(n, t) for n, t in lines if t.startswith("vantage serve")]
        curls = [(n, t) for n, t in lines if t.startswith("curl ")]
        rest = [(n, t) for n, t in lines if (n, t) not in admin + serve + curls]
        for n, t in rest:
            if not self.skipped(n, t):
                self.report.fail(n, "only", 0.0, t, "a command of the service block this script does not know")
        if not any(self.wanted(n) for n, _ in lines):
            return
        tokens = []   # (what, token)
        for n, t in admin:
            for form, text in (("only", t), ("req", re.sub(r"--role \S+", "--role requester", t))):
                if form == "req" and "--role requester" in t:
                    continue
                argv = self.argv_of(n, form, text)
                if argv is None:
                    continue
                if self.a.list:
                    print(f"{n:4} {form:5} {self.shown(argv)}")
                    continue
                rc, dt, out, err = run_logged(argv, self.s, os.path.join(self.logs, f"L{n}-{form}"), self.a.timeout)
                last = (open(out).read().strip().splitlines() or [""])[-1]
                if rc != 0:
                    self.report.fail(n, form, dt, self.shown(argv), f"exit status {rc}", tail_of(err))
                elif not TOKEN_RE.match(last):
                    self.report.fail(n, form, dt, self.shown(argv), f"the last stdout line is not a token: {last!r}")
                else:
                    self.report.ok(n, form, dt, self.shown(argv))
                    role = re.search(r"--role (\S+)", text)
                    tokens.append((role.group(1) if role else "requester", last))
        for n, t in serve:
            for form, text in forms(t).items():
                self.serve_form(n, form, text, curls, tokens)

    def serve_form(self, line, form, text, curls, tokens):
        tls = "--tls-cert" in text
        if tls and not self.a.list:
            if shutil.which("openssl") is None:
                self.report.skip(line, text, "openssl is not installed: no certificate for --tls-cert")
                return
            cert = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem",
                                   "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost"],
                                  cwd=self.s, capture_output=True, text=True)
            if cert.returncode != 0:
                self.report.fail(line, form, 0.0, text, "openssl could not make a test certificate", cert.stderr)
                return
        text = substitute("serve", text, self.ctx)
        argv = self.argv_of(line, form, text)
        if argv is None:
            return
        if self.a.list:
            print(f"{line:4} {form:5} {self.shown(argv)}  (background)")
            for n, c in curls:
                print(f"{n:4} {form:5} {self.curl_text(c, tls)}")
            return
        port = 8080
        for _n, c in curls:
            m = re.search(r"localhost:(\d+)", c)
            port = int(m.group(1)) if m else port
        if not port_free(port):
            self.report.skip(line, self.shown(argv), f"port {port} (the one the README's curl line names) is in "
                             "use on this machine")
            return
        log = os.path.join(self.logs, f"L{line}-{form}")
        t0 = time.monotonic()
        with open(log + ".out", "wb") as fo, open(log + ".err", "wb") as fe:
            p = subprocess.Popen(argv, cwd=self.s, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and p.poll() is None and "listening on" not in tail_of(log + ".out"):
                time.sleep(0.1)
            if p.poll() is not None or "listening on" not in tail_of(log + ".out"):
                self.report.fail(line, form, time.monotonic() - t0, self.shown(argv),
                                 f"the server did not start listening (exit status {p.poll()})", tail_of(log + ".err"))
                return
            self.report.ok(line, form, time.monotonic() - t0, self.shown(argv) + "   (started; listening)")
            for n, c in curls:
                for role, token in tokens:
                    self.curl(n, f"{form}/{role}"[:16], self.curl_text(c, tls), token)
        finally:
            if p.poll() is None:
                t1 = time.monotonic()
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    rc = p.wait(timeout=10)
                    stop = f"stopped by SIGTERM in {time.monotonic() - t1:.2f} s, exit status {rc}"
                    if rc != 0:
                        self.report.fail(line, form, time.monotonic() - t1, self.shown(argv),
                                         f"exit status {rc} after SIGTERM", tail_of(log + ".err"))
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
                    stop = "not stopped by SIGTERM within 10 s (killed)"
                    self.report.fail(line, form, 10.0, self.shown(argv), stop, tail_of(log + ".err"))
                print(f"       README.md:{line} {form}: server {stop}", flush=True)

    @staticmethod
    def curl_text(c, tls):
        if tls:
            c = re.sub(r"^curl ", "curl -k ", c)
            c = re.sub(r"(?<![/\w])localhost:", "https://localhost:", c)
        return c + " -w '\\n%{http_code}'"

    def curl(self, line, form, text, token):
        env = dict(os.environ, TOKEN=token)
        rc, dt, out, err = run_logged(text, self.s, os.path.join(self.logs, f"L{line}-{form.replace('/', '-')}"),
                                      self.a.timeout, env=env, shell=True)
        body = open(out, errors="replace").read().rsplit("\n", 1)
        status = body[-1].strip() if len(body) == 2 else "?"
        shown = text
        if rc != 0 or status != "201":
            self.report.fail(line, form, dt, shown, f"exit status {rc}, HTTP status {status}, body {body[0][:300]!r}",
                             tail_of(err))
            return
        try:
            doc = json.loads(body[0])
            assert "id" in doc, "no id"
        except Exception as e:  # noqa: BLE001 - any bad body is the failure
            self.report.fail(line, form, dt, shown, f"HTTP 201 but the body is not a request: {e}: {body[0][:300]!r}")
            return
        self.report.ok(line, form, dt, f"{shown}   -> 201 {doc.get('id')} {doc.get('status')}")

    # -- the python block and the calls quoted after it
    def python_block(self, lines, after):
        first = lines[0][0]
        if not self.wanted(first):
            return
        pydir = self.a.python_dir
        code = "\n" * (first - 1) + "\n".join(t for _n, t in lines) + "\n"
        shape = re.search(r"#\s*\((\d+), (\d+), (\d+)\)", code)
        calls = []
        for n, t in after:
            for m in re.finditer(r"`(vantage\.[A-Za-z_]+\(.*?\)[^`]*)`", t):
                calls.append((n, m.group(1)))
        if self.a.list:
            print(f"{first:4} only  /usr/bin/python3 <README.md lines {first}-{lines[-1][0]}> (repository root)")
            for n, c in calls:
                print(f"{n:4} only  {c}   (python, from SCRATCH)")
            return
        if not pydir or not os.path.isdir(os.path.join(pydir, "vantage")):
            self.report.skip(first, "```python block", f"no built Python package (PYTHON_DIR {pydir!r})")
            for n, c in calls:
                self.report.skip(n, c, "no built Python package")
            return
        driver = os.path.join(self.s, "readme_python.py")
        with open(driver, "w") as f:
            f.write(PY_DRIVER)
        spec = {"readme": self.readme, "code": code, "first": first, "last": lines[-1][0], "root": self.root,
                "scratch": self.s, "calls": calls, "names": PYTHON_NAMES,
                "shape": [int(x) for x in shape.groups()] if shape else None}
        with open(os.path.join(self.s, "readme_python.json"), "w") as f:
            json.dump(spec, f)
        python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        env = dict(os.environ, PYTHONPATH=os.path.abspath(pydir))
        rc, dt, out, err = run_logged([python, driver, os.path.join(self.s, "readme_python.json")], self.root,
                                      os.path.join(self.logs, f"L{first}-python"), self.a.timeout, env=env)
        results = [json.loads(t) for t in open(out).read().splitlines() if t.startswith("{")]
        for r in results:
            if r["ok"]:
                self.report.ok(r["line"], "py", r["s"], r["what"])
            else:
                self.report.fail(r["line"], "py", r["s"], r["what"], r["error"], r.get("trace", ""))
        if rc != 0 and not any(not r["ok"] for r in results):
            self.report.fail(first, "py", dt, f"{python} (README python examples)",
                             f"exit status {rc}" if rc is not None else "timed out", tail_of(err))

    # -- all
    def run(self):
        with open(self.readme, encoding="utf-8") as f:
            lines = f.read().splitlines()
        if not self.a.list:
            self.prepare()
        t0 = time.monotonic()
        for lang, block, heading in fenced_blocks(lines):
            if lang == "python":
                last = block[-1][0] if block else 0
                after = []
                for no in range(last + 2, len(lines) + 1):   # the paragraph after the closing ```
                    if not lines[no - 1].strip():
                        break
                    after.append((no, lines[no - 1]))
                self.python_block(block, after)
                continue
            if lang not in ("sh", "bash", "shell", "console"):
                n = block[0][0] if block else 0
                self.report.fail(n, "-", 0.0, f"```{lang} block", "a README block this script does not know how "
                                 "to run: teach tests/cli/readme_examples.py (or list it in SKIP)")
                continue
            cmds = logical_lines(block)
            if any(t.startswith("vantage serve") for _n, t in cmds):
                self.service_block(cmds)
                continue
            for n, t in cmds:
                if not self.wanted(n) or self.skipped(n, t):
                    continue
                if not (t.startswith("vantage ") or t.startswith("mpirun ")):
                    self.report.fail(n, "-", 0.0, t, "a command this script does not know how to run (list it in SKIP)")
                    continue
                for form, text in forms(t).items():
                    self.run_command(n, form, text)
        return time.monotonic() - t0

    def summary(self, total):
        r = self.report
        ran = [x for x in r.rows if x[2] == "ok"]
        print("\n==== README examples:", f"{len(ran)} ok, {len(r.failures)} failed, {len(r.skips)} skipped;"
              f" total wall time {total:.1f} s")
        print(f"{'line':>5} {'form':16} {'status':6} {'seconds':>8}  command")
        for line, form, status, sec, cmd in r.rows:
            print(f"{line:5} {form:16} {status:6} {sec:8.2f}  {cmd[:150]}")
        if r.skips:
            print("skipped:")
            for line, cmd, reason in r.skips:
                print(f"  README.md:{line} {cmd[:80]}: {reason}")
        for note in self.env_notes:
            print("  note: " + note)
        if r.failures:
            print("\nfailures:")
            for msg in r.failures:
                print(msg)
        return 1 if r.failures else 0


def port_free(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


PY_DRIVER = r'''
import json, os, sys, time, traceback
spec = json.load(open(sys.argv[1]))
def report(**kw):
    print(json.dumps(kw), flush=True)
ns = {"__name__": "__readme__"}
t0 = time.monotonic()
try:
    exec(compile(spec["code"], spec["readme"], "exec"), ns)   # line numbers are the README's
    if spec["shape"] is not None:
        got = list(ns["states"].shape)
        assert got == spec["shape"], f"states.shape is {tuple(got)}, the README's comment says {tuple(spec['shape'])}"
    report(line=spec["first"], ok=True, s=time.monotonic() - t0,
           what=f"python README.md lines {spec['first']}-{spec['last']} (states {tuple(ns['states'].shape)})"
           if "states" in ns else f"python README.md lines {spec['first']}-{spec['last']}")
except Exception as e:
    report(line=spec["first"], ok=False, s=time.monotonic() - t0, what="the ```python block",
           error=f"{type(e).__name__}: {e}", trace=traceback.format_exc(limit=-3))
    sys.exit(1)
os.chdir(spec["scratch"])
for name, value in spec["names"].items():
    ns.setdefault(name, value)
for line, call in spec["calls"]:
    t0 = time.monotonic()
    try:
        value = eval(call, ns)
        report(line=line, ok=True, s=time.monotonic() - t0, what=f"{call}  -> {type(value).__name__}")
    except Exception as e:
        report(line=line, ok=False, s=time.monotonic() - t0, what=call, error=f"{type(e).__name__}: {e}",
               trace=traceback.format_exc(limit=-3))
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("readme")
    ap.add_argument("vantage")
    ap.add_argument("scratch")
    ap.add_argument("python_dir", nargs="?", default="")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per command (600)")
    ap.add_argument("--only", default="", help="README line numbers to run (comma separated)")
    ap.add_argument("--list", action="store_true", help="print the commands and do not run them")
    args = ap.parse_args()
    if not os.path.isfile(args.readme) or not os.access(args.vantage, os.X_OK):
        ap.error("README must be a file and VANTAGE an executable")
    runner = Runner(args)
    total = runner.run()
    if args.list:
        return 0
    return runner.summary(total)


if __name__ == "__main__":
    sys.exit(main())
