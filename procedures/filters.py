"""Input validation of catalogue filters, shared by the pages and the API (django-filter).

An invalid value makes the filterset invalid; the API answers 400 naming the field and the page
shows the message next to the field.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.widgets import LongSelect
from procedures import selectors
from procedures.models import AdministrativeUnit, Agency, Field, Level, OnlineMode, Procedure, Scheme

_INVALID_CHOICE = {"invalid_choice": _("Giá trị “%(value)s” không hợp lệ.")}


class ProcedureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Từ khóa"), method="search", max_length=200, widget=forms.SearchInput)
    field = django_filters.ModelChoiceFilter(
        label=_("Lĩnh vực"), queryset=Field.objects.all(), to_field_name="code", empty_label=_("Tất cả lĩnh vực"),
        error_messages={"invalid_choice": _("Không có lĩnh vực này.")}, widget=LongSelect,
    )
    level = django_filters.ChoiceFilter(label=_("Cấp thực hiện"), choices=Level.choices,
                                        empty_label=_("Tất cả các cấp"), error_messages=_INVALID_CHOICE,
                                        widget=LongSelect)
    agency = django_filters.ModelChoiceFilter(
        label=_("Cơ quan thực hiện"), field_name="agencies", queryset=Agency.objects.all(), to_field_name="code",
        empty_label=_("Tất cả cơ quan"), error_messages={"invalid_choice": _("Không có cơ quan này.")},
        widget=LongSelect,
    )
    online_mode = django_filters.ChoiceFilter(label=_("Mức độ trực tuyến"), choices=OnlineMode.choices,
                                              empty_label=_("Tất cả"), error_messages=_INVALID_CHOICE,
                                              widget=LongSelect)

    class Meta:
        model = Procedure
        fields = ["q", "field", "level", "agency", "online_mode"]

    def search(self, queryset, name, value):
        return selectors.procedure_text_search(queryset, value)


class ProcedurePageFilter(ProcedureFilter):
    """The page's form lists provincial and district offices only (communes: filter by level)."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            choices = [("", _("Tất cả cơ quan")), *selectors.agency_filter_choices()]
            chosen = self.data.get("agency")
            if chosen and chosen not in {code for code, _name in choices}:
                agency = Agency.objects.filter(code=chosen).first()
                if agency:
                    choices.append((agency.code, agency.name))
            form.fields["agency"].widget.choices = choices
            form.fields["field"].widget.choices = [("", _("Tất cả lĩnh vực")),
                                                   *selectors.field_choices()]
        return self._form


class AgencyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tên hoặc mã cơ quan"), method="search", max_length=200,
                                  help_text=_("Tìm theo tên, tên ngắn hoặc mã định danh (không phân biệt hoa thường)"))
    level = django_filters.ChoiceFilter(choices=Level.choices, error_messages=_INVALID_CHOICE)
    kind = django_filters.CharFilter()
    area = django_filters.ModelChoiceFilter(queryset=AdministrativeUnit.objects.all(),
                                            help_text=_("Mã số (id) đơn vị hành chính địa bàn"))
    district = django_filters.ModelChoiceFilter(queryset=AdministrativeUnit.objects.filter(level=Level.DISTRICT),
                                                help_text=_("Mã số (id) của huyện"))
    procedure = django_filters.ModelChoiceFilter(
        field_name="procedures", queryset=Procedure.objects.all(), to_field_name="code",
        help_text=_("Mã thủ tục: các cơ quan giải quyết thủ tục này"),
    )

    class Meta:
        model = Agency
        fields = ["q", "level", "kind", "area", "district", "procedure"]

    def search(self, queryset, name, value):
        return selectors.agency_search(queryset, value)


class UnitFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, error_messages=_INVALID_CHOICE)
    scheme = django_filters.ChoiceFilter(choices=Scheme.choices, error_messages=_INVALID_CHOICE)
    parent = django_filters.ModelChoiceFilter(queryset=AdministrativeUnit.objects.all(),
                                              help_text=_("Mã số (id) đơn vị cấp trên"))

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "scheme", "parent"]
