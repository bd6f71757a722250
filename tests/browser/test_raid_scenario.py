"""A raid night in Durham County, in Spanish, on a phone: no need falls through the cracks.

One family, five needs. One goes to a full service (with a reason), one to an organization nobody answers for in
the app (a phone referral, accepted by phone), one is declined and re-sent from the escalations, one is sent
outside the suggestions (a service in a neighbouring county), and one, that no organization offers, is closed as
unmet. The coordinator finds the family again by the phone number as the family gives it. At the end every need is
answered or recorded as unmet.
"""

import pytest
from playwright.sync_api import Page, expect

from directory.models import County, Language, Organization, Phone
from referrals import services
from referrals.forms import IntakeForm
from referrals.models import DeclineReason, EventKind, Need, NeedStatus, Referral, Routing, Urgency
from referrals.services import PhoneAnswer
from tests.browser.conftest import PHONE
from tests.browser.journeys import assert_no_english, expect_message, field, go_to, sign_in
from tests.referrals.conftest import category, make_service

pytestmark = pytest.mark.django_db(transaction=True)

FAMILY = "Familia Q."


@pytest.fixture
def viewport() -> dict:
    """Once, on a phone: the volunteers' night-time device."""
    return PHONE


@pytest.fixture
def raid_directory(partner, partner2):
    durham = County.objects.get(name="Durham")
    orange = County.objects.get(name="Orange")
    bond_fund = Organization.objects.create(slug="durham-bond-fund", name="Durham Bond Fund", is_partner=True)
    Phone.objects.create(organization=bond_fund, number="+19195550188")
    return {
        # The food pantry has no places free tonight.
        "basic-needs": make_service(partner.organization, "basic-needs", [durham], available=0, maximum=6),
        "bond": make_service(bond_fund, "bond", [durham]),
        # El Refugio has more places, so it is suggested first; it will decline.
        "legal": make_service(partner2.organization, "legal", [durham], available=8),
        "legal_next": make_service(partner.organization, "legal", [durham], available=3),
        # Rides only in the neighbouring county: no suggestion in Durham.
        "transportation": make_service(partner2.organization, "transportation", [orange]),
    }


def need_card(page: Page, name: str):
    return page.locator(".card").filter(has=page.get_by_role("heading", level=3, name=name, exact=True))


