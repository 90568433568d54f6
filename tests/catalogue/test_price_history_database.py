"""The price history is append-only in the database (issue 18): raw SQL, bulk updates of the
current prices and the test runner's flush are all tried here, on SQLite and on PostgreSQL."""

import uuid
from decimal import Decimal

from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

import pytest

from catalogue import services
from catalogue.models import Membership, PriceOption, PriceRecord
from tests.factories import OrganisationFactory, ServiceFactory, make_provider


def set_price(amount="26.00"):
    organisation = OrganisationFactory()
    editor = make_provider(organisation, Membership.Role.EDITOR, email="editor@sunrise.example")
    option = services.price_option_save(
        user=editor,
        service=ServiceFactory(organisation=organisation),
        label="Weekday",
        amount=Decimal(amount),
        unit="hour",
    )
    return editor, option


def raw(sql, *params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_raw_sql_cannot_change_or_delete_price_history():
    _, option = set_price()
    record = PriceRecord.objects.get(option_uuid=option.uuid)

    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE catalogue_pricerecord SET amount = %s WHERE id = %s", "1.00", record.pk)
    with pytest.raises(IntegrityError, match="append-only"):
        raw(
            "UPDATE catalogue_pricerecord SET recorded_by_id = NULL, label = 'x' WHERE id = %s",
            record.pk,
        )
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM catalogue_pricerecord WHERE id = %s", record.pk)

    record = PriceRecord.objects.get(pk=record.pk)
    assert (record.amount, record.label) == (Decimal("26.00"), "Weekday")


@pytest.mark.django_db
def test_erasing_the_person_who_set_a_price_keeps_the_price():
    editor, option = set_price()

    editor.delete()  # the one change the history allows: the recorder's link goes (SET NULL)

    record = PriceRecord.objects.get(option_uuid=option.uuid)
    assert record.recorded_by is None
    assert record.amount == Decimal("26.00")


@pytest.mark.django_db
def test_bulk_updates_of_current_prices_are_refused():
    _, option = set_price()
    with pytest.raises(TypeError, match="price_option_save"):
        PriceOption.objects.filter(pk=option.pk).update(amount=Decimal("1.00"))
    option.amount = Decimal("1.00")
    with pytest.raises(TypeError, match="price_option_save"):
        PriceOption.objects.bulk_update([option], ["amount"])

    PriceOption.objects.filter(pk=option.pk).update(sort_order=7)  # not a price: allowed

    option.refresh_from_db()
    assert (option.amount, option.sort_order) == (Decimal("26.00"), 7)
    assert PriceRecord.objects.filter(option_uuid=option.uuid).count() == 1


# SQLite only: there the flush deletes row by row, so catalogue's `flush` sets the triggers aside;
# on PostgreSQL flush truncates (row triggers do not fire) and the command is Django's own, and a
# flush in the middle of a test would break the restored data of the transactional race tests
# that run after it there.
@pytest.mark.skipif(
    "sqlite" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="the flush override acts on SQLite only; PostgreSQL truncates",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_empties_the_price_history_and_the_guard_comes_back():
    set_price()

    call_command("flush", interactive=False, verbosity=0)

    assert not PriceRecord.objects.exists()
    # (the roles the data migrations made went too: a record straight from the model)
    service = ServiceFactory()
    record = PriceRecord.objects.create(service=service, option_uuid=uuid.uuid4(), unit="hour")
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM catalogue_pricerecord WHERE id = %s", record.pk)
