"""Invitations: sent from the users page as a tenant-branded e-mail with an accept link; the link creates the
account and the membership with the invited role, signs the person in and tells the inviter; expired and revoked
links are gone (410); only the token's hash is stored; one open invitation per address; partner admins invite
into their own organisation only; bad input is refused with a message and leaves nothing behind."""

import hashlib
import re
import time
from datetime import timedelta

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from prm.accounts.models import Invitation, Membership, Role, User
from prm.accounts.services import invitation_accept, invitation_create, invitation_revoke
from prm.accounts.tasks import send_invitation_email
from prm.notifications.models import Notification
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import anonymous_client, membership_of, page_text
from tests.conftest import host_of
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "sturdy-otter-lamp-42"
LINK = re.compile(r"http://acme\.localhost/invitations/(?P<token>[A-Za-z0-9_-]+)/")


@pytest.fixture
def branded(world):
    """Tenant A with its own e-mail sender."""
    world.tenant_a.email_sender_name = "Acme Partner Team"
    world.tenant_a.email_sender_address = "partners@acme.test"
    world.tenant_a.save()
    return world


def _invite_on_page(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/users/", data)


def _token_from(message):
    match = LINK.search(message.body)
    assert match, message.body
    return match["token"]


def _invitations(tenant):
    with tenant_scope(tenant):
        return list(Invitation.objects.all())


def _counts(tenant):
    """Rows an invitation or its acceptance would create."""
    with tenant_scope(tenant):
        return {
            "users": User.objects.count(),
            "memberships": Membership.objects.count(),
            "invitations": Invitation.objects.count(),
            "accepted": Invitation.objects.filter(accepted_at__isnull=False).count(),
            "notifications": Notification.objects.count(),
        }


@pytest.fixture
def invitation(world):
    """An open invitation of tenant A for a new person as partner user of org1, by alice."""
    with tenant_scope(world.tenant_a):
        invitation, token = invitation_create(
            actor_membership=membership_of(world.alice, world.tenant_a),
            email="newbie@partner.test",
            role=Role.PARTNER_USER,
            partner_org=world.org1,
        )
    return invitation, token


def _accept_data(**overrides):
    return {"full_name": "Nina Newbie", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **overrides}


# --- inviting and the e-mail --------------------------------------------------------------------------------


@pytest.mark.parametrize(("inviter", "least"), [("alice", Role.PARTNER_USER), ("pat", Role.PARTNER_USER)])
def test_the_invitation_form_offers_the_least_powerful_role_first_and_by_default(world, inviter, least):
    form = world.client(getattr(world, inviter)).get("/users/").context["form"]

    assert form["role"].value() == least
    assert [value for value, _label in form.fields["role"].choices][-1] in (Role.VENDOR_ADMIN, Role.PARTNER_ADMIN)


@pytest.mark.parametrize(("inviter", "role"), [("alice", Role.VENDOR_ADMIN), ("pat", Role.PARTNER_ADMIN)])
def test_an_admin_role_is_granted_only_once_confirmed(world, django_capture_on_commit_callbacks, inviter, role):
    client = world.client(getattr(world, inviter))
    data = {"email": "boss@partner.test", "role": role, "partner_org": str(world.org1.pk)}

    unconfirmed = _invite_on_page(client, django_capture_on_commit_callbacks, **data)
    assert unconfirmed.status_code == 400
    assert unconfirmed.context["form"].errors["confirm_admin"] == [
        "Tick the box to grant an admin role, or choose another role."
    ]
    assert _invitations(world.tenant_a) == []

    confirmed = _invite_on_page(client, django_capture_on_commit_callbacks, confirm_admin="on", **data)
    assert confirmed.status_code == 302
    assert [i.role for i in _invitations(world.tenant_a)] == [role]


def test_a_vendor_admin_invites_on_the_users_page_and_the_email_is_branded_with_the_accept_link(
    branded, mailoutbox, django_capture_on_commit_callbacks
):
    world = branded
    client = world.client(world.alice)

    response = _invite_on_page(
        client,
        django_capture_on_commit_callbacks,
        email="Newbie@Partner.test",
        role=Role.PARTNER_USER,
        partner_org=str(world.org1.pk),
    )

    assert response.status_code == 302
    assert response["Location"] == "/users/"
    [invitation] = _invitations(world.tenant_a)
    assert (invitation.email, invitation.role, invitation.partner_org_id) == (
        "newbie@partner.test",
        Role.PARTNER_USER,
        world.org1.pk,
    )
    assert invitation.invited_by == world.alice
    assert invitation.status == "open"
    [message] = mailoutbox
    assert message.to == ["newbie@partner.test"]
    assert message.from_email == "Acme Partner Team <partners@acme.test>"
    assert "Acme Networks Partner Portal" in message.subject
    assert "Acme Networks Partner Portal" in message.body
    token = _token_from(message)
    assert hashlib.sha256(token.encode()).hexdigest() == invitation.token_hash
    html_body = message.alternatives[0][0]
    assert f"http://acme.localhost/invitations/{token}/" in html_body
    assert "Globex" not in message.body + html_body + message.subject


def test_following_the_link_creates_the_account_and_membership_signs_in_and_notifies_the_inviter(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    _invite_on_page(
        world.client(world.alice),
        django_capture_on_commit_callbacks,
        email="newbie@partner.test",
        role=Role.PARTNER_ADMIN,
        partner_org=str(world.org2.pk),
        confirm_admin="on",
    )
    token = _token_from(mailoutbox[0])
    visitor = anonymous_client(world.tenant_a)
    page = visitor.get(f"/invitations/{token}/")
    assert page.status_code == 200
    assert "Beta Distribution" in page_text(page)

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(f"/invitations/{token}/", _accept_data())

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(email="newbie@partner.test")
    assert user.full_name == "Nina Newbie"
    assert user.check_password(NEW_PASSWORD)
    membership = membership_of(user, world.tenant_a)
    assert (membership.role, membership.partner_org_id, membership.is_active) == (
        Role.PARTNER_ADMIN,
        world.org2.pk,
        True,
    )
    assert visitor.session[SESSION_KEY] == str(user.pk)
    assert visitor.get("/").status_code == 200
    with tenant_scope(world.tenant_a):
        assert Invitation.objects.get().status == "accepted"
        [notice] = Notification.objects.filter(recipient=world.alice)
    assert notice.title == "newbie@partner.test accepted your invitation"
    assert [m.to for m in mailoutbox] == [["newbie@partner.test"], ["alice@acme.test"]]


def test_a_partner_admin_invites_a_user_into_his_own_organisation(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    response = _invite_on_page(
        world.client(world.pat),
        django_capture_on_commit_callbacks,
        email="colleague@alpha.test",
        role=Role.PARTNER_USER,
        # Not a field of the partner admin's form: ignored, the invitation goes to pat's organisation.
        partner_org=str(world.org2.pk),
    )

    assert response.status_code == 302
    [invitation] = _invitations(world.tenant_a)
    assert (invitation.role, invitation.partner_org_id) == (Role.PARTNER_USER, world.org1.pk)
    assert [m.to for m in mailoutbox] == [["colleague@alpha.test"]]


@pytest.mark.parametrize("role", [Role.VENDOR_ADMIN, Role.CHANNEL_MANAGER, Role.ANALYST])
def test_the_service_refuses_a_partner_admin_inviting_a_vendor_role(world, role):
    pat = membership_of(world.pat, world.tenant_a)

    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        invitation_create(actor_membership=pat, email="boss@alpha.test", role=role, partner_org=world.org1)

    assert refused.value.code == "forbidden"
    assert _invitations(world.tenant_a) == []


def test_the_service_refuses_a_partner_admin_inviting_into_another_organisation(world):
    pat = membership_of(world.pat, world.tenant_a)

    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        invitation_create(actor_membership=pat, email="spy@beta.test", role=Role.PARTNER_USER, partner_org=world.org2)

    assert refused.value.code == "forbidden"
    assert _invitations(world.tenant_a) == []


def test_the_partner_admins_page_offers_no_vendor_role(world, django_capture_on_commit_callbacks, mailoutbox):
    before = _counts(world.tenant_a)

    response = _invite_on_page(
        world.client(world.pat), django_capture_on_commit_callbacks, email="boss@alpha.test", role=Role.VENDOR_ADMIN
    )

    assert response.status_code == 400
    assert "Select a valid choice" in page_text(response)
    assert _counts(world.tenant_a) == before
    assert mailoutbox == []


# --- one open invitation per address, expired and revoked links ---------------------------------------------


def test_a_second_open_invitation_for_the_same_address_is_refused_with_a_clear_error(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    client = world.client(world.alice)
    data = {"role": Role.PARTNER_USER, "partner_org": str(world.org1.pk)}
    _invite_on_page(client, django_capture_on_commit_callbacks, email="newbie@partner.test", **data)

    response = _invite_on_page(client, django_capture_on_commit_callbacks, email="NEWBIE@partner.test", **data)

    assert response.status_code == 400
    assert "newbie@partner.test has an open invitation already." in page_text(response)
    assert len(_invitations(world.tenant_a)) == 1
    assert len(mailoutbox) == 1


def _expire(invitation, tenant):
    with tenant_scope(tenant):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


def test_an_expired_invitation_answers_410_and_creates_nothing(world, invitation):
    invitation, token = invitation
    _expire(invitation, world.tenant_a)
    before = _counts(world.tenant_a)
    visitor = anonymous_client(world.tenant_a)

    shown = visitor.get(f"/invitations/{token}/")
    posted = visitor.post(f"/invitations/{token}/", _accept_data())

    assert shown.status_code == posted.status_code == 410
    assert "It has expired" in page_text(posted)
    assert _counts(world.tenant_a) == before
    assert not User.objects.filter(email="newbie@partner.test").exists()


def test_an_expired_invitation_does_not_block_inviting_the_address_again(
    world, invitation, mailoutbox, django_capture_on_commit_callbacks
):
    old, old_token = invitation
    _expire(old, world.tenant_a)

    response = _invite_on_page(
        world.client(world.alice),
        django_capture_on_commit_callbacks,
        email="newbie@partner.test",
        role=Role.PARTNER_USER,
        partner_org=str(world.org1.pk),
    )

    assert response.status_code == 302
    token = _token_from(mailoutbox[-1])
    with tenant_scope(world.tenant_a):
        assert Invitation.objects.filter(email="newbie@partner.test").count() == 2
    visitor = anonymous_client(world.tenant_a)
    assert visitor.get(f"/invitations/{old_token}/").status_code == 410
    assert visitor.post(f"/invitations/{token}/", _accept_data()).status_code == 302
    assert membership_of(User.objects.get(email="newbie@partner.test"), world.tenant_a).is_active


@pytest.mark.parametrize("state", ["expired", "revoked", "accepted"])
def test_the_service_refuses_an_invitation_that_closed_after_the_page_checked_it(world, invitation, state):
    invitation, _token = invitation
    changes = {
        "expired": {"expires_at": timezone.now() - timedelta(minutes=1)},
        "revoked": {"revoked_at": timezone.now()},
        "accepted": {"accepted_at": timezone.now()},
    }[state]
    with tenant_scope(world.tenant_a):
        Invitation.objects.filter(pk=invitation.pk).update(**changes)
    before = _counts(world.tenant_a)

    # `invitation` is the page's copy, still open in memory: the service re-reads it under a lock.
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        invitation_accept(invitation=invitation, password=NEW_PASSWORD, full_name="Nina Newbie")

    assert refused.value.code == f"invitation_{state}"
    assert _counts(world.tenant_a) == before


def test_a_revoked_invitation_answers_410_and_creates_nothing(world, invitation):
    invitation, token = invitation
    revoke = world.client(world.alice).post(f"/invitations/{invitation.pk}/revoke/")
    assert revoke.status_code == 302
    before = _counts(world.tenant_a)
    visitor = anonymous_client(world.tenant_a)

    shown = visitor.get(f"/invitations/{token}/")
    posted = visitor.post(f"/invitations/{token}/", _accept_data())

    assert shown.status_code == posted.status_code == 410
    assert "It was withdrawn" in page_text(posted)
    assert _counts(world.tenant_a) == before


@pytest.mark.parametrize("page", ["/users/", "org1"])
def test_the_pages_show_an_invitations_status_by_its_translated_label(world, invitation, page):
    client = world.client(world.alice)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    url = f"/partner-orgs/{world.org1.pk}/" if page == "org1" else page

    text = page_text(client.get(url))

    assert "newbie@partner.test" in text
    assert "Ouverte" in text
    assert "open" not in re.findall(r"\b(open|accepted|revoked|expired)\b", text)


def test_the_invitation_token_is_stored_only_as_its_hash(world, invitation):
    invitation, token = invitation
    digest = hashlib.sha256(token.encode()).hexdigest()
    found = {}
    with tenant_scope(world.tenant_a), connection.cursor() as cursor:
        # Tenant rows are readable inside the tenant's scope (RLS); the raw token must be in no row at all.
        for model in apps.get_models():
            table = model._meta.db_table
            try:
                with transaction.atomic():
                    cursor.execute(f'SELECT count(*) FROM "{table}" AS t WHERE t::text LIKE %s', [f"%{token}%"])
                    found[table] = cursor.fetchone()[0]
            except DatabaseError:  # a table the application role may not read holds nothing it wrote
                continue
        cursor.execute("SELECT token_hash FROM accounts_invitation WHERE id = %s", [invitation.pk])
        stored = cursor.fetchone()[0]
    assert "accounts_invitation" in found
    assert {t: n for t, n in found.items() if n} == {}
    assert stored == digest
    assert anonymous_client(world.tenant_a).get(f"/invitations/{token}/").status_code == 200


def test_the_queued_email_task_carries_ids_only_and_the_worker_derives_the_link(
    world, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(send_invitation_email, "delay", lambda **kwargs: queued.append(kwargs))
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        invitation, token = invitation_create(
            actor_membership=membership_of(world.alice, world.tenant_a),
            email="newbie@partner.test",
            role=Role.PARTNER_USER,
            partner_org=world.org1,
        )

    assert queued == [{"tenant_id": str(world.tenant_a.pk), "invitation_id": str(invitation.pk)}]
    send_invitation_email.apply(kwargs=queued[0])
    assert _token_from(mailoutbox[0]) == token
    assert anonymous_client(world.tenant_a).get(f"/invitations/{token}/").status_code == 200


# --- who accepts ---------------------------------------------------------------------------------------------


def _invite_charlie(world):
    with tenant_scope(world.tenant_a):
        _invitation, token = invitation_create(
            actor_membership=membership_of(world.alice, world.tenant_a),
            email="charlie@globex.test",
            role=Role.ANALYST,
        )
    return token


def _open_link_and_sign_in(visitor, token, email, password=PASSWORD):
    """An existing account follows its invitation link: sent to the portal's sign-in, comes back to the link."""
    opened = visitor.get(f"/invitations/{token}/")
    assert opened.status_code == 302
    assert opened["Location"] == f"/accounts/login/?next=/invitations/{token}/"
    return visitor.post(opened["Location"], {"login": email, "password": password})


def test_an_existing_account_of_another_portal_signs_in_through_the_portals_sign_in_then_accepts(world):
    token = _invite_charlie(world)
    visitor = anonymous_client(world.tenant_a)
    opened = visitor.get(f"/invitations/{token}/", follow=True)
    assert "charlie@globex.test has an account already. Sign in with it to join" in page_text(opened)
    assert opened.context["form"]["login"].value() == "charlie@globex.test"

    signed_in = visitor.post(
        f"/accounts/login/?next=/invitations/{token}/", {"login": "charlie@globex.test", "password": PASSWORD}
    )

    assert signed_in.status_code == 302
    assert signed_in["Location"] == f"/invitations/{token}/"
    page = visitor.get(f"/invitations/{token}/")
    assert "You are signed in as charlie@globex.test." in page_text(page)
    # Signed in, but no member yet: the portal's pages stay closed until the invitation is accepted.
    assert visitor.get("/").status_code == 403
    response = visitor.post(f"/invitations/{token}/")
    assert response.status_code == 302
    assert membership_of(world.charlie, world.tenant_a).role == Role.ANALYST
    assert membership_of(world.charlie, world.tenant_b).role == Role.VENDOR_ADMIN
    assert str(visitor.session[SESSION_KEY]) == str(world.charlie.pk)
    assert visitor.get("/").status_code == 200


def test_the_invitation_page_checks_no_password_of_an_existing_account(world):
    token = _invite_charlie(world)
    before = _counts(world.tenant_a)
    visitor = anonymous_client(world.tenant_a)

    response = visitor.post(f"/invitations/{token}/", {"password1": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _counts(world.tenant_a) == before
    assert SESSION_KEY not in visitor.session


def test_with_totp_the_invitee_joins_only_after_the_second_factor(world):
    secret = generate_totp_secret()
    TOTP.activate(world.charlie, secret)
    token = _invite_charlie(world)
    visitor = anonymous_client(world.tenant_a)

    response = _open_link_and_sign_in(visitor, token, "charlie@globex.test")

    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in visitor.session
    assert visitor.post(f"/invitations/{token}/").status_code == 302  # back to the sign-in, not accepted
    with tenant_scope(world.tenant_a):
        assert not Membership.objects.filter(user=world.charlie).exists()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    completed = visitor.post("/accounts/2fa/authenticate/", {"code": code})
    assert completed["Location"] == f"/invitations/{token}/"
    assert visitor.post(f"/invitations/{token}/").status_code == 302
    assert membership_of(world.charlie, world.tenant_a).role == Role.ANALYST


def test_the_invitation_lets_only_the_invited_account_sign_in_without_a_membership(world):
    token = _invite_charlie(world)
    visitor = anonymous_client(world.tenant_a)

    response = _open_link_and_sign_in(visitor, token, "bea@gamma.test")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]
    assert SESSION_KEY not in visitor.session


def test_an_invitees_session_ends_when_the_invitation_is_revoked_before_accepting(world):
    token = _invite_charlie(world)
    visitor = anonymous_client(world.tenant_a)
    assert _open_link_and_sign_in(visitor, token, "charlie@globex.test").status_code == 302
    with tenant_scope(world.tenant_a):
        alice = membership_of(world.alice, world.tenant_a)
        invitation_revoke(invitation=Invitation.objects.get(), actor_membership=alice)

    response = visitor.get("/")

    assert response["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in visitor.session


def test_guessing_an_invitees_password_counts_under_the_same_limit_as_every_sign_in(world):
    token = _invite_charlie(world)
    for number in range(5):
        attacker = Client(HTTP_HOST=host_of(world.tenant_a), REMOTE_ADDR=f"10.0.1.{number}")
        _open_link_and_sign_in(attacker, token, "charlie@globex.test", NEW_PASSWORD)
    visitor = Client(HTTP_HOST=host_of(world.tenant_a), REMOTE_ADDR="10.0.1.99")

    response = _open_link_and_sign_in(visitor, token, "Charlie@Globex.test")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Too many failed login attempts. Try again later."]
    with tenant_scope(world.tenant_a):
        assert not Membership.objects.filter(user=world.charlie).exists()


def test_a_new_account_is_refused_for_an_address_that_has_one_and_nothing_is_handed_over(world, invitation):
    invitation, _token = invitation
    UserFactory(email="newbie@partner.test")
    before = _counts(world.tenant_a)

    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        invitation_accept(invitation=invitation, password=NEW_PASSWORD, full_name="Nina Newbie")

    assert refused.value.code == "account_exists"
    assert _counts(world.tenant_a) == before


def test_a_former_member_invited_again_signs_in_and_is_reactivated_with_the_new_role(world):
    with tenant_scope(world.tenant_a):
        deactivated = membership_of(world.una, world.tenant_a)
        deactivated.is_active = False
        deactivated.save()
        _invitation, token = invitation_create(
            actor_membership=membership_of(world.alice, world.tenant_a),
            email="una@alpha.test",
            role=Role.PARTNER_ADMIN,
            partner_org=world.org1,
        )
    visitor = anonymous_client(world.tenant_a)
    assert _open_link_and_sign_in(visitor, token, "una@alpha.test").status_code == 302

    response = visitor.post(f"/invitations/{token}/")

    assert response.status_code == 302
    membership = membership_of(world.una, world.tenant_a)
    assert (membership.pk, membership.is_active, membership.role) == (deactivated.pk, True, Role.PARTNER_ADMIN)


def test_a_signed_in_user_with_another_email_cannot_accept(world, invitation):
    _invitation, token = invitation
    before = _counts(world.tenant_a)

    response = world.client(world.bob).post(f"/invitations/{token}/", _accept_data())

    # The service refuses with code wrong_user (status 403); the page shows its message with that status.
    assert response.status_code == 403
    assert "This invitation was sent to another e-mail address." in page_text(response)
    assert _counts(world.tenant_a) == before
    assert membership_of(world.bob, world.tenant_a).role == Role.CHANNEL_MANAGER


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": Role.PARTNER_USER, "org": True}, "This field is required."),
        ({"email": "not-an-email", "role": Role.PARTNER_USER, "org": True}, "Enter a valid email address."),
        ({"email": "x@partner.test", "role": "superuser", "org": True}, "Select a valid choice."),
        ({"email": "x@partner.test", "role": "", "org": True}, "This field is required."),
        ({"email": "x@partner.test", "role": Role.PARTNER_USER, "org": False}, "A partner role needs a partner"),
        (
            {"email": "x@partner.test", "role": Role.PARTNER_ADMIN, "org": False, "confirm_admin": "on"},
            "A partner role needs a partner",
        ),
    ],
    ids=["empty-email", "malformed-email", "unknown-role", "no-role", "partner-user-no-org", "partner-admin-no-org"],
)
def test_a_bad_invitation_is_refused_with_a_message_and_creates_nothing(
    world, mailoutbox, django_capture_on_commit_callbacks, data, message
):
    before = _counts(world.tenant_a)
    data = dict(data)
    org = data.pop("org")

    response = _invite_on_page(
        world.client(world.alice),
        django_capture_on_commit_callbacks,
        **data,
        partner_org=str(world.org1.pk) if org else "",
    )

    assert response.status_code == 400
    assert message in page_text(response)
    assert _counts(world.tenant_a) == before
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_accept_data(password2="sturdy-otter-lamp-43"), "The two passwords differ."),
        (_accept_data(password1="123", password2="123"), "Ensure this value has at least 10 characters"),
        (_accept_data(password1="1234567890", password2="1234567890"), "This password is too common."),
        (_accept_data(password1="", password2=""), "This field is required."),
        (_accept_data(full_name=""), "This field is required."),
    ],
    ids=["mismatch", "short", "common-and-numeric", "empty-password", "no-name"],
)
def test_bad_input_when_accepting_is_refused_with_a_message_and_creates_nothing(world, invitation, data, message):
    _invitation, token = invitation
    before = _counts(world.tenant_a)
    visitor = anonymous_client(world.tenant_a)

    response = visitor.post(f"/invitations/{token}/", data)

    assert response.status_code == 400
    assert message in page_text(response)
    assert _counts(world.tenant_a) == before
    assert not User.objects.filter(email="newbie@partner.test").exists()
    assert SESSION_KEY not in visitor.session
    with tenant_scope(world.tenant_a):
        assert Invitation.objects.get().status == "open"


def test_only_someone_who_may_send_an_invitation_may_withdraw_it(world):
    with tenant_scope(world.tenant_a):
        invitation, _token = invitation_create(
            actor_membership=membership_of(world.pat, world.tenant_a),
            email="new.rep@alpha.test",
            role=Role.PARTNER_USER,
            partner_org=world.org1,
        )
        for outsider in (world.otto, world.una):  # another organisation's admin; a partner user of the same one
            with pytest.raises(DomainError) as refused:
                invitation_revoke(invitation=invitation, actor_membership=membership_of(outsider, world.tenant_a))
            assert refused.value.code == "forbidden"
        invitation.refresh_from_db()
        assert invitation.status == "open"

        invitation_revoke(invitation=invitation, actor_membership=membership_of(world.bob, world.tenant_a))

        invitation.refresh_from_db()
        assert invitation.status == "revoked"


def test_a_partner_admin_who_names_no_organisation_invites_into_his_own(world):
    with tenant_scope(world.tenant_a):
        invitation, _token = invitation_create(
            actor_membership=membership_of(world.pat, world.tenant_a), email="rep2@alpha.test", role=Role.PARTNER_USER
        )
        assert invitation.partner_org == world.org1
        with pytest.raises(DomainError) as refused:  # a channel manager has no organisation to default to
            invitation_create(
                actor_membership=membership_of(world.bob, world.tenant_a), email="rep3@x.test", role=Role.PARTNER_USER
            )
        assert refused.value.code == "partner_org_required"
