"""django-tables2's signatures, read once a function (placements.table_signatures): the same as read every time."""

import functools

import django_tables2.utils as tables_utils

from placements import table_signatures
from tracker.tables import WeeklyPlacementTable


class Column:
    def render(self, value, record):
        return value

    def value(self, *args, **kwargs):
        return args

    @classmethod
    def build(cls, table, bound_column=None):
        return cls

    @staticmethod
    def plain(record):
        return record


def decorated(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)
    return wrapper


class Decorated:
    @decorated
    def render(self, value, bound_row):
        return value


def test_every_kind_of_callable_has_the_signature_inspect_gives():
    column = Column()
    callables = [column.render, Column().render, column.value, Column.build, column.plain, Column.render,
                 Decorated().render, lambda record, table: None, functools.partial(lambda a, b: a, 1), len]
    for fn in callables:
        try:
            expected = table_signatures._uncached(fn)
        except ValueError:  # a builtin without a signature: the cached one fails the same way
            continue
        assert table_signatures.signature(fn) == expected, fn
        assert table_signatures.signature(fn) == expected, fn  # and again, from the cache
    assert table_signatures.signature(column.render) == (("value", "record"), None)
    assert table_signatures.signature(column.value) == ((), "kwargs")


def test_django_tables2_uses_the_remembered_signatures():
    assert tables_utils.signature is table_signatures.signature
    table = WeeklyPlacementTable([], on=None)
    render_age = table.columns["age"].render
    assert tables_utils.call_with_appropriate(lambda value: value * 2, {"value": 3, "record": None}) == 6
    assert table_signatures.signature(render_age) == (("record",), None)
