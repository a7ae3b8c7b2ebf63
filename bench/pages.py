"""Benchmark: every page under gunicorn (production settings, 2 workers) with `hey`, against the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ec_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/pages.py --companies 1000000 --requests 2000000 --duration 10 --rounds 3

See bench/README.md. In short:
- migrates the database; with --companies/--requests it runs `manage.py seed_volume` (tops up to that size),
  with --seed-demo `manage.py seed_demo`; otherwise it measures what the database holds;
- starts gunicorn (DEBUG off, 2 workers, a free 127.0.0.1 port; BENCH_FLOOR_VIEW on for the floor view and
  the X-Query-Count header; API throttles and the intake form's fill-time and rate limit off) and a Celery
  worker (bench/celery_worker.py; not with --smoke or --no-celery-worker);
- signs in one regional staff member, one organisation lead and one advisor (a session each, made in the
  store the server reads; TWO_FACTOR_REQUIRED off for the server, as no second factor is at hand);
- reads each endpoint's query count once (X-Query-Count), then runs `hey` on every endpoint for --duration
  seconds at each concurrency, endpoints interleaved, for --rounds rounds (the machine is shared: noise);
- writes bench/results/<stamp>.json and .md: per endpoint and concurrency the median, p95, throughput, the
  ratio of the median to the floor's (same concurrency, same run), status codes and the query count; then
  the gunicorn workers' RSS after the run and whether any request reached gunicorn's timeout.
"""

