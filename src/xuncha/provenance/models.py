"""Fingerprints of evidence files and the flags they raise (佐证材料核验)."""

from __future__ import annotations

from django.db import models

from xuncha.ledger.models import Evidence, Finding, Inspection, ProgressReport
from xuncha.provenance.kinds import FLAG_KIND


class Fingerprint(models.Model):
    """What an evidence file says about itself, kept beside it for the searches.

    The finding and inspection are copied from the file's report (a file never moves), so the
    province-wide pass reads one table; the perceptual hash is also kept cut into four 16-bit
    bands, each indexed, so a near-same search is a few index lookups (core.provenance).
    """

    evidence = models.OneToOneField(Evidence, primary_key=True, on_delete=models.CASCADE,
                                    related_name="fingerprint")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="+")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    sha256 = models.CharField(max_length=64, db_index=True)
    phash = models.BigIntegerField(null=True)  # 64 bits, stored signed
    band0 = models.IntegerField(null=True, db_index=True)
    band1 = models.IntegerField(null=True, db_index=True)
    band2 = models.IntegerField(null=True, db_index=True)
    band3 = models.IntegerField(null=True, db_index=True)
    made_at = models.DateTimeField(null=True)
    made_source = models.CharField(max_length=10, blank=True)
    uploaded_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料指纹"
        indexes = [models.Index(fields=["inspection", "uploaded_at"], name="fingerprint_burst")]


class Flag(models.Model):
    """One provenance hint on a finding; a pair kind also names the other file and its finding.

    `key` makes raising a flag idempotent: the upload and the province-wide pass may both
    find the same thing.
    """

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=FLAG_KIND.django_choices(), db_index=True)
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="provenance_flags")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(Evidence, null=True, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ProgressReport, null=True, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Evidence, null=True, on_delete=models.CASCADE, related_name="+")
    other_finding = models.ForeignKey(Finding, null=True, on_delete=models.CASCADE,
                                      related_name="provenance_flags_as_other")
    other_inspection = models.ForeignKey(Inspection, null=True, on_delete=models.CASCADE,
                                         related_name="+")
    distance = models.SmallIntegerField(null=True)  # bits apart (near-same images)
    on_date = models.DateField(null=True)  # the early date, or the deadline of a burst
    count = models.PositiveIntegerField(null=True)  # files in a burst
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料核验提示"
        ordering = ["id"]
