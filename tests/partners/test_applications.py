"""Recruitment: the public "become a partner" page and API (honeypot, rate limit per address, bad input), the review
queue (possible duplicates with their match, approve creates the partner and invites the applicant, decline needs a
reason and e-mails it) and who may review."""

import html
import re

import pytest
from django.core import mail
from rest_framework.settings import api_settings

from partners.models import PartnerApplication, PartnerProfile
from partners.services.applications import application_submit
from prm.accounts.models import Invitation, Membership, PartnerOrg, Role
from prm.audit.models import AuditEvent
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member

APPLY = "/partners/apply/"
QUEUE = "/partners/applications/"
FORM = {
    "company_name": "Brightpath Solutions Ltd",
    "partner_type": "reseller",
    "country": "GB",
    "website": "https://www.brightpath.co.uk/about",
    "specialisations": "campus networks, Wi-Fi surveys, campus networks",
    "expected_annual_sales": "750000",
    "contact_name": "Priya Shah",
    "contact_email": "Priya@Brightpath.co.uk",
}
API_BODY = {**FORM, "specialisations": ["campus networks"]}


def text_of(response):
    """The page's text, tags left out."""
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def applications(world):
    with tenant_scope(world.tenant_a):
        return list(PartnerApplication.objects.order_by("submitted_at"))


def submitted(world, **changes):
    with tenant_scope(world.tenant_a):
        fields = {**API_BODY, **changes}
        return application_submit(**fields)


def membership(user, tenant):
    with tenant_scope(tenant):
        return Membership.objects.select_related("user").get(user=user)


@pytest.fixture
def rate(settings):
    def set_rate(value):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "partner_applications": value,
            },
        }
        api_settings.reload()

    yield set_rate
    api_settings.reload()


# --- the public page ---------------------------------------------------------------------------------------------


def test_anyone_applies_on_the_tenants_branded_page_and_gets_a_branded_confirmation(
    world, django_capture_on_commit_callbacks
):
    client = world.client(None)
    page = client.get(APPLY)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(APPLY, FORM)

    assert page.status_code == 200 and "Become a partner of Acme Networks" in text_of(page)
    assert sent.status_code == 302 and sent["Location"] == "/partners/apply/thanks/"
    assert "Thank you for your application" in text_of(client.get(sent["Location"]))
    [application] = applications(world)
    assert (application.company_name, application.web_domain, application.status) == (
        "Brightpath Solutions Ltd",
        "brightpath.co.uk",
        "submitted",
    )
    assert application.specialisations == ["campus networks", "Wi-Fi surveys"]  # trimmed, the repeat dropped
    assert application.contact_email == "priya@brightpath.co.uk" and application.currency == "USD"
    [confirmation] = mail.outbox
    assert confirmation.to == ["priya@brightpath.co.uk"] and "Acme Networks" in confirmation.subject
    assert "Brightpath Solutions Ltd" in confirmation.body
    assert applications(world)[0].tenant_id == world.tenant_a.pk


def test_the_confirmation_is_in_the_language_the_applicant_used(world, django_capture_on_commit_callbacks):
    client = world.client(None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(APPLY, FORM, HTTP_ACCEPT_LANGUAGE="fr")

    [confirmation] = mail.outbox
    assert applications(world)[0].language == "fr"
    assert "candidature" in confirmation.subject.lower()


def test_a_bot_that_fills_the_hidden_field_is_thanked_and_nothing_is_kept(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = world.client(None).post(APPLY, {**FORM, "company_fax": "+1 555 0100"})

    assert answer.status_code == 302 and answer["Location"] == "/partners/apply/thanks/"
    assert applications(world) == [] and mail.outbox == []


def test_one_address_sends_a_few_applications_an_hour_then_is_told_to_wait(world, rate):
    rate("2/hour")
    client = world.client(None)
    answers = [client.post(APPLY, {**FORM, "company_name": f"Company {n}"}) for n in range(3)]
    api_answer = client.post("/api/v1/partners/applications/", API_BODY, content_type="application/json")
    other_address = world.client(None).post(APPLY, {**FORM, "company_name": "Elsewhere"}, REMOTE_ADDR="198.51.100.7")

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Too many applications were sent from your address" in text_of(answers[2])
    assert answers[2].context["form"]["company_name"].value() == "Company 2"  # nothing typed is lost
    assert api_answer.status_code == 429 and api_answer.json()["code"] == "throttled"
    assert other_address.status_code == 302
    assert [a.company_name for a in applications(world)] == ["Company 0", "Company 1", "Elsewhere"]


def test_the_rate_limit_counts_each_tenant_apart(world, rate):
    rate("1/hour")
    assert world.client(None).post(APPLY, FORM).status_code == 302
    assert world.client(None, world.tenant_b).post(APPLY, FORM).status_code == 302
    assert world.client(None).post(APPLY, FORM).status_code == 429


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"company_name": ""}, "This field is required."),
        ({"website": "not a website"}, "is not a web address"),
        ({"website": ""}, "This field is required."),
        ({"contact_email": "priya@"}, "Enter a valid email address."),
        ({"country": "XX"}, "Select a valid choice."),
        ({"partner_type": "wizard"}, "Select a valid choice."),
        ({"expected_annual_sales": "-5"}, "greater than or equal to 0"),
        ({"expected_annual_sales": "lots"}, "Enter a number."),
        ({"specialisations": ",".join(f"s{n}" for n in range(21))}, "Name at most 20 specialisations."),
        ({"specialisations": "x" * 81}, "A specialisation has at most 80 characters."),
        ({"contact_name": "Priya\x07Shah"}, "without control characters"),
    ],
)
def test_bad_input_on_the_page_is_refused_with_a_message_and_keeps_what_was_typed(world, change, message):
    answer = world.client(None).post(APPLY, {**FORM, **change})

    assert answer.status_code == 400
    assert message in text_of(answer)
    assert answer.context["form"]["contact_name"].value() == FORM["contact_name"] or "contact_name" in change
    assert applications(world) == []