def test_a_raid_night_in_spanish_on_a_phone(
    page: Page,
    browser,
    browser_context_args,
    live_server,
    volunteer,
    coordinator,
    partner2,
    raid_directory,
    check_accessibility,
    blocked_requests,
):
    t = sign_in(page, live_server, volunteer.email, "es", check_accessibility)
    names = {code: t.data(category(code)) for code in ("legal", "basic-needs", "bond", "transportation")}
    names["mental-health"] = t.data(category("mental-health"))

    # Intake: five needs for one family.
    page.get_by_role("link", name=t("Log a new case")).click()
    fields = IntakeForm.base_fields
    field(page, t.of(fields["county"].label)).select_option(label="Durham")
    field(page, t.of(fields["language"].label)).select_option(label=t.data(Language.objects.get(code="es")))
    page.get_by_role("radio", name=t.of(Urgency.EMERGENCY.label)).check()
    for name in names.values():
        page.get_by_role("checkbox", name=name, exact=True).check()
    field(page, t.of(fields["contact_name"].label)).fill(FAMILY)
    field(page, t.of(fields["contact_phone"].label)).fill("919-555-0177")
    page.get_by_role("checkbox", name=t.of(fields["consent"].label)).check()
    page.get_by_role("button", name=t("Save and see suggestions")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("R-")
    referral = Referral.objects.get()
    check_accessibility(page)
    assert_no_english(page, "es")

    # 1. The only food service is full: it says so, and sending there takes a reason.
    food = need_card(page, names["basic-needs"])
    expect(food).to_contain_text(t("Full"))
    food.get_by_label(
        t("It has no places free. Why send it there anyway? (about the service, not the family)")
    ).fill("Llamamos y hacen espacio esta noche")
    food.get_by_role("button", name=t("Send anyway")).click()
    expect(need_card(page, names["basic-needs"])).to_contain_text(
        t(
            "%(need)s sent to %(organization)s.",
            need=names["basic-needs"],
            organization="The Hispanic Liaison",
        )
    )

    # 2. The bond fund has nobody in the app: call them, record the phone referral, then their answer.
    bond = need_card(page, names["bond"])
    expect(bond).to_contain_text(t("Call them: nobody at these organizations answers in the app."))
    expect(bond.get_by_role("link", name="919-555-0188")).to_have_attribute("href", "tel:+19195550188")
    expect(
        bond.get_by_role("button", name=t("Send to %(organization)s", organization="Durham Bond Fund"))
    ).to_have_count(0)
    bond.get_by_role("button", name=t("I called: referred by phone")).click()
    bond = need_card(page, names["bond"])
    expect(bond).to_contain_text(
        t(
            "%(need)s: referred to %(organization)s by phone. Record their answer here when they give it.",
            need=names["bond"],
            organization="Durham Bond Fund",
        )
    )
    check_accessibility(page)
    assert_no_english(page, "es")
    bond.get_by_role("radio", name=t.of(PhoneAnswer.ACCEPTED.label)).check()
    bond.get_by_role("button", name=t("Record their answer")).click()
    expect_message(page, t("Recorded: %(organization)s accepted by phone.", organization="Durham Bond Fund"))

    # 3. Legal help goes to El Refugio, the first suggestion.
    need_card(page, names["legal"]).get_by_role(
        "button", name=t("Send to %(organization)s", organization="El Refugio")
    ).click()
    expect(need_card(page, names["legal"])).to_contain_text(
        t("%(need)s sent to %(organization)s.", need=names["legal"], organization="El Refugio")
    )

    # 4 and 5. Nobody in Durham offers rides or mental health: the volunteer is told to ask a coordinator.
    for code in ("transportation", "mental-health"):
        card = need_card(page, names[code])
        expect(card).to_contain_text(
            t("No other organization in the directory takes this need in this county right now.")
        )
        expect(card).to_contain_text(
            t(
                "Ask a coordinator: they can send it to a neighbouring county or a statewide service, or close it as unmet."
            )
        )
    check_accessibility(page)
    assert_no_english(page, "es")

    # El Refugio declines from its office (its own journey is tested elsewhere).
    legal_routing = Routing.objects.get(need__referral=referral, organization=partner2.organization)
    services.routing_decline(user=partner2, routing=legal_routing, reason=DeclineReason.NO_CAPACITY)

    # The coordinator, on her own phone.
    context = browser.new_context(**browser_context_args)
    try:
        other = context.new_page()
        c = sign_in(other, live_server, coordinator.email, "es", check_accessibility)
        go_to(other, c, c("Escalations"))
        row = other.locator("main li").filter(has=other.get_by_role("link", name=referral.reference))
        expect(row).to_contain_text(c("declined"))
        expect(row).to_contain_text(c.of(DeclineReason.NO_CAPACITY.label))
        expect(row).to_contain_text(f"{c('Next suggestion:')} The Hispanic Liaison")
        expect(row).to_contain_text(c.of(Urgency.EMERGENCY.label))
        check_accessibility(other)
        assert_no_english(other, "es")
        row.get_by_role(
            "button", name=c("Re-send to %(organization)s", organization="The Hispanic Liaison")
        ).click()
        expect_message(
            other,
            c(
                "%(reference)s: %(category)s re-sent to %(organization)s.",
                reference=referral.reference,
                category=names["legal"],
                organization="The Hispanic Liaison",
            ),
        )

        # She finds the family again by the number as the family says it.
        go_to(other, c, c("My work"))
        other.get_by_label(c("Find a family: reference, phone or name")).fill("(919) 555 0177")
        other.get_by_role("button", name=c("Search"), exact=True).click()
        other.get_by_role("link", name=referral.reference).click()

        # Rides: a service in the neighbouring county, outside the suggestions, with a reason.
        rides = need_card(other, names["transportation"])
        rides.get_by_role("link", name=c("Send elsewhere (another county, statewide, by phone)")).click()
        expect(other.get_by_role("heading", level=1)).to_contain_text(names["transportation"])
        check_accessibility(other)
        assert_no_english(other, "es")
        result = other.locator("main li").filter(has_text="El Refugio")
        result.get_by_label(c("Why? (about the service, not the family)")).fill(
            "Recogen en Durham aunque sirven Orange"
        )
        result.get_by_role("button", name=c("Send to %(organization)s", organization="El Refugio")).click()
        expect_message(
            other,
            c("%(need)s sent to %(organization)s.", need=names["transportation"], organization="El Refugio"),
        )

        # Mental health: nobody anywhere; closed as unmet, with why.
        mental = need_card(other, names["mental-health"])
        mental.locator("summary").click()
        mental.get_by_label(c("Why could it not be met? (about the search, not the family)")).fill(
            "Ningún servicio de salud mental en la red"
        )
        mental.get_by_role("button", name=c("Close as unmet")).click()
        expect_message(
            other,
            c(
                "%(reference)s: %(category)s closed as unmet.",
                reference=referral.reference,
                category=names["mental-health"],
            ),
        )
        check_accessibility(other)
        assert_no_english(other, "es")
    finally:
        context.close()

    # Every need is now answered, waiting in time at an organization that answers, or recorded as unmet.
    needs = {
        need.category.code: need for need in Need.objects.filter(referral=referral).select_related("category")
    }
    live = {
        routing.need.category.code: routing
        for routing in Routing.objects.filter(need__referral=referral, status__in=["pending", "accepted"])
    }
    assert live["bond"].status == "accepted" and live["bond"].by_phone
    assert live["basic-needs"].organization.name == "The Hispanic Liaison"
    assert live["legal"].organization.name == "The Hispanic Liaison"
    assert live["transportation"].service == raid_directory["transportation"]
    assert needs["mental-health"].status == NeedStatus.NOT_HELPED
    assert (
        referral.events.filter(kind=EventKind.NEED_UNMET).get().detail
        == "Ningún servicio de salud mental en la red"
    )
    assert set(needs) == set(live) | {"mental-health"}
    assert blocked_requests == []
