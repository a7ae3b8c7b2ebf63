from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dashboards import facts as dashboard_facts
from demo import audit as audit_demo
from demo import companies as companies_demo
from demo import goals as dashboards_demo
from demo import mail as mail_demo
from demo import national as national_demo
from demo import outcomes as outcomes_demo
from demo import outreach as outreach_demo
from demo import partners as advisors_demo
from demo import privacy as privacy_demo
from demo import projects as projects_demo
from demo import replies as replies_demo
from demo import requests as referrals_demo
from demo import surveys as surveys_demo
from demo import worklist as worklist_demo


class Command(BaseCommand):
    help = (
        "Create the demo export center (Uppsala län), its partners, one login per role and a demo company "
        "register with requests. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DEBUG is off. Demo accounts have a published password.",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to create demo accounts with DEBUG off; pass --allow-production.")
        call_command("load_reference_data", stdout=self.stdout)
        logins = advisors_demo.seed()
        companies = companies_demo.seed()
        self.stdout.write(
            f"Company register: {companies.companies} demo companies in Uppsala län "
            f"with {companies.contacts} contact persons."
        )
        requests = referrals_demo.seed()
        self.stdout.write(
            f"Requests: {requests.requests} demo requests, {requests.referrals} referrals between partners. "
            f"An SME's status page: {requests.status_url}"
        )
        self.stdout.write(f"Regional goals: {dashboards_demo.seed()} for the demo region.")
        self.stdout.write(f"Canned replies: {replies_demo.seed()} (Almi's, EKN's and the region's).")
        outreach = outreach_demo.seed()
        self.stdout.write(
            f"Outreach: a campaign with {outreach.members} companies, {outreach.activities} activities, "
            f"{outreach.follow_ups} follow-ups (overdue, today, tomorrow)."
        )
        self.stdout.write(f"Audit log: {audit_demo.seed()} demo entries (reads and exports).")
        held = privacy_demo.seed()
        self.stdout.write(f"Privacy: request {held or '–'} is on legal hold (the retention job skips it).")
        self.stdout.write(f"Worklist: {worklist_demo.seed()} demo rows (waiting, a reply, a referral).")
        self.stdout.write(f"Export outcomes: {outcomes_demo.seed()} (confirmed, waiting and declined).")
        self.stdout.write(f"Surveys: {surveys_demo.seed()} answered or sent.")
        self.stdout.write(f"National view: {national_demo.seed()} (a second region and the coordinator).")
        self.stdout.write(f"EU projects: {projects_demo.seed()} rows (Inside Out EU, Central Baltic ICT).")
        self.stdout.write(
            f"Email: {mail_demo.seed()} messages taken from the shared mailbox {mail_demo.ADDRESS} "
            f"(drop an .eml file in {settings.MAIL_LOCAL_FOLDER or 'MAIL_LOCAL_FOLDER'} for more)."
        )
        # The demo's requests were dated into the past after they were made: rebuild the daily figures.
        self.stdout.write(f"Dashboard figures: {dashboard_facts.rebuild()} rows.")
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /login/ with:"))
        logins = [*logins, *national_demo.logins()]  # issue 18: the second region and the coordinator
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role} – {login.organisation}")
        self.stdout.write(f"  Password for all: {advisors_demo.DEMO_PASSWORD}")
