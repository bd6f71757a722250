"""The network's main journeys, driven through the real pages in English and Spanish, on a phone and a computer.

Each journey sets up its own starting point with the ORM, so any one of them can run alone. axe checks every page
a journey visits; its results are kept in test-results/axe/.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from directory.forms import AdminServiceForm
from directory.models import County, Language
from referrals import services
from referrals.forms import CloseForm, DeclineForm, IntakeForm, NoteForm
from referrals.models import (
    DeclineReason,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    Routing,
    RoutingOutcome,
    RoutingStatus,
    Urgency,
)
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.journeys import (
    LANGUAGES,
    confirmation,
    expect_message,
    field,
    go_to,
    sign_in,
)
from tests.referrals.conftest import category, log_case, make_service

pytestmark = pytest.mark.django_db(transaction=True)

FAMILY = "Rosa M."


@pytest.fixture(params=LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture
def durham(transactional_db) -> County:
    return County.objects.get(name="Durham")


@pytest.fixture
def spanish(transactional_db) -> Language:
    return Language.objects.get(code="es")


@pytest.fixture
def directory(partner_org, other_partner_org, durham, partner, partner2):
    """Two organizations take legal cases in Durham, one takes food and rent: what the suggestions rank. Each has a
    staff account (`partner`, `partner2`), so each receives referrals in the app."""
    return {
        "legal": make_service(partner_org, "legal", [durham]),
        "legal_next": make_service(other_partner_org, "legal", [durham], available=2),
        "basic-needs": make_service(partner_org, "basic-needs", [durham]),
    }


@pytest.fixture
def routed_case(volunteer, durham, spanish, directory):
    """A family with two needs, both sent to The Hispanic Liaison and waiting for its answer."""
    referral = log_case(volunteer, durham, spanish, ("legal", "basic-needs"), contact_name=FAMILY)
    for need in referral.needs.select_related("category"):
        services.routing_create(user=volunteer, need=need, service=directory[need.category.code])
    return referral


@pytest.fixture
def escalated_case(routed_case, partner):
    """The Hispanic Liaison declined the legal need and helped with the other: only the legal need is open."""
    for routing in Routing.objects.filter(need__referral=routed_case).select_related("need__category"):
        if routing.need.category.code == "legal":
            services.routing_decline(user=partner, routing=routing, reason=DeclineReason.NO_CAPACITY)
        else:
            services.routing_accept(user=partner, routing=routing)
            services.routing_complete(user=partner, routing=routing, outcome=RoutingOutcome.HELPED)
    return routed_case


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def case_reference(page: Page) -> str:
    """The case page the intake form leads to (a skip-link fragment stays on the address across the redirect)."""
    case_page = re.compile(r"/referrals/(R-[^/#]+)/(#main)?$")
    expect(page).to_have_url(case_page)
    return case_page.search(page.url).group(1)


def need_card(page: Page, category_name: str):
    return page.locator(".card").filter(
        has=page.get_by_role("heading", level=3, name=category_name, exact=True)
    )


def row_for(page: Page, reference: str, category_name: str):
    """A need's line in a list (queue, escalations, My work)."""
    return (
        page.locator("main li")
        .filter(has=page.get_by_role("link", name=reference))
        .filter(has_text=category_name)
    )


# Journey 2


