"""What every module's forms share."""

from django import forms


class StyledForm(forms.Form):
    """Adds Bootstrap classes to every widget, so templates render `{% include "_form.html" %}`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def apply_domain_error(form, error):
    """Show a service's DomainError on the form (on the field its code names, else at the top)."""
    form.add_error(None, error.message)
