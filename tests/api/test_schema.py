"""The API tried like an attacker would: schemathesis generates requests from the OpenAPI schema
(valid and invalid ones) for every operation, sent as each role, with a read-only token and
anonymously. Whatever comes, the answer is never a server error, always matches the schema
(status, content type, body), refuses bad data with 4xx, anonymous callers with 401 and a
read-only token's writes with 403.

Examples per operation are bounded (XUNCHA_API_FUZZ_EXAMPLES, default 6) so the whole run
stays near a minute; raise it to look harder.
"""

from __future__ import annotations

import itertools
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from xuncha.api.api import api

EXAMPLES = int(os.environ.get("XUNCHA_API_FUZZ_EXAMPLES", "6"))
# Every example is sent anonymously, with a read-only token, and as the next of the roles in turn
# (write tokens): over an operation's examples each role takes its share.
ROLES = itertools.cycle(("admin", "editor", "leader", "outsider", "team_member", "supervisor", "auditadmin"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
SAFE = {"GET", "HEAD", "OPTIONS"}

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()
# The callers' own Authorization headers are sent (no generated ones); the fuzzing phase only (valid and
# invalid data): the coverage phase's hundreds of boundary cases per operation are kept for a longer run.
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, no_shrink=True,
                                with_security_parameters=False)
schema.config.phases.coverage.enabled = os.environ.get("XUNCHA_API_FUZZ_COVERAGE") == "1"


@pytest.fixture
def world(cast, secrets_, settings):
    """Requests go straight to Django's WSGI handler: like django.test.Client, it must not close
    the database connection after each request (that would end the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield secrets_
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_every_operation_holds_up_for_every_caller(case, world):
    for caller in (None, "editor_read", next(ROLES)):
        headers = {"Authorization": f"Bearer {world[caller]}"} if caller else {}
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        if caller is None:  # (405: a method the path does not have, refused before anyone is asked)
            assert response.status_code in {401, 405}, (case.method, case.formatted_path)
        elif caller == "editor_read" and case.method.upper() not in SAFE and response.status_code not in {404, 405}:
            # A write with a read-only token: refused for its scope (after routing, before anything else).
            assert response.status_code in {403, 422}, (case.method, case.formatted_path, response.status_code)
