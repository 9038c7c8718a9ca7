"""Behind a reverse proxy: the client's address and scheme come from the proxy, never the client."""

import ipaddress

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tests.conftest import PASSWORD
from xuncha.ledger.models import AuditEvent
from xuncha.web.proxy import TrustedProxyMiddleware, forwarded_client

pytestmark = pytest.mark.django_db

PROXY = "10.8.0.2"
TRUSTED = [ipaddress.ip_network("10.8.0.0/24")]


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = TRUSTED
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def change_a_status(client, cast, **headers):
    response = client.post(reverse("measure-status", args=[cast.measure.pk]),
                           {"status": "in_progress", "version": cast.measure.version}, **headers)
    assert response.status_code == 302
    return AuditEvent.objects.latest("id")


def test_it_records_the_peer_address_when_no_proxy_is_configured(login, cast, today):
    client = login("editor")
    event = change_a_status(client, cast, REMOTE_ADDR="198.51.100.4",
                            HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert event.ip == "198.51.100.4"


def test_forged_headers_from_a_peer_that_is_not_the_proxy_are_ignored(login, cast, today,
                                                                      behind_proxy):
    client = login("editor")
    event = change_a_status(client, cast, REMOTE_ADDR="198.51.100.4",
                            HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert event.ip == "198.51.100.4"


def test_the_audit_record_of_a_change_through_the_proxy_holds_the_clients_address(
        login, cast, today, behind_proxy):
    client = login("editor")
    # The client wrote 6.6.6.6 itself; the proxy appended the address it really saw.
    event = change_a_status(client, cast, REMOTE_ADDR=PROXY,
                            HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert event.ip == "203.0.113.7"


def test_it_takes_the_rightmost_address_that_is_not_a_trusted_proxy():
    assert forwarded_client(PROXY, "6.6.6.6, 203.0.113.7, 10.8.0.9", TRUSTED) == "203.0.113.7"
    assert forwarded_client(PROXY, "203.0.113.7:51234", TRUSTED) == "203.0.113.7"
    assert forwarded_client(PROXY, "[2001:db8::7]:443", TRUSTED) == "2001:db8::7"
    assert forwarded_client(PROXY, "", TRUSTED) == PROXY
    assert forwarded_client(PROXY, "203.0.113.7, not-an-address", TRUSTED) == PROXY


def test_the_https_scheme_is_believed_only_from_the_proxy(client, cast, behind_proxy):
    behind_proxy.SECURE_SSL_REDIRECT = True
    forged = client.get(reverse("login"), REMOTE_ADDR="198.51.100.4",
                        HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301 and forged["Location"].startswith("https://")
    proxied = client.get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    plain = client.get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301


def test_the_forwarded_headers_do_not_reach_the_views(behind_proxy):
    seen = {}

    def view(request):
        seen.update(request.META)
        return HttpResponse("ok")

    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7",
                                   HTTP_X_REAL_IP="6.6.6.6", HTTP_FORWARDED="for=6.6.6.6")
    TrustedProxyMiddleware(view)(request)
    assert seen["REMOTE_ADDR"] == "203.0.113.7" and seen["xuncha.peer_addr"] == PROXY
    assert not {"HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED"} & set(seen)


def test_https_behind_the_proxy_gets_hsts_and_secure_cookies(client, cast, behind_proxy):
    behind_proxy.SECURE_SSL_REDIRECT = True
    behind_proxy.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    behind_proxy.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    behind_proxy.SESSION_COOKIE_SECURE = behind_proxy.CSRF_COOKIE_SECURE = True
    https = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_PROTO": "https"}
    page = client.get(reverse("login"), **https)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD}, **https)
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] and response.cookies["csrftoken"]["secure"]