def test_a_volunteer_logs_a_family_with_two_needs_and_sends_both(
    page: Page,
    live_server,
    volunteer,
    directory,
    spanish,
    language,
    viewport,
    check_accessibility,
    blocked_requests,
):
    t = sign_in(page, live_server, volunteer.email, language, check_accessibility)
    check_accessibility(page)
    page.get_by_role("link", name=t("Log a new case")).click()
    expect(page.get_by_role("heading", level=1, name=t("Log a family's needs"))).to_be_visible()

    fields = IntakeForm.base_fields
    legal, food = t.data(category("legal")), t.data(category("basic-needs"))
    field(page, t.of(fields["county"].label)).select_option(label="Durham")
    field(page, t.of(fields["language"].label)).select_option(label=t.data(spanish))
    page.get_by_role("radio", name=t.of(Urgency.EMERGENCY.label)).check()
    page.get_by_role("checkbox", name=legal, exact=True).check()
    page.get_by_role("checkbox", name=food, exact=True).check()
    field(page, t.of(fields["contact_name"].label)).fill(FAMILY)
    field(page, t.of(fields["contact_phone"].label)).fill("919-555-0143")
    field(page, t.of(fields["best_times"].label)).fill("After 6pm")
    page.get_by_role("checkbox", name=t.of(fields["consent"].label)).check()
    check_accessibility(page)
    if language == "en" and viewport == PHONE:
        screenshot(page, "intake-phone.png")
    page.get_by_role("button", name=t("Save and see suggestions")).click()

    reference = case_reference(page)
    expect(
        page.get_by_role("heading", level=1, name=t("Case %(reference)s", reference=reference))
    ).to_be_visible()
    expect_message(
        page, t("Case %(reference)s logged. Send each need to an organization below.", reference=reference)
    )
    expect(page.get_by_text(FAMILY)).to_be_visible()
    # Best first: a Durham office with more free places comes before one with fewer.
    suggestions = need_card(page, legal).get_by_role("listitem")
    expect(suggestions.first).to_contain_text("The Hispanic Liaison")
    expect(suggestions.nth(1)).to_contain_text("El Refugio")
    check_accessibility(page)
    if language == "en" and viewport == DESKTOP:
        screenshot(page, "case-detail.png")

    for need in (legal, food):
        send = t("Send to %(organization)s", organization="The Hispanic Liaison")
        need_card(page, need).get_by_role("button", name=send).click()
        expect_message(
            page, t("%(need)s sent to %(organization)s.", need=need, organization="The Hispanic Liaison")
        )
        expect(need_card(page, need)).to_contain_text(
            f"The Hispanic Liaison: {t.of(RoutingStatus.PENDING.label)}"
        )
        expect(need_card(page, need).get_by_role("button", name=send)).to_have_count(0)
    check_accessibility(page)

    referral = Referral.objects.get(reference=reference)
    assert referral.urgency == Urgency.EMERGENCY
    assert set(Routing.objects.filter(need__referral=referral).values_list("status", flat=True)) == {
        "pending"
    }
    assert blocked_requests == []


# Journey 3


def test_a_partner_declines_one_need_and_accepts_notes_and_completes_the_other(
    page: Page,
    live_server,
    partner,
    routed_case,
    language,
    viewport,
    check_accessibility,
    blocked_requests,
):
    reference = routed_case.reference
    t = sign_in(page, live_server, partner.email, language, check_accessibility)
    legal, food = t.data(category("legal")), t.data(category("basic-needs"))
    pending = t.of(RoutingStatus.PENDING.label)
    expect(row_for(page, reference, legal)).to_contain_text(pending)
    check_accessibility(page)

    go_to(page, t, t("Queue"))
    expect(page.get_by_role("heading", level=1, name=t("Referral queue"))).to_be_visible()
    expect(row_for(page, reference, legal)).to_contain_text(pending)
    expect(row_for(page, reference, food)).to_contain_text(pending)
    check_accessibility(page)
    if language == "en" and viewport == DESKTOP:
        screenshot(page, "partner-queue.png")

    row_for(page, reference, legal).get_by_role("link", name=reference).click()
    expect(
        page.get_by_role("heading", level=1, name=t("Case %(reference)s", reference=reference))
    ).to_be_visible()
    expect(page.get_by_text(FAMILY)).to_be_visible()
    check_accessibility(page)
    reason = t.of(DeclineForm.base_fields["reason"].label)
    # Checked here, asserted at the end, so that the rest of the journey still runs while this is open.
    unlabelled = [
        need
        for need in (legal, food)
        if not page.get_by_role("region", name=t("Your answer: %(category)s", category=need))
        .get_by_role("combobox", name=reason)
        .count()
    ]
    answer = page.get_by_role("region", name=t("Your answer: %(category)s", category=legal))
    field(answer, reason).select_option(label=t.of(DeclineReason.NO_CAPACITY.label))
    field(answer, t.of(DeclineForm.base_fields["note"].label)).fill("Our two lawyers are full until March.")
    with confirmation(page) as question:
        answer.get_by_role("button", name=t("Decline"), exact=True).click()
        expect(page).to_have_url(f"{live_server.url}{reverse('referrals:queue')}")
    assert question == [t("Decline this referral? The hub will send the need to another organization.")]
    expect_message(page, t("Declined. The hub will send the need elsewhere."))
    expect(row_for(page, reference, legal)).to_contain_text(t.of(RoutingStatus.DECLINED.label))

    row_for(page, reference, food).get_by_role("link", name=reference).click()
    answer = page.get_by_role("region", name=t("Your answer: %(category)s", category=food))
    answer.get_by_role("button", name=t("Accept"), exact=True).click()
    expect_message(page, t("Accepted. The hub has been told."))
    expect(need_card(page, food)).to_contain_text(
        f"The Hispanic Liaison: {t.of(RoutingStatus.ACCEPTED.label)}"
    )

    note = "Pantry visit booked for Thursday; rent help application started."
    field(page, t.of(NoteForm.base_fields["body"].label)).fill(note)
    page.get_by_role("button", name=t("Add note")).click()
    expect_message(page, t("Note added."))
    expect(page.get_by_role("region", name=t("Notes"))).to_contain_text(note)
    check_accessibility(page)

    answer.get_by_role("radio", name=t.of(RoutingOutcome.HELPED.label), exact=True).check()
    answer.get_by_role("button", name=t("Mark as completed")).click()
    expect_message(page, t("Marked as completed. Thank you."))
    expect(row_for(page, reference, food)).to_contain_text(t.of(RoutingStatus.COMPLETED.label))
    expect(row_for(page, reference, legal)).to_contain_text(t.of(RoutingStatus.DECLINED.label))
    check_accessibility(page)
    assert blocked_requests == []
    assert not unlabelled, (
        f"the decline form for {unlabelled} has no label a screen reader can read: every pending routing's "
        "decline form on the case page is rendered with the same ids (id_reason, id_note), so the labels of the "
        "second form name the first form's fields (templates/referrals/referral_detail.html, "
        "{{ decline_form|crispy }} in the own_routings loop; the complete form's id_outcome_* likewise). "
        "Fix: one form per routing with its own ids and the same field names, e.g. "
        "DeclineForm(auto_id=f'id_routing{routing.pk}_%s') per routing in referrals/views.py referral_detail"
    )


