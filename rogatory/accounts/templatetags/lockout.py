"""``{{ member.username|is_locked_out }}``: whether a member's sign-in is locked from somewhere."""

from django import template

from rogatory.accounts.throttle import is_locked_out as _is_locked_out

register = template.Library()


@register.filter
def is_locked_out(username: str) -> bool:
    return _is_locked_out(username)
