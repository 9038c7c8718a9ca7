"""The portal's words, defined once: comment states, moves, ratings, with labels and colours."""

from __future__ import annotations

from xuncha.core.statuses import Choice, ChoiceSet

COMMENT_STATE = ChoiceSet(
    Choice("held", "待审核", "orange"),
    Choice("published", "已公开", "green"),
    Choice("merged", "已合并", "teal"),
    Choice("declined", "不予公开", "grey"),
)
# A comment in these states is still to be answered (merged and declined ones are not).
OPEN_STATES = ("held", "published")

RATING = ChoiceSet(
    Choice("satisfied", "满意", "green"),
    Choice("basically", "基本满意", "teal"),
    Choice("unsatisfied", "不满意", "red"),
)

HOLIDAY_KIND = ChoiceSet(
    Choice("holiday", "放假", "red"),
    Choice("workday", "调休上班", "blue"),
)

# Moderation moves' labels; the moves themselves (from, to, who, a reason) are the table in
# portal/moves.py, applied by ledger/transitions.py.
MOVE_LABELS = {"publish": "公开", "merge": "合并到其他意见", "decline": "不予公开"}
# What each history row (CommentFlip.move) says on the staff page.
FLIP_LABELS = {"post": "提交意见", "reply": "答复", "rate": "留言人评价", **MOVE_LABELS}
