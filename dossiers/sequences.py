"""Day counters (one row per agency and day, bumped in one upsert: `services.intake.next_in_day_sequence`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency


class DaySequence(models.Model):
    """Last number given by an agency on a day; the locked row makes the numbers gapless."""

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày"))
    last = models.PositiveIntegerField(_("số cuối"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.agency_id} {self.day}: {self.last}"
