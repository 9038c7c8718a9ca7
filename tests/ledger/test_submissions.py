"""One-time form tokens: the same form saved once; a refused change frees its token."""

import datetime as dt

import pytest
from django.utils import timezone

from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.models import FormSubmission
from xuncha.ledger.services import submissions

pytestmark = pytest.mark.django_db


def test_a_token_is_used_once(cast):
    calls = []
    submissions.once(cast.users["editor"], "t-1", lambda: calls.append(1))
    with pytest.raises(submissions.AlreadySubmitted, match="已经提交过"):
        submissions.once(cast.users["editor"], "t-1", lambda: calls.append(2))
    assert calls == [1]


def test_a_refused_change_gives_the_token_back(cast):
    def refuse():
        raise InvalidInput("不行")

    with pytest.raises(InvalidInput):
        submissions.once(cast.users["editor"], "t-2", refuse)
    assert submissions.once(cast.users["editor"], "t-2", lambda: "ok") == "ok"


def test_old_tokens_are_forgotten(cast):
    submissions.once(cast.users["editor"], "t-3", lambda: None)
    assert submissions.forget_before(timezone.now() + dt.timedelta(days=8)) == 1
    assert not FormSubmission.objects.exists()
