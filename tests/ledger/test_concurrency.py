"""Two office staff approve the same sign-off at the same moment (PostgreSQL row locks)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from xuncha.ledger.errors import ServiceError
from xuncha.ledger.models import AuditEvent, Closeout, Finding
from xuncha.ledger.services import closeouts, measures


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_off_has_one_winner_and_one_clear_refusal(cast):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking (runs in the PostgreSQL pass of make test)")
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 10),
                             "已召开5次支部会议，均落实第一议题。", mark="done")
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk))
    closeouts.endorse_closeout(cast.actor("leader"), request)
    barrier = threading.Barrier(2)
    outcomes: list = []

    def approve():
        mine = Closeout.objects.get(pk=request.pk)
        barrier.wait()
        try:
            closeouts.approve_closeout(cast.actor("admin"), mine, "同意")
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=len) == ["ok", "该销号申请已被他人处理，请刷新。"]
    assert Finding.objects.get(pk=cast.finding.pk).status == "closed"
    assert AuditEvent.objects.filter(action="closeout.approve").count() == 1
