"""Bootstrap's classes on the widgets of forms that are not the portal's own (allauth's), as `prm.forms.StyledForm`
gives them to the portal's forms: `{{ field|styled_widget }}`."""

from django import forms, template

register = template.Library()

CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def is_checkbox(bound_field):
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def styled_widget(bound_field):
    widget = bound_field.field.widget
    if isinstance(widget, CHECK_WIDGETS):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select"
    else:
        css = "form-control"
    classes = widget.attrs.get("class", "").split()
    classes += [c for c in (css, "is-invalid" if bound_field.errors else "") if c and c not in classes]
    return bound_field.as_widget(attrs={"class": " ".join(classes)})