def test_a_free_mail_website_is_kept_but_matches_nothing(world):
    application = submitted(world, website="brightpath.wordpress.com")

    assert application.website == "brightpath.wordpress.com" and application.web_domain == ""


# --- possible duplicates ----------------------------------------------------------------------------------------


def test_the_queue_flags_a_possible_duplicate_with_the_match_shown(world):
    with tenant_scope(world.tenant_a):
        PartnerProfile.objects.create(
            partner_org=world.org2, website="beta-distribution.com", web_domain="beta-distribution.com"
        )
    first = submitted(world)
    same_domain = submitted(world, company_name="BP Solutions", website="shop.brightpath.co.uk")  # a subdomain
    partner_domain = submitted(world, company_name="Beta Dist", website="https://beta-distribution.com")
    partner_name = submitted(world, company_name="Alpha Resellers GmbH", website="alpha-new.de")
    unrelated = submitted(world, company_name="Kestrel Cloud", website="kestrelcloud.ie")
    client = world.client(world.alice)

    queue = html.unescape(client.get(QUEUE).content.decode())
    flagged = {
        application.company_name: "possible duplicate" in queue.split(application.company_name, 1)[1].split("</tr>")[0]
        for application in (first, same_domain, partner_domain, partner_name, unrelated)
    }
    detail = text_of(client.get(f"{QUEUE}{same_domain.pk}/"))
    partner_detail = text_of(client.get(f"{QUEUE}{partner_name.pk}/"))

    assert flagged == {
        "Brightpath Solutions Ltd": True,
        "BP Solutions": True,
        "Beta Dist": True,
        "Alpha Resellers GmbH": True,
        "Kestrel Cloud": False,
    }
    assert (
        "Application of Brightpath Solutions Ltd sent" in detail and "the same web domain (brightpath.co.uk)" in detail
    )
    assert "Partner Alpha Resellers: the same company name (Alpha Resellers GmbH)" in partner_detail


def test_the_queue_reads_a_pages_duplicates_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = world.client(world.alice)
    submitted(world)
    client.get(QUEUE)
    with django_assert_max_num_queries(30) as few:
        client.get(QUEUE)
    for n in range(10):
        submitted(world, company_name=f"Company {n}", website=f"company{n}.com")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(QUEUE).status_code == 200


# --- review ------------------------------------------------------------------------------------------------------


def test_approving_creates_the_partner_with_its_manager_profile_and_invites_the_applicant(world):
    application = submitted(world)
    bob = membership(world.bob, world.tenant_a)
    client = world.client(world.alice)
    answer = client.post(
        f"{QUEUE}{application.pk}/approve/",
        {"name": "Brightpath Solutions", "partner_type": "var", "channel_manager": bob.pk, "reason": "Good fit"},
    )

    assert answer.status_code == 302
    with tenant_scope(world.tenant_a):
        application.refresh_from_db()
        org = PartnerOrg.objects.get(name="Brightpath Solutions")
        profile = PartnerProfile.objects.get(partner_org=org)
        invitation = Invitation.objects.get(email="priya@brightpath.co.uk")
        decided = AuditEvent.objects.get(action="partner_application.decide")
        decided_by = application.decided_by.user
    assert (org.partner_type, org.country, org.channel_manager_id) == ("var", "GB", bob.pk)
    assert (profile.web_domain, profile.specialisations) == ("brightpath.co.uk", ["campus networks"])
    assert (invitation.role, invitation.partner_org_id) == (Role.PARTNER_ADMIN, org.pk)
    assert (application.status, application.partner_org_id, decided_by) == (
        "approved",
        org.pk,
        world.alice,
    )
    assert (decided.before, decided.reason) == ({"status": "submitted"}, "Good fit")
    assert "is a partner now" in text_of(client.get(answer["Location"]))


