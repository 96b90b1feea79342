"""The host decides the tenant (unknown or suspended host → 404, platform host → operator admin only);
`create_tenant` sets up a whole portal or nothing; Celery tenant tasks run only inside an explicit tenant."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import Client

from prm.accounts.models import Membership, PartnerOrg, User
from prm.accounts.services import api_token_create
from prm.audit.models import AuditEvent
from prm.celery import app as celery_app
from prm.tenancy.context import current_tenant_id, tenant_scope
from prm.tenancy.models import Domain, Tenant
from prm.tenancy.tasks import TenantSuspended, TenantTask
from tests.conftest import host_of
from tests.factories import PASSWORD, UserFactory

TENANT_TEXT = ["Acme", "acme", "Globex", "globex", "Alpha Resellers", "alice@acme.test"]


@celery_app.task(base=TenantTask, name="tests.tenancy.current_tenant_probe")
def current_tenant_probe(*, tenant_id):
    return current_tenant_id()


@celery_app.task(base=TenantTask, name="tests.tenancy.partner_org_names_probe")
def partner_org_names_probe(*, tenant_id):
    return sorted(PartnerOrg.objects.values_list("name", flat=True))


probe_attempts = []  # (retries so far, tenant in scope) of each run of transient_failure_probe


@celery_app.task(base=TenantTask, bind=True, name="tests.tenancy.transient_failure_probe")
def transient_failure_probe(self, *, tenant_id, failures=1, error="transient"):
    """Fails its first `failures` runs with a transient database error (or, `error="bug"`, with a bug)."""
    probe_attempts.append((self.request.retries, current_tenant_id()))
    if error == "bug":
        raise ValueError("a bug")
    if self.request.retries < failures:
        raise OperationalError("server closed the connection unexpectedly")
    return "done"


def body_of(response):
    return response.content.decode()


def signed_in(client):
    return "_auth_user_id" in client.session


# --- host → tenant ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/partner-orgs/", "/api/v1/me/", "/api/schema/"])
def test_an_unknown_host_answers_404_without_any_tenant_data(world, path):
    response = Client(HTTP_HOST="nobody.localhost").get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert body_of(response) == "No portal is served on this address."
    assert not any(text in body_of(response) for text in TENANT_TEXT)


def test_an_unknown_host_answers_404_even_to_a_valid_token_of_a_real_tenant(world):
    with tenant_scope(world.tenant_a):
        _token, key = api_token_create(user=world.alice, name="probe")
    client = Client(HTTP_HOST="acme.example.localhost", HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get("/api/v1/me/")

    assert response.status_code == 404
    assert "alice" not in body_of(response)


def test_a_tenants_host_is_found_with_a_port_and_in_any_letter_case(world):
    for host in (f"{host_of(world.tenant_a)}:8000", host_of(world.tenant_a).upper()):
        client = Client(HTTP_HOST=host)
        client.force_login(world.alice)
        response = client.get("/partner-orgs/")
        assert response.status_code == 200, host
        assert "Alpha Resellers" in body_of(response)


def test_a_custom_domain_serves_its_tenant(world):
    Domain.objects.create(tenant=world.tenant_a, host="partners.acme-networks.localhost")
    client = Client(HTTP_HOST="partners.acme-networks.localhost")
    client.force_login(world.alice)

    response = client.get("/partner-orgs/")

    assert response.status_code == 200
    assert "Alpha Resellers" in body_of(response)
    assert "Gamma Partners" not in body_of(response)


def test_a_suspended_tenants_host_answers_404(world):
    with tenant_scope(world.tenant_a):
        _token, key = api_token_create(user=world.alice, name="probe")
    client = world.client(world.alice)
    assert client.get("/partner-orgs/").status_code == 200

    world.tenant_a.status = Tenant.Status.SUSPENDED
    world.tenant_a.save()

    for path in ("/", "/partner-orgs/", "/accounts/login/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert not any(text in body_of(response) for text in TENANT_TEXT)
    api = Client(HTTP_HOST=host_of(world.tenant_a), HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")
    assert api.status_code == 404
    # Another tenant is not affected.
    assert world.client(world.charlie).get("/partner-orgs/").status_code == 200


def test_the_tenant_scope_ends_with_the_request(world):
    assert current_tenant_id() is None
    assert world.client(world.alice).get("/partner-orgs/").status_code == 200
    assert current_tenant_id() is None


# --- the platform host ------------------------------------------------------------------------------------


@pytest.fixture
def operator(db):
    return UserFactory(email="ops@platform.test", is_staff=True, is_superuser=True)


def platform_client():
    return Client(HTTP_HOST="localhost")


def test_the_platform_host_serves_the_health_check(db):
    response = platform_client().get("/health/")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_platform_host_serves_the_admin_login(db):
    client = platform_client()

    index = client.get("/admin/")
    assert index.status_code == 302
    assert index["Location"].startswith("/admin/login/")

    # The admin's login is allauth's (throttle, TOTP: tests/security/test_platform_sign_in.py).
    login = client.get("/admin/login/", follow=True)
    assert login.redirect_chain[-1][0].startswith("/accounts/login/")
    assert 'name="password"' in body_of(login)


def test_a_platform_operator_signs_in_and_is_sent_to_set_up_totp(operator):
    client = platform_client()

    response = client.post("/accounts/login/?next=/admin/", {"login": operator.email, "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in(client)
    assert client.get("/admin/", follow=True).redirect_chain[1][0] == "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize("who", ["alice", "pat"])
def test_a_tenant_member_who_is_not_staff_cannot_sign_in_to_the_platform_admin(world, who):
    user = getattr(world, who)
    assert not user.is_staff
    client = platform_client()

    response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 200  # the form again, with an error
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_a_tenant_members_session_opens_nothing_on_the_platform_host(world):
    client = world.client(world.alice)
    client.defaults["HTTP_HOST"] = "localhost"

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_platform_host_serves_no_tenant_page_or_api(world):
    client = platform_client()
    for path in ("/partner-orgs/", "/api/v1/me/", "/api/schema/", "/tokens/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert not any(text in body_of(response) for text in TENANT_TEXT)
    assert client.get("/")["Location"] == "/admin/"  # the operators' home


def test_an_unknown_path_on_the_platform_host_answers_404_not_a_server_error(db):
    response = platform_client().get("/no-such-page/")

    assert response.status_code == 404
    assert response.content == b"Not found."


def test_a_tenant_host_serves_neither_the_admin_nor_the_health_check(world):
    client = world.client(world.alice)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    assert client.get("/health/").status_code == 404


# --- create_tenant ----------------------------------------------------------------------------------------


def create_tenant(**options):
    out = StringIO()
    call_command("create_tenant", stdout=out, **options)
    return out.getvalue()


def assert_nothing_created(slug, email, tenants_before):
    assert Tenant.objects.count() == tenants_before
    assert not Domain.objects.filter(host=f"{slug}.localhost").exists()
    assert not User.objects.filter(email=email).exists()


def test_create_tenant_creates_the_tenant_its_domain_its_vendor_admin_and_an_audit_event(db):
    output = create_tenant(
        slug="initech", name="Initech", admin_email="Peter@Initech.test", admin_password="tps-report-cover-7"
    )

    tenant = Tenant.objects.get(slug="initech")
    assert (tenant.name, tenant.portal_name, tenant.reporting_currency, tenant.status) == (
        "Initech",
        "Initech",
        "USD",
        Tenant.Status.ACTIVE,
    )
    domain = tenant.domains.get()
    assert (domain.host, domain.is_primary) == ("initech.localhost", True)
    admin = User.objects.get(email="peter@initech.test")
    assert admin.check_password("tps-report-cover-7")
    assert not admin.is_staff
    with tenant_scope(tenant):
        membership = Membership.objects.get(user=admin)
        assert (membership.role, membership.partner_org, membership.is_active) == ("vendor_admin", None, True)
        event = AuditEvent.objects.get(action="tenant.create")
        assert event.object_id == str(tenant.pk)
        assert event.after == {"slug": "initech", "name": "Initech", "country": "US", "fiscal_year_start_month": 1}
    assert "initech.localhost" in output
    assert "Password" not in output and "tps-report-cover-7" not in output


def test_create_tenant_prints_the_portal_address_as_the_deployment_serves_it(db, settings):
    settings.PRM_PUBLIC_URL_TEMPLATE = "https://{host}/"

    output = create_tenant(slug="initech", name="Initech", admin_email="peter@initech.test")

    assert "on https://initech.localhost/" in output


def test_create_tenant_takes_the_currency_option(db):
    create_tenant(
        slug="euro-co", name="Euro Co", admin_email="a@euro.test", admin_password="x7-long-enough", currency="eur"
    )
    assert Tenant.objects.get(slug="euro-co").reporting_currency == "EUR"


def test_the_new_vendor_admin_signs_in_on_the_new_portal(db):
    create_tenant(slug="initech", name="Initech", admin_email="peter@initech.test", admin_password="tps-report-cover-7")
    client = Client(HTTP_HOST="initech.localhost")

    response = client.post("/accounts/login/", {"login": "peter@initech.test", "password": "tps-report-cover-7"})

    assert response.status_code == 302
    assert signed_in(client)
    assert client.get("/partner-orgs/").status_code == 200


def test_create_tenant_without_a_password_prints_a_generated_one_that_works(db):
    output = create_tenant(slug="hooli", name="Hooli", admin_email="gavin@hooli.test")

    match = re.search(r"Password \(shown once\): (\S+)", output)
    assert match, output
    password = match.group(1)
    assert len(password) >= 12
    assert User.objects.get(email="gavin@hooli.test").check_password(password)


def test_create_tenant_for_an_existing_account_prints_no_password_that_would_not_work(world):
    output = create_tenant(slug="hooli", name="Hooli", admin_email="alice@acme.test")

    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)  # an existing account keeps its password
    assert "Password (shown once)" not in output
    assert "current password" in output
    with tenant_scope(Tenant.objects.get(slug="hooli")):
        assert Membership.objects.get(user=world.alice).role == "vendor_admin"


@pytest.mark.parametrize("slug", ["acme", "ACME", "Acme"])
def test_create_tenant_refuses_a_duplicate_slug_and_creates_nothing(world, slug):
    tenants_before = Tenant.objects.count()

    with pytest.raises(CommandError, match="exists already"):
        create_tenant(slug=slug, name="Acme Again", admin_email="new@acme2.test", admin_password="x7-long-enough")

    assert Tenant.objects.count() == tenants_before
    assert Tenant.objects.get(slug="acme").name == "Acme Networks"
    assert not User.objects.filter(email="new@acme2.test").exists()


@pytest.mark.parametrize("currency", ["XYZ", "EURO", ""])
def test_create_tenant_refuses_a_bad_currency_and_creates_nothing(db, currency):
    tenants_before = Tenant.objects.count()

    with pytest.raises(CommandError, match="ISO 4217"):
        create_tenant(
            slug="initech",
            name="Initech",
            admin_email="p@initech.test",
            admin_password="x7-long-enough",
            currency=currency,
        )

    assert_nothing_created("initech", "p@initech.test", tenants_before)


def test_create_tenant_refuses_a_weak_password_and_creates_nothing(db):
    with pytest.raises(CommandError):
        create_tenant(slug="initech", name="Initech", admin_email="p@initech.test", admin_password="123")

    assert_nothing_created("initech", "p@initech.test", 0)


def test_create_tenant_refuses_a_slug_with_no_letters_or_digits(db):
    with pytest.raises(CommandError, match="slug"):
        create_tenant(slug="!!!", name="Bang", admin_email="b@bang.test", admin_password="x7-long-enough")
    assert Tenant.objects.count() == 0


# --- Celery tenant tasks ----------------------------------------------------------------------------------


def test_a_tenant_task_called_without_tenant_id_raises_type_error(world):
    with pytest.raises(TypeError, match="tenant_id"):
        current_tenant_probe.delay()
    with pytest.raises(TypeError, match="tenant_id"):
        current_tenant_probe()


def test_a_tenant_task_runs_inside_the_scope_of_its_tenant(world):
    assert current_tenant_probe.delay(tenant_id=str(world.tenant_a.pk)).get() == world.tenant_a.pk
    assert current_tenant_probe.delay(tenant_id=str(world.tenant_b.pk)).get() == world.tenant_b.pk
    assert current_tenant_id() is None  # the scope ends with the task


def test_a_tenant_task_sees_only_its_tenants_rows(world):
    assert partner_org_names_probe.delay(tenant_id=str(world.tenant_a.pk)).get() == [
        "Alpha Resellers",
        "Beta Distribution",
    ]
    assert partner_org_names_probe.delay(tenant_id=str(world.tenant_b.pk)).get() == ["Gamma Partners"]


def test_a_tenant_task_for_an_unknown_tenant_fails(world):
    with pytest.raises(Tenant.DoesNotExist):
        current_tenant_probe.delay(tenant_id="00000000-0000-0000-0000-000000000000")


@pytest.fixture
def eager_retries():
    """Eager tasks that retry as a worker would (Celery re-runs a retried eager task only when its errors are
    kept in the result instead of raised at once); the final error still comes out of `.get()`."""
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    probe_attempts.clear()
    yield
    celery_app.conf.task_eager_propagates = propagates


def test_tenant_tasks_are_acknowledged_late_and_retried_on_transient_errors(world, eager_retries):
    result = transient_failure_probe.delay(tenant_id=str(world.tenant_a.pk))

    assert result.get() == "done"
    assert probe_attempts == [(0, world.tenant_a.pk), (1, world.tenant_a.pk)]  # retried in scope
    assert transient_failure_probe.acks_late is True  # a killed worker's task is delivered again
    assert transient_failure_probe.reject_on_worker_lost is True


def test_a_tenant_task_gives_up_after_its_retries_and_does_not_retry_other_errors(world, eager_retries):
    with pytest.raises(OperationalError):
        transient_failure_probe.delay(tenant_id=str(world.tenant_a.pk), failures=99).get()
    assert len(probe_attempts) == 1 + TenantTask.max_retries

    probe_attempts.clear()
    with pytest.raises(ValueError, match="a bug"):
        transient_failure_probe.delay(tenant_id=str(world.tenant_a.pk), error="bug").get()
    assert len(probe_attempts) == 1


def test_a_tenant_task_for_a_suspended_tenant_is_refused_and_not_retried(world, caplog):
    probe_attempts.clear()
    Tenant.objects.filter(pk=world.tenant_b.pk).update(status=Tenant.Status.SUSPENDED)

    with pytest.raises(TenantSuspended, match="globex is suspended"):
        transient_failure_probe.delay(tenant_id=str(world.tenant_b.pk))

    assert probe_attempts == []  # its body never ran
    assert "tenant globex" in caplog.text
    assert transient_failure_probe.delay(tenant_id=str(world.tenant_a.pk), failures=0).get() == "done"  # others run