import argparse
import io
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
GUNICORN_TIMEOUT = 30
JSON_FIELDS = (
    "endpoint",
    "concurrency",
    "requests",
    "median_ms",
    "p95_ms",
    "throughput_rps",
    "ratio_to_floor",
)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--companies", type=int, help="seed_volume --companies (needs seed_volume)")
    parser.add_argument("--requests", type=int, help="seed_volume --requests (needs seed_volume)")
    parser.add_argument("--seed-demo", action="store_true", help="run seed_demo first (small data)")
    parser.add_argument(
        "--duration", type=float, default=5.0, help="seconds of hey per endpoint, round, level"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", default="1,8", help="comma-separated levels (default 1,8)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated endpoint names (the floor always runs)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument(
        "--no-collectstatic",
        action="store_true",
        help="plain static storage instead of collectstatic + the manifest (faster start, the smoke test)",
    )
    parser.add_argument("--hey", default=shutil.which("hey") or "hey")
    parser.add_argument("--no-celery-worker", action="store_true", help="no worker (bench/celery_worker.py)")
    parser.add_argument(
        "--keep-submissions",
        action="store_true",
        help="keep what the form's POSTs made (by default deleted after the run: bench/leftovers.py)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a quick check that every endpoint answers, not a measurement (the test suite's smoke run): "
        "seed_demo hashes its passwords with MD5, gunicorn (--preload) starts while the database is "
        "migrated and seeded, each endpoint is asked once before the load (no warm-up per worker; "
        "--workers at a time), hey sends one request per client (-n <level>) instead of running for "
        "--duration, and gunicorn is stopped with SIGQUIT",
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url (or DATABASE_URL) must be a PostgreSQL database")
    args.levels = [int(level) for level in args.concurrency.split(",") if level.strip()]
    return args


def server_environment(args, static_root: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "exportcenter.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": static_root,
        "STATIC_MANIFEST": "false" if args.no_collectstatic else "true",
        "EMAIL_URL": "dummymail://",
        "ACCESSIBILITY_CONTACT_EMAIL": os.environ.get(
            "ACCESSIBILITY_CONTACT_EMAIL", "tillganglighet@exportcenter.example.org"
        ),
        "BENCH_FLOOR_VIEW": "true",
        "TWO_FACTOR_REQUIRED": "false",
        # Empty rates: no throttle class limits anything.
        "API_THROTTLE_TOKEN": "",
        "API_THROTTLE_USER": "",
        "API_THROTTLE_ADDRESS": "",
        # The intake form's abuse checks: no minimum fill time, no per-address rate limit (one address here).
        "INTAKE_MIN_FILL_SECONDS": "0",
        "INTAKE_RATE_LIMIT": "1000000000",
        # hey sends the same body every time: without this the same company, email and text within the window
        # would be the one request already made (a cheap redirect), not a new submission.
        "INTAKE_DUPLICATE_WINDOW_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
        env["CELERY_BROKER_DIR"] = tempfile.mkdtemp(prefix="bench-broker-")
    return env


def manage(env, *command, stdout=None):
    subprocess.run([sys.executable, "manage.py", *command], env=env, cwd=ROOT, check=True, stdout=stdout)  # noqa: S603


def migrate() -> None:
    """In this process (its settings are the server's): no second Django start-up."""
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def seed(args, env) -> None:
    from django.core.management import call_command

    if args.companies or args.requests:
        from django.core.management import get_commands

        if "seed_volume" not in get_commands():
            sys.exit(
                "--companies/--requests need `manage.py seed_volume`, which this checkout does not have yet."
            )
        size = []
        if args.companies:
            size += ["--companies", str(args.companies)]
        if args.requests:
            size += ["--requests", str(args.requests)]
        manage(env, "seed_volume", *size)
    if args.seed_demo:
        from django.test import override_settings

        # The demo's ten-odd PBKDF2 hashes are most of seed_demo's time; the harness signs in without them.
        hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"] if args.smoke else None
        with override_settings(**({"PASSWORD_HASHERS": hashers} if hashers else {})):
            call_command("seed_demo", "--allow-production", stdout=io.StringIO())


# --- Server ----------------------------------------------------------------------------------------------
def launch_server(args, env, log_path: Path):
    """gunicorn on 127.0.0.1:0 (the kernel picks a free port); the port is read back from its log."""
    return subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "gunicorn"),
            "exportcenter.wsgi:application",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            str(args.workers),
            "--timeout",
            str(GUNICORN_TIMEOUT),
            "--error-logfile",
            "-",
            # --smoke: Django is imported once, in the master, not in each worker (less CPU at start).
            *(["--preload"] if args.smoke else []),
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_for_server(server, log_path: Path):
    """The base URL once /healthz answers 200 (at most 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited ({server.returncode}):\n{log_path.read_text()}")
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log_path.read_text())
        if found:
            base_url = f"http://127.0.0.1:{found.group(1)}"
            try:
                if fetch(f"{base_url}/healthz")[0] == 200:
                    return base_url
            except (urllib.error.URLError, ConnectionError):
                pass
        time.sleep(0.2)
    stop_server(server)
    sys.exit(f"gunicorn did not answer within 60 s:\n{log_path.read_text()}")


def stop_server(server, quick=False) -> None:
    """Graceful (SIGTERM: the workers finish their requests), or quick (SIGQUIT: --smoke, after the load)."""
    try:
        os.killpg(server.pid, signal.SIGQUIT if quick else signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def worker_rss_mb(server) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    out = subprocess.run(  # noqa: S603
        [shutil.which("ps") or "/bin/ps", "-o", "rss=", "--ppid", str(server.pid)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [round(int(line) / 1024, 1) for line in out.split()]


# --- Sessions and the endpoints ------------------------------------------------------------------------
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, headers=None, data=None):
    """One request without following redirects: (status, headers, body)."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    try:
        with OPENER.open(request, timeout=GUNICORN_TIMEOUT + 5) as answer:
            return answer.status, answer.headers, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def session_cookie(user) -> str:
    """A signed-in session for `user` in the store the server reads (same database, cache and SECRET_KEY)."""
    from django.conf import settings
    from django.test import Client

    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if path.endswith("AdvisorBackend"))
    client = Client()
    client.force_login(user, backend=backend)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def benchmark_users():
    from advisors.models import User

    users = {}
    for role, label in [
        (User.Role.REGIONAL_STAFF, "staff"),
        (User.Role.ORGANISATION_LEAD, "lead"),
        (User.Role.ADVISOR, "advisor"),
    ]:
        user = (
            User.objects.filter(role=role, is_active=True, organisation__isnull=False).order_by("pk").first()
        )
        if user is None:
            sys.exit(
                f"No active {role} in the database: seed it first (--seed-demo or --companies/--requests)."
            )
        users[label] = user
    return users


def submission_body(base_url: str) -> tuple[str, str]:
    """The public form's POST body and the CSRF cookie, from a real GET of the form.

    Without `submission_id` each POST is a new submission (the form makes a new idempotency key); the
    `started` token is the one the page gave (no minimum fill time in bench mode).
    """
    from referrals.forms.intake import HelpMeExportForm

    status, headers, page = fetch(f"{base_url}/help-me-export/")
    if status != 200:
        sys.exit(f"The request form answered {status}.")
    cookies = [value.split(";", 1)[0] for value in headers.get_all("Set-Cookie") or []]
    csrf_cookie = next(cookie for cookie in cookies if cookie.startswith("csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    started = re.search(r'name="started" value="([^"]+)"', page).group(1)

    form = HelpMeExportForm()

    def first_choice(name):
        field = form.fields[name]
        if hasattr(field, "queryset"):
            obj = field.queryset.order_by("pk").first()
            return str(getattr(obj, field.to_field_name or "pk"))
        return next(str(value) for value, _label in field.choices if value)

    data = [
        ("csrfmiddlewaretoken", token),
        ("started", started),
        ("homepage", ""),
        ("not_registered", "on"),
        ("company_name", "Benchmark Export AB"),
        ("municipality", first_choice("municipality")),
        ("employee_band", first_choice("employee_band")),
        ("sells", first_choice("sells")),
        ("export_experience", first_choice("export_experience")),
        ("needs", first_choice("needs")),
        ("description", "We want to start selling our products in Germany and need advice on distributors."),
        ("contact_name", "Bench Marksson"),
        ("contact_email", "bench@example.org"),
        ("language", "sv"),
        ("preferred_contact_method", "email"),
        ("privacy_confirmed", "on"),
    ]
    return urllib.parse.urlencode(data), csrf_cookie


def endpoints(base_url: str, users: dict, cookies: dict) -> list[dict]:
    """The endpoints, each a GET (or the form's POST) with the session of the role that uses it.

    The request (an open one) and the company are ones the regional staff member may see
    (advisors.access.visible).
    """
    from advisors.access import visible
    from companies.models import Company
    from referrals import status_links
    from referrals.models import AdviceRequest, NeedCategory

    staff, lead, advisor = cookies["staff"], cookies["lead"], cookies["advisor"]
    companies = visible(users["staff"], Company.objects.all())
    company = companies.exclude(org_number="").order_by("pk").first() or companies.order_by("pk").first()
    # An open request: a status link ends STATUS_LINK_DAYS_AFTER_CLOSE after closing (404), and most volume
    # requests were closed long ago.
    requests = visible(users["staff"], AdviceRequest.objects.all())
    advice_request = (
        requests.filter(closed_at__isnull=True).order_by("-pk").first() or requests.order_by("-pk").first()
    )
    need = NeedCategory.objects.filter(is_active=True).order_by("pk").first()
    if company is None or advice_request is None or need is None:
        sys.exit("No company or request the regional staff member may see, or no need category: seed first.")
    name = company.name
    prefix = name[:4]
    misspelt = name[:1] + name[2] + name[1] + name[3:] if len(name) > 3 else name + "x"
    body, csrf_cookie = submission_body(base_url)

    def get(name, path, cookie=None, **query):
        url = f"{base_url}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        return {"name": name, "method": "GET", "url": url, "cookie": cookie, "expect": 200}

    return [
        get("floor", "/bench/floor/", staff),
        get("landing", "/"),
        get("request form GET", "/help-me-export/"),
        {
            "name": "request form POST",
            "method": "POST",
            "url": f"{base_url}/help-me-export/",
            "cookie": csrf_cookie,
            "body": body,
            "content_type": "application/x-www-form-urlencoded",
            "expect": 302,  # to the confirmation page: a new request was made
        },
        get("status page", f"/status/{status_links.token_for(advice_request)}/"),
        get("inbox default", "/advisor/requests/", staff),
        get("inbox filtered", "/advisor/requests/", staff, view="open", need=need.slug),
        get("inbox text search", "/advisor/requests/", staff, view="open", q="export"),
        get("request page", f"/advisor/requests/{advice_request.public_id}/", staff),
        get("company search org number", "/companies/", staff, q=company.org_number or name),
        get("company search name prefix", "/companies/", staff, q=prefix),
        get("company search misspelt", "/companies/", staff, q=misspelt),
        get("company page", f"/companies/{company.public_id}/", staff),
        get("dashboard staff", "/advisor/dashboard/", staff),
        get("dashboard lead", "/advisor/dashboard/", lead),
        get("dashboard advisor", "/advisor/dashboard/", advisor),
        get("api companies", "/api/v1/companies/", staff),
        get("api requests", "/api/v1/requests/", staff),
        get("api stats summary", "/api/v1/stats/summary/", staff),
        # The national roll-up (issue 18): regional staff may see it too.
        get("national figures", "/national/", staff),
        get("api stats national", "/api/v1/stats/national/", staff),
        *project_endpoints(get, users["staff"], staff),
    ]


def project_endpoints(get, user, cookie) -> list[dict]:
    """EU-funded projects and official statistics (issue 19), as the regional staff member sees them: the
    list, the project with the most participating companies, its indicators, a company with de minimis aid
    (one linked to another as one undertaking where there is one), the API lists and the statistics."""
    from django.db.models import Count, Exists, OuterRef, Q

    from advisors.access import visible
    from companies.models import Company
    from projects.models import DeMinimisAid, Project, UndertakingLink

    project = (
        visible(user, Project.objects.all())
        .annotate(companies=Count("participations"))
        .order_by("-companies", "pk")
        .first()
    )
    linked = UndertakingLink.objects.filter(Q(company=OuterRef("pk")) | Q(linked_company=OuterRef("pk")))
    company = (
        visible(user, Company.objects.filter(Exists(DeMinimisAid.objects.filter(company=OuterRef("pk")))))
        .annotate(linked=Exists(linked))
        .order_by("-linked", "pk")
        .first()
    )
    if project is None or company is None:
        sys.exit("No project or company with de minimis aid the regional staff member may see: seed first.")
    return [
        get("project list", "/advisor/projects/", cookie),
        get("project page", f"/advisor/projects/{project.public_id}/", cookie),
        get("project indicators", f"/advisor/projects/{project.public_id}/indicators/", cookie),
        get("company page with aid", f"/companies/{company.public_id}/", cookie),
        get("api projects", "/api/v1/projects/", cookie),
        get("api aid", "/api/v1/aid/", cookie),
        get("api project indicators", f"/api/v1/projects/{project.public_id}/indicators/", cookie),
        get("official statistics", "/advisor/statistics/", cookie),
        get("api statistics counties", "/api/v1/statistics/counties/", cookie),
    ]


def query_count(endpoint) -> tuple[int, int | None]:
    headers = {"Cookie": endpoint["cookie"]} if endpoint["cookie"] else {}
    data = None
    if endpoint["method"] == "POST":
        headers["Content-Type"] = endpoint["content_type"]
        data = endpoint["body"].encode()
    status, answer_headers, _body = fetch(endpoint["url"], headers, data)
    count = answer_headers.get("X-Query-Count")
    return status, int(count) if count is not None else None


# --- Load ------------------------------------------------------------------------------------------------
def run_hey(args, endpoint, concurrency: int) -> dict:
    # --smoke: one request per client; else as many as --duration allows.
    load = ["-n", str(concurrency)] if args.smoke else ["-z", f"{args.duration}s"]
    command = [
        args.hey,
        *load,
        "-c",
        str(concurrency),
        "-t",
        str(GUNICORN_TIMEOUT + 5),
        "-disable-redirects",
        "-o",
        "csv",
        "-m",
        endpoint["method"],
    ]
    if endpoint["cookie"]:
        command += ["-H", f"Cookie: {endpoint['cookie']}"]
    if endpoint["method"] == "POST":
        command += ["-T", endpoint["content_type"], "-d", endpoint["body"]]
    command.append(endpoint["url"])
    started = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    elapsed = time.monotonic() - started
    times, statuses = [], {}
    for line in out.splitlines()[
        1:
    ]:  # response-time,DNS+dialup,DNS,Request-write,Response-delay,...,status-code,offset
        fields = line.split(",")
        if len(fields) < 8:
            continue
        times.append(float(fields[0]) * 1000)
        statuses[fields[6]] = statuses.get(fields[6], 0) + 1
    # Requests that got no answer (timeouts, refused) are missing from hey's CSV rows.
    seconds = elapsed if args.smoke else min(elapsed, args.duration) or elapsed
    return {"times": times, "statuses": statuses, "seconds": seconds}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summarise(name, level, runs, floor_median) -> dict:
    times = [t for run in runs for t in run["times"]]
    statuses = {}
    for run in runs:
        for code, count in run["statuses"].items():
            statuses[code] = statuses.get(code, 0) + count
    seconds = sum(run["seconds"] for run in runs)
    median = statistics.median(times) if times else None
    return {
        "endpoint": name,
        "concurrency": level,
        "requests": len(times),
        "median_ms": round(median, 2) if median is not None else None,
        "p95_ms": round(percentile(times, 0.95), 2) if times else None,
        "throughput_rps": round(len(times) / seconds, 1) if seconds else None,
        "ratio_to_floor": round(median / floor_median, 2) if median and floor_median else None,
        "round_medians_ms": [
            round(statistics.median(run["times"]), 2) if run["times"] else None for run in runs
        ],
        "statuses": statuses,
    }


def markdown(report) -> str:
    levels = report["concurrency_levels"]
    head = "| endpoint | queries | " + " | ".join(
        f"c={c} median ms | c={c} p95 ms | c={c} req/s | c={c} ×floor" for c in levels
    )
    lines = [
        f"# Pages benchmark, {report['started_at']}",
        "",
        f"Machine: {report['machine']['cpus']} CPUs, load average before {report['machine']['load_before']}, "
        f"after {report['machine']['load_after']}. Data: {report['data']['companies']} companies, "
        f"{report['data']['requests']} requests. {report['rounds']} rounds × "
        + ("one request per client (--smoke)" if report["smoke"] else f"{report['duration_s']} s")
        + f" per endpoint and level, gunicorn {report['workers']} workers"
        + (", a Celery worker." if report.get("celery_worker") else ", no Celery worker."),
        "",
        head + " |",
        "|---|---|" + "---|---|---|---|" * len(levels),
    ]
    by_key = {(row["endpoint"], row["concurrency"]): row for row in report["results"]}
    for name, queries in report["query_counts"].items():
        cells = [name, str(queries if queries is not None else "–")]
        for level in levels:
            row = by_key.get((name, level))
            if row is None or row["median_ms"] is None:
                cells += ["–"] * 4
                continue
            cells += [f"{row['median_ms']:.1f}", f"{row['p95_ms']:.1f}", f"{row['throughput_rps']}"]
            cells.append(f"{row['ratio_to_floor']}")
        lines.append("| " + " | ".join(cells) + " |")
    rss = ", ".join(f"{mb} MB" for mb in report["worker_rss_mb"])
    lines += [
        "",
        f"Worker RSS after the run: {rss}. Requests that reached gunicorn's {GUNICORN_TIMEOUT} s timeout: "
        f"{report['worker_timeouts']}. Unexpected answers: {report['errors'] or 'none'}. Submissions: "
        f"{report['submissions']['accepted_posts']} POSTs answered 302, "
        f"{report['submissions']['requests_made']} requests made"
        f"{', then removed' if report['submissions'].get('removed') else ''}.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    if shutil.which(args.hey) is None:
        sys.exit("`hey` is missing: apt-get install -y hey")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = server_environment(args, static_root)
    # This process reads the same database, cache and SECRET_KEY: its sessions are the server's.
    os.environ.update({key: value for key, value in env.items() if key != "DJANGO_SETTINGS_MODULE"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "exportcenter.settings"
    if not args.redis_url:
        os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    log_path = out_dir / "gunicorn.log"
    # --smoke: gunicorn starts (imports Django) while the database is migrated and seeded; no collectstatic.
    server = launch_server(args, env, log_path) if args.smoke and args.no_collectstatic else None
    try:
        import django

        django.setup()
        migrate()
        if not args.no_collectstatic:
            manage(env, "collectstatic", "--noinput", "-v", "0")
        seed(args, env)
        users = benchmark_users()
        cookies = {label: session_cookie(user) for label, user in users.items()}
    except BaseException:
        if server is not None:
            stop_server(server)
        raise

    import celery_worker
    from leftovers import high_water_marks, remove_new_rows

    from companies.models import Company
    from referrals.models import AdviceRequest

    marks = high_water_marks()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    load_before = os.getloadavg()
    if server is None:
        server = launch_server(args, env, log_path)
    base_url = wait_for_server(server, log_path)
    with_worker = not (args.smoke or args.no_celery_worker)
    worker = celery_worker.start(VENV_BIN, env, ROOT, out_dir / "celery.log") if with_worker else None
    try:
        chosen = endpoints(base_url, users, cookies)
        if args.only:
            wanted = {name.strip() for name in args.only.split(",")}
            chosen = [e for e in chosen if e["name"] == "floor" or e["name"] in wanted]
        counts, first_status = {}, {}
        # Each endpoint once per worker to warm the caches (per-process and Redis), then once more for its
        # query count: the count of a warm page, as the timed runs see it. The first answer's status is kept.
        # --smoke: no warm-up, the counted answer is the first, and --workers endpoints are asked at a time.
        if args.smoke:
            with ThreadPoolExecutor(max_workers=args.workers) as pool:
                for endpoint, (status, count) in zip(chosen, pool.map(query_count, chosen), strict=True):
                    counts[endpoint["name"]], first_status[endpoint["name"]] = count, status
        for endpoint in [] if args.smoke else chosen:
            for _warm_up in range(args.workers):
                status, _count = query_count(endpoint)
                first_status.setdefault(endpoint["name"], status)
            counts[endpoint["name"]] = query_count(endpoint)[1]
        requests_before = AdviceRequest.objects.count()
        runs = {(e["name"], level): [] for e in chosen for level in args.levels}
        for round_number in range(args.rounds):
            for level in args.levels:
                for endpoint in chosen:
                    runs[(endpoint["name"], level)].append(run_hey(args, endpoint, level))
            print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)
        rss = worker_rss_mb(server)
        requests_made = AdviceRequest.objects.count() - requests_before
    finally:
        stop_server(server, quick=args.smoke)
        celery_worker.stop(worker)
        # Also when the load failed: the next run must not measure this one's submissions.
        data = {"companies": Company.objects.count(), "requests": AdviceRequest.objects.count()}
        since = date.fromisoformat(started_at[:10]) - timedelta(days=1) if worker else None
        removed = {} if args.keep_submissions else remove_new_rows(marks, facts_since=since)
    timeouts = log_path.read_text().count("WORKER TIMEOUT")
    results = []
    for level in args.levels:
        floor = summarise("floor", level, runs[("floor", level)], None)
        for endpoint in chosen:
            results.append(
                summarise(endpoint["name"], level, runs[(endpoint["name"], level)], floor["median_ms"])
            )
    # Anything but the expected answer is an error: a 302 to the sign-in page is no dashboard.
    expected = {endpoint["name"]: str(endpoint["expect"]) for endpoint in chosen}
    errors = {
        row["endpoint"]: {code: n for code, n in row["statuses"].items() if code != expected[row["endpoint"]]}
        for row in results
    }
    errors = {name: codes for name, codes in errors.items() if codes}
    for name, status in first_status.items():
        if str(status) != expected[name]:
            errors.setdefault(name, {})[str(status)] = errors.get(name, {}).get(str(status), 0) + 1
    # Every accepted POST must have made a new request: a resend recognised as a duplicate is a cheaper page.
    posts = sum(row["statuses"].get("302", 0) for row in results if row["endpoint"] == "request form POST")
    if posts and requests_made < posts:
        errors["request form POST"] = {"requests made": requests_made, "302 answers": posts}
    report = {
        "started_at": started_at,
        "submissions": {"accepted_posts": posts, "requests_made": requests_made, "removed": removed},
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "data": data,  # at the end of the load, before its submissions were removed
        "workers": args.workers,
        "celery_worker": with_worker,
        "rounds": args.rounds,
        "duration_s": None if args.smoke else args.duration,
        "smoke": args.smoke,
        "concurrency_levels": args.levels,
        "query_counts": counts,
        "first_status": first_status,
        "results": results,
        "worker_rss_mb": rss,
        "worker_timeouts": timeouts,
        "errors": errors,
    }
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out_dir / f"pages-{stamp}.json").write_text(json.dumps(report, indent=2))
    table = markdown(report)
    (out_dir / f"pages-{stamp}.md").write_text(table)
    print(table)
    print(f"Written: {out_dir / f'pages-{stamp}.json'} and .md", file=sys.stderr)
    shutil.rmtree(static_root, ignore_errors=True)
    return 1 if errors or timeouts else 0


if __name__ == "__main__":
    sys.exit(main())
