"""Entering FX rates through the services: one rate, many (JSON), a CSV file with a result per line; rates are
never changed (a duplicate pair and date is refused), only vendor admins enter them, every entry is audited and
announced with fx_rates_changed once the transaction commits."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from prm.accounts.models import Membership, Role
from prm.audit.models import AuditEvent
from prm.files.models import StoredFile
from prm.ledger.fx_services import (
    FX_IMPORT_PURPOSE,
    RateLine,
    fx_rate_create,
    fx_rates_create_many,
    fx_rates_import_csv,
)
from prm.ledger.models import FxRate
from prm.ledger.signals import fx_rates_changed
from prm.services import Conflict, DomainError
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member

JAN = datetime.date(2026, 1, 1)


def membership(world, user):
    return Membership.objects.get(user=user)


@pytest.fixture
def alice(world):
    with tenant_scope(world.tenant_a):
        yield membership(world, world.alice)


def create(actor, **overrides):
    values = {"base_currency": "EUR", "quote_currency": "USD", "rate": Decimal("1.08"), "valid_from": JAN}
    return fx_rate_create(actor_membership=actor, **{**values, **overrides})


def rates():
    return sorted(FxRate.objects.values_list("base_currency", "quote_currency", "rate", "valid_from", "source"))


def test_a_vendor_admin_enters_a_rate_and_it_is_audited(world, alice):
    rate = create(alice, base_currency="eur")
    assert (rate.base_currency, rate.quote_currency, rate.rate, rate.source) == (
        "EUR",
        "USD",
        Decimal("1.08"),
        "manual",
    )
    assert rate.created_by == world.alice
    event = AuditEvent.objects.get(action="fx_rate.create")
    assert event.object_id == str(rate.pk)
    assert event.after == {
        "base_currency": "EUR",
        "quote_currency": "USD",
        "rate": "1.08",
        "valid_from": "2026-01-01",
        "source": "manual",
    }


def test_a_second_rate_for_the_same_pair_and_date_is_a_conflict_and_changes_nothing(alice):
    create(alice)
    with pytest.raises(Conflict) as refused:
        create(alice, rate=Decimal("1.09"))
    assert refused.value.code == "duplicate_fx_rate"
    assert "EUR" in refused.value.message and "2026-01-01" in refused.value.message
    assert [r[2] for r in rates()] == [Decimal("1.08")]


def test_the_reverse_pair_on_the_same_date_is_another_rate(alice):
    create(alice)
    create(alice, base_currency="USD", quote_currency="EUR", rate=Decimal("0.9"))
    assert len(rates()) == 2


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"base_currency": "EUX"}, "invalid_currency"),
        ({"quote_currency": ""}, "invalid_currency"),
        ({"quote_currency": "EUR"}, "same_currency"),
        ({"rate": Decimal("0")}, "invalid_rate"),
        ({"rate": Decimal("-1.5")}, "invalid_rate"),
        ({"rate": Decimal("NaN")}, "invalid_rate"),
        ({"rate": Decimal("0.00000000001")}, "invalid_rate"),  # 11 decimals
        ({"rate": Decimal("10000000000")}, "invalid_rate"),  # 11 digits before the point
        ({"rate": Decimal("1e40")}, "invalid_rate"),
        ({"valid_from": None}, "invalid_date"),
    ],
)
def test_a_rate_that_breaks_a_rule_is_refused_with_its_code(alice, overrides, code):
    with pytest.raises(DomainError) as refused:
        create(alice, **overrides)
    assert refused.value.code == code
    assert rates() == []


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.ANALYST])
def test_vendor_staff_other_than_admins_may_not_enter_rates(world, role):
    with tenant_scope(world.tenant_a):
        user = make_member(role)
        with pytest.raises(DomainError) as refused:
            create(membership(world, user))
        assert refused.value.code == "forbidden"
        with pytest.raises(DomainError):
            fx_rates_create_many(actor_membership=membership(world, user), lines=[RateLine(number=0)])
        assert rates() == []


def test_a_partner_may_not_enter_rates(world):
    with tenant_scope(world.tenant_a):
        with pytest.raises(DomainError) as refused:
            fx_rates_import_csv(actor_membership=membership(world, world.pat), upload=csv_file(b"x"))
        assert refused.value.status == 403


# --- the signal --------------------------------------------------------------------------------------------


@pytest.fixture
def announced():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    fx_rates_changed.connect(receiver)
    yield calls
    fx_rates_changed.disconnect(receiver)


def test_fx_rates_changed_is_sent_after_the_commit_with_both_directions_and_the_earliest_date(
    world, alice, announced, django_capture_on_commit_callbacks
):
    lines = [
        RateLine(number=0, base_currency="EUR", quote_currency="USD", rate=Decimal("1.1"), valid_from=JAN),
        RateLine(
            number=1, base_currency="GBP", quote_currency="USD", rate=Decimal("1.3"), valid_from=JAN.replace(day=2)
        ),
        RateLine(number=2, base_currency="EUR", quote_currency="EUR", rate=Decimal("1"), valid_from=JAN),  # rejected
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fx_rates_create_many(actor_membership=alice, lines=lines)
    assert announced == []  # not before the commit
    for callback in callbacks:
        callback()
    assert announced == [
        {
            "tenant_id": world.tenant_a.pk,
            "pairs": {("EUR", "USD"), ("USD", "EUR"), ("GBP", "USD"), ("USD", "GBP")},
            "valid_from": JAN,
            "signal": fx_rates_changed,
        }
    ]


def test_fx_rates_changed_is_not_sent_when_the_transaction_rolls_back(
    alice, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            create(alice)
            raise RuntimeError("a later step of the use case failed")
        create(alice)
        with pytest.raises(Conflict):
            create(alice)
    assert len(announced) == 1  # the one committed rate, not the rolled back one nor the refused duplicate


def test_nothing_is_announced_when_every_line_is_rejected(alice, announced, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = fx_rates_create_many(actor_membership=alice, lines=[RateLine(number=0, base_currency="EUR")])
    assert (result.accepted, result.rejected, announced) == (0, 1, [])


# --- many rates and the CSV file ----------------------------------------------------------------------------


def csv_file(content, name="rates.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def results(result):
    return [(line.number, line.code or "accepted") for line in result.lines]


def test_every_line_of_a_file_is_accepted_or_rejected_with_its_number_and_reason(alice):
    create(alice, valid_from=datetime.date(2026, 3, 1))
    content = (
        b"base_currency,quote_currency,rate,valid_from\n"
        b"EUR,USD,1.0842,2026-01-01\n"  # 2 accepted
        b"eur,usd,1.0900,2026-02-01\n"  # 3 accepted (codes upper-cased)
        b"EUR,USD,1.1,2026-03-01\n"  # 4 exists already
        b"EUR,USD,1.2,2026-02-01\n"  # 5 the same pair and date as line 3
        b"XXY,USD,1.2,2026-02-01\n"  # 6 not a currency
        b"USD,USD,1,2026-02-01\n"  # 7 one currency
        b"GBP,USD,abc,2026-02-01\n"  # 8 not a number
        b"GBP,USD,0,2026-02-01\n"  # 9 not positive
        b"GBP,USD,-1.2,2026-02-01\n"  # 10 negative
        b"GBP,USD,1.25,01/02/2026\n"  # 11 not an ISO date
        b"GBP,USD,1.25,2026-02-30\n"  # 12 no such day
        b"GBP,USD,1.25\n"  # 13 a cell missing
        b"GBP,USD,1.25,2026-02-01,extra\n"  # 14 a cell too many
        b"\n"
        b",,,\n"  # blank lines hold no rate
        b"GBP,USD,1.27,2026-02-01\n"  # 17 accepted
    )
    result = fx_rates_import_csv(actor_membership=alice, upload=csv_file(content))
    assert results(result) == [
        (2, "accepted"),
        (3, "accepted"),
        (4, "duplicate_fx_rate"),
        (5, "duplicate_in_batch"),
        (6, "invalid_currency"),
        (7, "same_currency"),
        (8, "invalid_rate"),
        (9, "invalid_rate"),
        (10, "invalid_rate"),
        (11, "invalid_date"),
        (12, "invalid_date"),
        (13, "wrong_cell_count"),
        (14, "wrong_cell_count"),
        (17, "accepted"),
    ]
    assert (result.accepted, result.rejected) == (3, 11)
    assert all(line.reason for line in result.lines if not line.accepted)
    assert "line 3" in result.lines[3].reason
    assert len(rates()) == 4 and {r[4] for r in rates()} == {"manual", "csv upload"}
    event = AuditEvent.objects.get(action="fx_rate.create_many")
    assert event.after == {"source": "csv upload", "accepted": 3, "rejected": 11}
    stored = StoredFile.objects.get(purpose=FX_IMPORT_PURPOSE)
    assert stored.staff_only and stored.original_name == "rates.csv"


def test_a_semicolon_file_in_another_column_order_may_use_a_decimal_comma(alice):
    content = "\ufeffvalid_from;rate;quote_currency;base_currency\r\n2026-01-01;1,0842;USD;EUR\r\n".encode()
    result = fx_rates_import_csv(actor_membership=alice, upload=csv_file(content))
    assert results(result) == [(2, "accepted")]
    assert rates()[0][:4] == ("EUR", "USD", Decimal("1.0842"), JAN)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"base_currency,quote_currency,rate\nEUR,USD,1.1\n", "invalid_header"),
        (b"base_currency,quote_currency,rate,valid_from,note\nEUR,USD,1.1,2026-01-01,x\n", "invalid_header"),
        (b"base_currency,quote_currency,rate,valid_from\n", "empty_file"),
        (b"base_currency,quote_currency,rate,valid_from\nEUR,USD,1.1,2026-01-01,\xe9\n", "invalid_encoding"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "unsupported_type"),
        (b"", "empty_file"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole_and_not_kept(alice, content, code):
    with pytest.raises(DomainError) as refused:
        fx_rates_import_csv(actor_membership=alice, upload=csv_file(content))
    assert refused.value.code == code
    assert rates() == [] and not StoredFile.objects.exists()


def test_a_file_whose_every_line_is_rejected_adds_nothing_and_is_not_kept(alice):
    result = fx_rates_import_csv(
        actor_membership=alice, upload=csv_file(b"base_currency,quote_currency,rate,valid_from\nEUR,USD,0,2026-01-01\n")
    )
    assert results(result) == [(2, "invalid_rate")]
    assert rates() == [] and not StoredFile.objects.exists()


def test_too_many_lines_are_refused(alice, monkeypatch):
    monkeypatch.setattr("prm.ledger.fx_services.MAX_RATES", 2)
    content = b"base_currency,quote_currency,rate,valid_from\n" + b"EUR,USD,1.1,2026-01-01\n" * 3
    with pytest.raises(DomainError) as refused:
        fx_rates_import_csv(actor_membership=alice, upload=csv_file(content))
    assert refused.value.code == "too_many_rates"
