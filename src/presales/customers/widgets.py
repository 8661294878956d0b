"""A select widget for long lists (colleagues, a customer's opportunities).

Django renders every <option> through its own template: a list of 300 colleagues costs about
90 ms per page, more than the rest of the page. FastSelect renders the options in Python in one
pass (same markup, escaped the same way) and costs about a millisecond. No option groups."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option_value), SELECTED if str(option_value) in chosen else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)
