from pos.demo import COLUMNS, HEADER
from pos.forms import guess_columns


def test_the_mapping_page_preselects_the_columns_a_distributors_header_names():
    assert guess_columns(HEADER) == COLUMNS


def test_short_and_foreign_column_names_are_recognised_and_no_column_is_used_twice():
    guesses = guess_columns(["Doc", "Date", "Item", "Units", "Price", "Cur", "Client", "Land"])
    assert guesses == {
        "invoice_number": 0,
        "invoice_date": 1,
        "sku": 2,
        "quantity": 3,
        "unit_price": 4,
        "currency": 5,
        "end_customer_name": 6,
        "end_customer_country": 7,
    }
    assert len(set(guesses.values())) == len(guesses)


def test_unrecognised_columns_are_left_for_the_user():
    assert guess_columns(["alpha", "beta"]) == {}