def test_an_approval_whose_partner_name_exists_changes_nothing_and_says_why(world):
    application = submitted(world, company_name="Alpha Resellers")
    bob = membership(world.bob, world.tenant_a)
    answer = world.client(world.alice).post(
        f"{QUEUE}{application.pk}/approve/",
        {"name": "Alpha Resellers", "partner_type": "reseller", "channel_manager": bob.pk},
    )

    assert answer.status_code == 400 and "exists already" in text_of(answer)
    with tenant_scope(world.tenant_a):
        application.refresh_from_db()
        assert application.status == "submitted" and not Invitation.objects.filter(email=application.contact_email)


def test_an_approval_needs_a_channel_manager_of_this_tenant(world):
    application = submitted(world)
    charlie = membership(world.charlie, world.tenant_b)
    for manager in ("", charlie.pk):
        answer = world.client(world.alice).post(
            f"{QUEUE}{application.pk}/approve/", {"name": "B", "partner_type": "var", "channel_manager": manager}
        )
        assert answer.status_code == 400
    assert applications(world)[0].status == "submitted"


def test_declining_needs_a_reason_and_emails_it(world, django_capture_on_commit_callbacks):
    application = submitted(world)
    mail.outbox.clear()
    client = world.client(world.bob)
    without = client.post(f"{QUEUE}{application.pk}/decline/", {"reason": "  "})
    with django_capture_on_commit_callbacks(execute=True):
        declined = client.post(f"{QUEUE}{application.pk}/decline/", {"reason": "We have enough resellers in GB."})
    again = client.post(f"{QUEUE}{application.pk}/decline/", {"reason": "Twice"})

    assert without.status_code == 400 and "This field is required." in text_of(without)
    assert declined.status_code == 302
    [letter] = mail.outbox
    assert letter.to == ["priya@brightpath.co.uk"] and "We have enough resellers in GB." in letter.body
    assert again.status_code == 400 and "it cannot become declined" in text_of(again)
    assert applications(world)[0].decision_reason == "We have enough resellers in GB."


@pytest.mark.parametrize("who", ["pat", "una", "analyst"])
def test_only_vendor_admins_and_channel_managers_see_and_decide_applications(world, who):
    application = submitted(world)
    if who == "analyst":
        with tenant_scope(world.tenant_a):
            user = make_member(Role.ANALYST, email="ana@acme.test")
    else:
        user = getattr(world, who)
    client = world.client(user)

    assert client.get(QUEUE).status_code == 403
    assert client.post(f"{QUEUE}{application.pk}/decline/", {"reason": "No"}).status_code == 403
    assert 'href="/partners/applications/"' not in client.get("/").content.decode()
    assert applications(world)[0].status == "submitted"


def test_reviewers_see_the_queue_in_their_navigation_and_a_to_do(world):
    submitted(world)
    home = world.client(world.bob).get("/")

    assert 'href="/partners/applications/"' in home.content.decode()
    assert "1 partner application waits for review" in text_of(home)


def test_another_tenant_reaches_no_application(world):
    application = submitted(world)
    client = world.client(world.charlie)

    assert client.get(f"{QUEUE}{application.pk}/").status_code == 404
    assert "Brightpath" not in text_of(client.get(f"{QUEUE}?status="))
    assert client.get(f"/api/v1/partners/applications/{application.pk}/").status_code == 404


def test_the_queue_filters_searches_and_refuses_an_unknown_status(world):
    submitted(world)
    declined = submitted(world, company_name="QuickDeals", website="quickdeals.com")
    with tenant_scope(world.tenant_a):
        PartnerApplication.objects.filter(pk=declined.pk).update(status="declined")
    client = world.client(world.alice)

    waiting = text_of(client.get(QUEUE))
    every = text_of(client.get(f"{QUEUE}?status="))
    searched = text_of(client.get(f"{QUEUE}?status=&search=quick"))
    refused = client.get(f"{QUEUE}?status=lost")

    assert "Brightpath" in waiting and "QuickDeals" not in waiting
    assert "Brightpath" in every and "QuickDeals" in every
    assert "QuickDeals" in searched and "Brightpath" not in searched
    assert refused.status_code == 400 and "Select a valid choice." in text_of(refused)
