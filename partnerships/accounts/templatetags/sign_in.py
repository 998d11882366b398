from django import template

from partnerships.accounts.forms import pause_words

register = template.Library()


@register.simple_tag
def sign_in_pause_words() -> str:
    """What happens after too many wrong passwords, from django-axes's settings (shown on the sign-in page)."""
    return pause_words()
