"""The remembered signature answers exactly like django-tables2's own."""

from django_tables2 import utils

from ctxh.core import tablespeed


class Column:
    def render_x(self, value, record):
        return value

    def render_y(self, **kwargs):
        return kwargs

    def render_z(self, *args, value, bound_column=None):
        return value


def test_cached_signature_is_the_original_one():
    assert utils.signature is tablespeed.cached_signature  # installed at start-up
    column = Column()
    for fn in (
        column.render_x,
        column.render_y,
        column.render_z,
        Column.render_x,
        lambda value: value,
        print,
    ):
        assert tablespeed.cached_signature(fn) == tablespeed._original(fn)
    assert tablespeed.cached_signature(column.render_x) == (("value", "record"), None)
    assert tablespeed.cached_signature(column.render_y) == ((), "kwargs")