# Journey 4


def test_a_coordinator_resends_a_declined_need_and_closes_the_case(
    page: Page,
    browser,
    browser_context_args,
    live_server,
    coordinator,
    partner2,
    escalated_case,
    language,
    viewport,
    check_accessibility,
    blocked_requests,
):
    reference = escalated_case.reference
    t = sign_in(page, live_server, coordinator.email, language, check_accessibility)
    legal = t.data(category("legal"))
    escalations = page.locator("main ul").first
    expect(page.get_by_role("heading", level=2, name=t("Escalations"))).to_contain_text("1")
    expect(escalations.get_by_role("link", name=reference)).to_be_visible()
    check_accessibility(page)
    if language == "en" and viewport == DESKTOP:
        page.reload()  # without the one-off "signed in" message
        screenshot(page, "dashboard.png")

    go_to(page, t, t("Escalations"))
    expect(page.get_by_role("heading", level=1, name=t("Escalations"))).to_be_visible()
    row = row_for(page, reference, legal)
    # What happened, and the next organization by name with its reasons.
    expect(row).to_contain_text(f"The Hispanic Liaison: {t('declined')}")
    expect(row).to_contain_text(t.of(DeclineReason.NO_CAPACITY.label))
    expect(row).to_contain_text(f"{t('Next suggestion:')} El Refugio")
    check_accessibility(page)
    row.get_by_role("button", name=t("Re-send to %(organization)s", organization="El Refugio")).click()
    expect_message(
        page,
        t(
            "%(reference)s: %(category)s re-sent to %(organization)s.",
            reference=reference,
            category=legal,
            organization="El Refugio",
        ),
    )
    expect(page.get_by_text(t("No declined or expired needs waiting."))).to_be_visible()

    # El Refugio answers from its own office while the coordinator keeps the case open.
    partner_context = browser.new_context(**browser_context_args)
    try:
        other = partner_context.new_page()
        sign_in(other, live_server, partner2.email, language)
        go_to(other, t, t("Queue"))
        row_for(other, reference, legal).get_by_role("link", name=reference).click()
        answer = other.get_by_role("region", name=t("Your answer: %(category)s", category=legal))
        answer.get_by_role("button", name=t("Accept"), exact=True).click()
        expect_message(other, t("Accepted. The hub has been told."))

        go_to(page, t, t("Cases"))
        page.get_by_role("link", name=reference).click()
        expect(need_card(page, legal)).to_contain_text(f"El Refugio: {t.of(RoutingStatus.ACCEPTED.label)}")
        coordinate = page.get_by_role("region", name=t("Coordinate"))
        expect(coordinate).to_contain_text(
            t("The case can be closed once every need is completed or withdrawn.")
        )
        expect(coordinate.get_by_role("button", name=t("Close case"))).to_have_count(0)
        check_accessibility(page)

        answer.get_by_role("radio", name=t.of(RoutingOutcome.HELPED.label), exact=True).check()
        answer.get_by_role("button", name=t("Mark as completed")).click()
        expect_message(other, t("Marked as completed. Thank you."))
    finally:
        partner_context.close()

    page.reload()
    expect(need_card(page, legal)).to_contain_text(f"El Refugio: {t.of(RoutingStatus.COMPLETED.label)}")
    coordinate = page.get_by_role("region", name=t("Coordinate"))
    field(coordinate, t.of(CloseForm.base_fields["outcome"].label)).select_option(
        label=t.of(ReferralOutcome.HELPED.label)
    )
    check_accessibility(page)
    with confirmation(page) as question:
        coordinate.get_by_role("button", name=t("Close case")).click()
        expect_message(page, t("Case closed."))
    assert question == [t("Close this case?")]
    expect(page.locator("main")).to_contain_text(
        f"{t.of(ReferralStatus.CLOSED.label)}: {t.of(ReferralOutcome.HELPED.label)}"
    )
    expect(page.get_by_role("region", name=t("Coordinate"))).to_have_count(0)
    check_accessibility(page)
    assert blocked_requests == []


