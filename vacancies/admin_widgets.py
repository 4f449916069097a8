"""Admin widgets whose every input is named, where stock Django leaves some unnamed.

Django's own stylesheet and templates are mended in static/css/admin.css and templates/admin/;
what only the widget's Python can change is here.
"""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect
from django.utils.html import format_html
from django.utils.text import capfirst


class AccessibleSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, each with its own label.

    Stock Django writes "Date:" and "Time:" as bare text beside the inputs and points the
    field's label at neither, so a screen reader announces two unnamed text boxes (WCAG 1.3.1,
    4.1.2). Here "Date:" and "Time:" are labels of their inputs (clicking them focuses the
    input, as with any label), and the field's label also names the date, which comes first.
    """

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        for key, subwidget in zip(("date_label", "time_label"), subwidgets, strict=True):
            input_id = subwidget["attrs"].get("id")
            if input_id:
                context[key] = format_html(
                    '<label class="datetime-part" for="{}">{}</label>', input_id, context[key]
                )
        return context


class NamedAutocompleteSelect(AutocompleteSelect):
    """The admin's search-as-you-type choice of a related object (autocomplete_fields),
    named by its field when nothing is chosen.

    Select2 names its box by the chosen object's text; with none chosen the box has no name
    at all (WCAG 4.1.2). The field's name, as its label shows it, fills the empty box.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = capfirst(self.field.verbose_name)
        return attrs

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value == "":
            # HTML wants an empty choice named; Select2 shows its placeholder there.
            option["attrs"]["label"] = capfirst(self.field.verbose_name)
        return option


class LabelledRowForm(forms.ModelForm):
    """A row of a list whose columns are edited in place (ModelAdmin.list_editable).

    Each input is named by its column and its row ("city (French), Brussels, Belgium"): the
    table's headings are not labels, and a screen reader would otherwise announce a column of
    unnamed text boxes (WCAG 1.3.1, 4.1.2).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.widget.is_hidden:
                continue
            name = str(field.label)
            if self.instance.pk is not None:
                name = f"{name}, {self.instance}"
            field.widget.attrs["aria-label"] = name
