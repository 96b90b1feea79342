"""Notifications: one inbox row per recipient, the unread count in the header, a branded e-mail sent once
after commit (from the tenant's sender, with its portal name and colour), read marks for one's own
notifications only."""

import pytest

from prm.notifications.models import Notification
from prm.notifications.services import notification_send_email, notify
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant


@pytest.fixture
def branded(world):
    Tenant.objects.filter(pk=world.tenant_a.pk).update(
        email_sender_name="Acme Channel Team", email_sender_address="channel@acme.test", accent_colour="#00aa00"
    )
    Tenant.objects.filter(pk=world.tenant_b.pk).update(
        email_sender_name="Globex Partners", email_sender_address="partners@globex.test"
    )
    return world


def inbox_of(world, user, tenant=None):
    with tenant_scope(tenant or world.tenant_a):
        return list(Notification.objects.filter(recipient=user).order_by("title"))


def test_notify_puts_one_row_per_recipient(world):
    with tenant_scope(world.tenant_a):
        created = notify(
            recipients=[world.alice, world.bob, world.alice, None], title="Deal approved", body="Deal 42", email=False
        )
    assert len(created) == 2
    for user in (world.alice, world.bob):
        [row] = inbox_of(world, user)
        assert (row.title, row.body, row.read_at, row.emailed_at) == ("Deal approved", "Deal 42", None, None)
        assert row.tenant_id == world.tenant_a.pk
    assert inbox_of(world, world.pat) == []


def test_the_header_shows_the_unread_count(world):
    client = world.client(world.alice)
    assert "brand-badge" not in client.get("/").content.decode()
    with tenant_scope(world.tenant_a):
        notify(recipients=[world.alice], title="One", email=False)
        notify(recipients=[world.alice], title="Two", email=False)
        notify(recipients=[world.bob], title="Bob's", email=False)
    assert 'brand-badge">2</span>' in client.get("/").content.decode()
    assert 'brand-badge">1</span>' in world.client(world.bob).get("/").content.decode()


def test_the_email_is_sent_after_commit_from_the_tenants_sender_with_its_branding(
    branded, mailoutbox, django_capture_on_commit_callbacks
):
    world = branded
    with django_capture_on_commit_callbacks(execute=True) as callbacks, tenant_scope(world.tenant_a):
        notify(recipients=[world.pat], title="Claim approved", body="Your MDF claim was approved.", link="/claims/7/")
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    [mail] = mailoutbox
    assert mail.from_email == "Acme Channel Team <channel@acme.test>"
    assert mail.to == ["pat@alpha.test"]
    assert mail.subject == "[Acme Networks Partner Portal] Claim approved"
    assert "Your MDF claim was approved." in mail.body
    assert "http://acme.localhost/claims/7/" in mail.body
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    assert "background:#aa0000" in html
    assert "#00aa00" in html
    assert "Acme Networks Partner Portal" in html
    [row] = inbox_of(world, world.pat)
    assert row.emailed_at is not None


def test_another_tenants_email_carries_that_tenants_branding_only(
    branded, mailoutbox, django_capture_on_commit_callbacks
):
    world = branded
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(world.tenant_b):
        notify(recipients=[world.bea], title="Welcome")
    [mail] = mailoutbox
    assert mail.from_email == "Globex Partners <partners@globex.test>"
    assert mail.subject == "[Globex Systems Partner Portal] Welcome"
    html = mail.alternatives[0][0]
    assert "#0000aa" in html
    assert "#aa0000" not in html
    assert "Acme" not in html + mail.body


def test_without_a_sender_the_portal_name_and_default_address_are_used(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "portal@prm.test"
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(world.tenant_a):
        notify(recipients=[world.una], title="Hello")
    assert mailoutbox[0].from_email == "Acme Networks Partner Portal <portal@prm.test>"


def test_no_email_is_sent_when_email_is_off(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, tenant_scope(world.tenant_a):
        notify(recipients=[world.una], title="Inbox only", email=False)
    assert callbacks == []
    assert mailoutbox == []
    assert len(inbox_of(world, world.una)) == 1


def test_sending_the_same_notification_twice_sends_one_mail(branded, mailoutbox):
    world = branded
    with tenant_scope(world.tenant_a):
        [notification] = notify(recipients=[world.una], title="Once only", email=False)
        assert notification_send_email(notification_id=notification.pk) is True
        assert notification_send_email(notification_id=notification.pk) is False
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[Acme Networks Partner Portal] Once only"


def test_a_notification_of_another_tenant_is_not_sent_in_this_tenants_scope(world, mailoutbox):
    with tenant_scope(world.tenant_b):
        [foreign] = notify(recipients=[world.bea], title="Globex only", email=False)
    with tenant_scope(world.tenant_a):
        assert notification_send_email(notification_id=foreign.pk) is False
    assert mailoutbox == []


# --- read marks --------------------------------------------------------------------------------------


@pytest.fixture
def three(world):
    with tenant_scope(world.tenant_a):
        mine = notify(recipients=[world.una], title="A first", email=False)[0]
        notify(recipients=[world.una], title="B second", email=False)
        bobs = notify(recipients=[world.bob], title="Bob's", email=False)[0]
    return mine, bobs


def test_marking_one_notification_read(world, three):
    mine, _ = three
    client = world.client(world.una)
    response = client.post(f"/notifications/{mine.pk}/read/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    first, second = inbox_of(world, world.una)
    assert first.read_at is not None
    assert second.read_at is None
    assert 'brand-badge">1</span>' in client.get("/").content.decode()


def test_marking_all_notifications_read(world, three):
    response = world.client(world.una).post("/notifications/read/")
    assert response.status_code == 302
    assert all(n.read_at is not None for n in inbox_of(world, world.una))
    assert inbox_of(world, world.bob)[0].read_at is None  # only the signed-in user's own
    assert "brand-badge" not in world.client(world.una).get("/").content.decode()


def test_marking_an_already_read_notification_again_is_harmless(world, three):
    mine, _ = three
    client = world.client(world.una)
    client.post(f"/notifications/{mine.pk}/read/")
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 302


def test_another_users_notification_id_answers_404_and_stays_unread(world, three):
    _, bobs = three
    response = world.client(world.una).post(f"/notifications/{bobs.pk}/read/")
    assert response.status_code == 404
    assert inbox_of(world, world.bob)[0].read_at is None


def test_mark_read_takes_post_only(world, three):
    mine, _ = three
    assert world.client(world.una).get(f"/notifications/{mine.pk}/read/").status_code == 405
    assert inbox_of(world, world.una)[0].read_at is None


def test_the_inbox_lists_only_ones_own_notifications(world, three):
    text = world.client(world.una).get("/notifications/").content.decode()
    assert "A first" in text and "B second" in text
    assert "Bob&#x27;s" not in text and "Bob's" not in text