# Journey 5


def test_an_admin_adds_a_service_and_it_shows_on_the_public_county_page(
    page: Page,
    live_server,
    network_admin,
    partner_org,
    spanish,
    language,
    viewport,
    check_accessibility,
    blocked_requests,
):
    names = {"en": "Emergency rent help", "es": "Ayuda de emergencia para la renta"}
    page.goto(f"{live_server.url}/help/durham/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(names["en"])).to_have_count(0)

    t = sign_in(page, live_server, network_admin.email, language, check_accessibility)
    check_accessibility(page)
    go_to(page, t, t("Directory"))
    expect(page.get_by_role("heading", level=1, name=t("Directory"))).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="The Hispanic Liaison", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="The Hispanic Liaison")).to_be_visible()
    expect(page.get_by_text(t("No services listed yet."))).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name=t("Add a service")).click()
    expect(page.get_by_role("heading", level=1, name=t("Add a service"))).to_be_visible()
    fields = AdminServiceForm.base_fields
    field(page, t.of(fields["name"].label)).fill(names["en"])
    field(page, t.of(fields["name_es"].label)).fill(names["es"])
    field(page, t.of(fields["category"].label)).select_option(label=t.data(category("basic-needs")))
    page.get_by_role("checkbox", name=t.data(spanish), exact=True).check()
    page.get_by_role("checkbox", name="Durham", exact=True).check()
    field(page, t.of(fields["capacity_available"].label)).fill("3")
    field(page, t.of(fields["capacity_maximum"].label)).fill("5")
    check_accessibility(page)
    page.get_by_role("button", name=t("Save"), exact=True).click()

    expect_message(page, t("Service added."))
    expect(page.get_by_role("heading", level=1, name="The Hispanic Liaison")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(names[language])
    check_accessibility(page)

    page.goto(f"{live_server.url}/help/durham/")
    expect(
        page.get_by_role("heading", level=1, name=t("Help in %(county)s County", county="Durham"))
    ).to_be_visible()
    organization = page.locator("article").filter(
        has=page.get_by_role("heading", level=3, name="The Hispanic Liaison")
    )
    expect(organization.get_by_role("heading", level=4, name=names[language])).to_be_visible()
    expect(organization).to_contain_text(t("Accepting referrals"))
    check_accessibility(page)
    assert blocked_requests == []


# Journey 6


def test_a_partner_gets_not_found_for_another_organizations_case(
    page: Page,
    live_server,
    partner,
    volunteer,
    durham,
    spanish,
    directory,
    language,
    viewport,
    check_accessibility,
    blocked_requests,
):
    referral = log_case(volunteer, durham, spanish, ("legal",), contact_name=FAMILY)
    services.routing_create(user=volunteer, need=referral.needs.get(), service=directory["legal_next"])

    t = sign_in(page, live_server, partner.email, language, check_accessibility)
    response = page.goto(f"{live_server.url}{referral.get_absolute_url()}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1, name=t("Page not found"))).to_be_visible()
    expect(page.get_by_text(referral.reference)).to_have_count(0)
    expect(page.get_by_text(FAMILY)).to_have_count(0)
    check_accessibility(page)
    page.get_by_role("link", name=t("Back to my work")).click()
    expect(page.get_by_role("heading", level=1, name=t("My work"))).to_be_visible()
    expect(page.get_by_role("link", name=referral.reference)).to_have_count(0)
    assert blocked_requests == []


# Keyboard only

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const label = el.labels && el.labels.length ? el.labels[0].innerText : el.innerText || "";
    return {
        tag: el.tagName.toLowerCase(),
        name: el.name || "",
        type: el.type || "",
        label: label.replace(/\\*$/, "").trim(),
        checked: !!el.checked,
        selected: el.tagName === "SELECT" ? el.selectedOptions[0].text : null,
        outline: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        html: el.outerHTML.slice(0, 120),
    };
}"""


def focused(page: Page) -> dict:
    element = page.evaluate(FOCUSED)
    assert element["outline"] != "none" and element["outlineWidth"] > 0, (
        f"the keyboard focus is invisible on {element['html']}: no outline"
    )
    return element


def tab_to(page: Page, matches, limit: int = 60) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"Tab never reached the element wanted; last focused: {element['html']}")


def test_the_intake_form_can_be_completed_with_the_keyboard_alone(
    page: Page, live_server, volunteer, directory, viewport, check_accessibility
):
    t = sign_in(page, live_server, volunteer.email, "en")
    page.goto(f"{live_server.url}{reverse('referrals:create')}")
    legal, food = str(category("legal")), str(category("basic-needs"))

    skip = tab_to(page, lambda element: True, limit=1)
    assert skip["label"] == t("Skip to main content")
    page.keyboard.press("Enter")

    tab_to(page, lambda element: element["name"] == "county", limit=1)
    page.keyboard.type("Durham")
    assert focused(page)["selected"] == "Durham"
    assert tab_to(page, lambda element: element["name"] == "language", limit=1)["selected"] == "Spanish"

    urgency = tab_to(page, lambda element: element["name"] == "urgency", limit=1)
    assert urgency["label"] == t.of(Urgency.URGENT.label) and urgency["checked"]
    page.keyboard.press("ArrowUp")
    urgency = focused(page)
    assert urgency["label"] == t.of(Urgency.EMERGENCY.label) and urgency["checked"]

    for need in (legal, food):
        tab_to(page, lambda element, need=need: element["name"] == "categories" and element["label"] == need)
        page.keyboard.press("Space")
        assert focused(page)["checked"], need

    tab_to(page, lambda element: element["name"] == "contact_name")
    page.keyboard.type(FAMILY)
    tab_to(page, lambda element: element["name"] == "contact_phone", limit=1)
    page.keyboard.type("919-555-0143")
    assert tab_to(page, lambda element: element["name"] == "safe_to_call", limit=1)["checked"]
    tab_to(page, lambda element: element["name"] == "consent")
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    submit = tab_to(page, lambda element: element["tag"] == "button" and element["type"] == "submit")
    assert submit["label"] == t("Save and see suggestions")
    page.keyboard.press("Enter")

    reference = case_reference(page)
    expect_message(
        page, t("Case %(reference)s logged. Send each need to an organization below.", reference=reference)
    )
    referral = Referral.objects.get(reference=reference)
    assert referral.urgency == Urgency.EMERGENCY
    assert referral.county.name == "Durham"
    assert sorted(referral.needs.values_list("category__code", flat=True)) == ["basic-needs", "legal"]
    assert referral.consents.filter(revoked_at__isnull=True).exists()
    check_accessibility(page)

    # Sending a need is a keyboard action too: the first suggestion's button, then Enter.
    send = t("Send to %(organization)s", organization="The Hispanic Liaison")
    tab_to(page, lambda element: element["tag"] == "button" and element["label"] == send)
    page.keyboard.press("Enter")
    # The first need on the page is the first kind of help in the list (legal comes before food).
    expect_message(
        page, t("%(need)s sent to %(organization)s.", need=legal, organization="The Hispanic Liaison")
    )
