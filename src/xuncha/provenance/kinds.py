"""The kinds of provenance flag, defined once: value, Chinese label, colour.

A flag is a hint for whoever signs off, never a refusal: none of them blocks anything.
"""

from __future__ import annotations

from xuncha.core.statuses import Choice, ChoiceSet

FLAG_KIND = ChoiceSet(
    Choice("same_file", "相同文件", "red"),
    Choice("near_image", "近似图片", "orange"),
    Choice("made_before_feedback", "材料形成早于反馈", "orange"),
    Choice("made_after_upload", "材料日期晚于上传", "orange"),
    Choice("progress_before_feedback", "进展早于反馈", "purple"),
    Choice("deadline_burst", "临期集中上传", "blue"),
)

# A file dated this long after its upload is flagged (a camera a time zone off is not).
LATE_TOLERANCE_HOURS = 24

# The kinds that pair two evidence files, each on its own finding.
PAIR_KINDS = frozenset({"same_file", "near_image"})
