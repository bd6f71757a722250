"""seed_bench: many referrals on top of the demo directory, to measure pages and reports at a network's scale."""

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.crypto import phone_digest
from directory.models import County, Language, Organization, Role, Service, ServiceCategory, User
from referrals.models import (
    REFERENCE_ALPHABET,
    DeclineReason,
    EventKind,
    Need,
    NeedStatus,
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
    Routing,
    RoutingOutcome,
    RoutingStatus,
    Urgency,
)

BATCH = 5000
# Counties where the network's hubs take most calls; every other county gets weight 1.
COUNTY_WEIGHTS = {
    "Durham": 30,
    "Wake": 25,
    "Mecklenburg": 25,
    "Guilford": 10,
    "Forsyth": 8,
    "Orange": 8,
    "Chatham": 6,
    "Alamance": 6,
    "Johnston": 5,
    "Lee": 5,
}
LANGUAGE_WEIGHTS = {"es": 70, "en": 10, "mam": 5, "quc": 3, "kjb": 3, "fr": 2, "ht": 3, "pt": 2, "ar": 2}
URGENCIES = [(Urgency.EMERGENCY, 15), (Urgency.URGENT, 45), (Urgency.ROUTINE, 40)]
OUTCOMES = [
    (ReferralOutcome.HELPED, 55),
    (ReferralOutcome.PARTLY_HELPED, 20),
    (ReferralOutcome.NOT_HELPED, 10),
    (ReferralOutcome.FAMILY_WITHDREW, 7),
    (ReferralOutcome.UNREACHABLE, 8),
]
POOL = 500  # distinct names and phones, reused across referrals
YEARS = 3


def _pick[T](rng: random.Random, weighted: list[tuple[T, int]]) -> T:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


class Command(BaseCommand):
    help = (
        "Bulk-create N referrals (with their needs, routings and unmet-need events) for the demo hub(s), spread over "
        "three years with weighted counties, languages, categories, statuses and outcomes; for benchmarks. Needs the "
        "demo directory (run seed_demo first). Contact names and phones are really encrypted, but drawn from a pool "
        f"of {POOL} made-up values (their phone digests are computed once per value). Refuses to run when the hub "
        "already has referrals unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, required=True, help="How many referrals to create.")
        parser.add_argument(
            "--hub", action="append", dest="hubs", help="A hub's slug (repeatable); default: the demo hubs."
        )
        parser.add_argument(
            "--force", action="store_true", help="Add referrals even if the hub already has some."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same distributions)."
        )

    def handle(self, *args, referrals: int, hubs: list[str] | None, force: bool, seed: int, **options):
        if referrals < 1:
            raise CommandError("--referrals must be at least 1.")
        from demo.data import USERS

        slugs = hubs or sorted({slug for _, _, slug, role in USERS if role == Role.COORDINATOR})
        hub_rows = list(Organization.objects.filter(slug__in=slugs, is_hub=True))
        if len(hub_rows) != len(slugs):
            raise CommandError(f"No demo hub {', '.join(slugs)}: run `manage.py seed_demo` first.")
        if not force and Referral.objects.filter(hub__in=hub_rows).exists():
            raise CommandError("The hub already has referrals: use --force to add more.")
        staff = {
            hub.pk: list(User.objects.filter(organization=hub, role__in=[Role.COORDINATOR, Role.VOLUNTEER]))
            for hub in hub_rows
        }
        if not all(staff.values()):
            raise CommandError("A hub has no coordinator or volunteer: run `manage.py seed_demo` first.")
        services_by_category: dict = {}
        for service in Service.objects.filter(organization__is_partner=True).select_related("organization"):
            services_by_category.setdefault(service.category_id, []).append(service)
        categories = [c for c in ServiceCategory.objects.all() if c.pk in services_by_category]
        if not categories:
            raise CommandError("The directory has no partner service: run `manage.py seed_demo` first.")
        partners: dict = {}
        for user in User.objects.filter(role=Role.PARTNER):
            partners.setdefault(user.organization_id, user)

        rng = random.Random(seed)
        counties = [(c, COUNTY_WEIGHTS.get(c.name, 1)) for c in County.objects.all()]
        languages = [(lang, LANGUAGE_WEIGHTS.get(lang.code, 1)) for lang in Language.objects.all()]
        # Heavier categories first in the list get more needs.
        category_weights = [(c, max(1, 12 - 2 * i)) for i, c in enumerate(categories)]
        names = [f"Familia Bench {i}" for i in range(POOL)]
        phones = [f"+1919555{i:04d}" for i in range(POOL)]
        digests = [phone_digest(p) for p in phones]
        references = set(Referral.objects.values_list("reference", flat=True))

        now = timezone.now()
        started = time.monotonic()
        done = 0
        counts = {"needs": 0, "routings": 0, "events": 0}
        while done < referrals:
            size = min(BATCH, referrals - done)
            with transaction.atomic():
                self._batch(
                    rng, size, now, hub_rows, staff, counties, languages, category_weights, services_by_category,
                    partners, names, phones, digests, references, counts,
                )  # fmt: skip
            done += size
            elapsed = time.monotonic() - started
            self.stdout.write(f"{done:,} referrals, {counts['needs']:,} needs, {counts['routings']:,} routings, "
                              f"{counts['events']:,} events; {elapsed:.1f} s")  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))

    def _batch(
        self, rng, size, now, hub_rows, staff, counties, languages, category_weights, services_by_category,
        partners, names, phones, digests, references, counts,
    ) -> None:  # fmt: skip
        span = YEARS * 365 * 24 * 3600
        cases: list[Referral] = []
        for _ in range(size):
            reference = "R-" + "".join(rng.choices(REFERENCE_ALPHABET, k=6))
            while reference in references:
                reference = "R-" + "".join(rng.choices(REFERENCE_ALPHABET, k=6))
            references.add(reference)
            hub = rng.choice(hub_rows)
            created = now - timedelta(seconds=rng.randrange(span))
            # Cases older than two months are nearly all closed; recent ones mostly open.
            closed = rng.random() < (0.97 if now - created > timedelta(days=60) else 0.3)
            closed_at = None
            if closed:
                closed_at = min(now, created + timedelta(hours=rng.randrange(2, 24 * 45)))
            person = rng.randrange(POOL)
            case = Referral(
                reference=reference,
                hub=hub,
                county=_pick(rng, counties),
                language=_pick(rng, languages),
                urgency=_pick(rng, URGENCIES),
                contact_name=names[person],
                contact_phone=phones[person],
                phone_digest=digests[person],
                created_by=rng.choice(staff[hub.pk]),
                status=ReferralStatus.CLOSED if closed else ReferralStatus.OPEN,
                outcome=_pick(rng, OUTCOMES) if closed else "",
                created_at=created,
                closed_at=closed_at,
            )
            cases.append(case)
        Referral.objects.bulk_create(cases)

        needs: list[Need] = []
        for case in cases:
            chosen: list = []
            wanted = _pick(rng, [(1, 50), (2, 35), (3, 15)])
            while len(chosen) < wanted:
                category = _pick(rng, category_weights)
                if category not in chosen:
                    chosen.append(category)
            for category in chosen:
                need_status: str
                if case.status == ReferralStatus.OPEN:
                    need_status = NeedStatus.OPEN
                else:
                    need_status = _pick(
                        rng,
                        [(NeedStatus.HELPED, 70), (NeedStatus.NOT_HELPED, 20), (NeedStatus.WITHDRAWN, 10)],
                    )
                needs.append(
                    Need(referral=case, category=category, status=need_status, created_at=case.created_at)
                )
        Need.objects.bulk_create(needs, batch_size=BATCH)

        routings: list[Routing] = []
        events: list[ReferralEvent] = []
        for need in needs:
            case = need.referral
            services = services_by_category[need.category_id]
            at = case.created_at + timedelta(minutes=rng.randrange(5, 600))
            # Earlier tries that ended without help, then the last try whose status follows the need's.
            tries = _pick(rng, [(0, 8), (1, 72), (2, 15), (3, 5)])
            for attempt in range(tries):
                last = attempt == tries - 1
                service = rng.choice(services)
                deadline = at + timedelta(hours=48)
                routing = Routing(
                    need=need,
                    organization=service.organization,
                    service=service,
                    created_by=case.created_by,
                    created_at=at,
                    deadline=deadline,
                    by_phone=rng.random() < 0.15,
                )
                status: str
                if last and need.status == NeedStatus.HELPED:
                    status = RoutingStatus.COMPLETED
                elif last and need.status == NeedStatus.OPEN:
                    status = _pick(rng, [(RoutingStatus.PENDING, 40), (RoutingStatus.ACCEPTED, 60)])
                    if status == RoutingStatus.PENDING and deadline < now:
                        status = RoutingStatus.EXPIRED
                else:
                    status = _pick(rng, [(RoutingStatus.DECLINED, 65), (RoutingStatus.EXPIRED, 35)])
                routing.status = status
                answered = at + timedelta(minutes=rng.randrange(10, 47 * 60))
                if status in (RoutingStatus.ACCEPTED, RoutingStatus.DECLINED, RoutingStatus.COMPLETED):
                    routing.responded_at = min(answered, now)
                    routing.responded_by = partners.get(service.organization_id)
                if status == RoutingStatus.DECLINED:
                    routing.decline_reason = _pick(rng, [(r, 1) for r in DeclineReason.values])
                    routing.ended_at = routing.responded_at
                elif status == RoutingStatus.EXPIRED:
                    routing.ended_at = min(deadline, now)
                elif status == RoutingStatus.COMPLETED:
                    routing.outcome = _pick(
                        rng, [(RoutingOutcome.HELPED, 85), (RoutingOutcome.NOT_HELPED, 15)]
                    )
                    routing.ended_at = min(answered + timedelta(days=rng.randrange(1, 20)), now)
                routings.append(routing)
                at = min(answered, now) + timedelta(minutes=rng.randrange(5, 240))
            if need.status == NeedStatus.NOT_HELPED:
                events.append(
                    ReferralEvent(
                        referral=case,
                        need=need,
                        actor=case.created_by,
                        kind=EventKind.NEED_UNMET,
                        from_status=NeedStatus.OPEN,
                        to_status=NeedStatus.NOT_HELPED,
                        created_at=case.closed_at or at,
                    )
                )
        Routing.objects.bulk_create(routings, batch_size=BATCH)
        ReferralEvent.objects.bulk_create(events, batch_size=BATCH)
        counts["needs"] += len(needs)
        counts["routings"] += len(routings)
        counts["events"] += len(events)
