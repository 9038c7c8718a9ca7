"""Abuse resistance: rate limits in the shared Django cache, and a server-drawn challenge.

The cache is the one every app server shares (the database table or Redis, XUNCHA_CACHE_URL),
so a limit holds however many servers answer. Windows are fixed: the count of this hour.
"""

from __future__ import annotations

import hashlib
import html
import secrets

from django.core.cache import caches
from django.utils.connection import ConnectionProxy

from xuncha import clock

cache = ConnectionProxy(caches, "portal")  # per thread, like django.core.cache.cache
CHALLENGE_SECONDS = 600
CN_DIGITS = "零一二三四五六七八九"


class Limited(Exception):
    """Too many tries: answered with 429 and a Chinese message."""

    def __init__(self, message: str = "操作过于频繁，请稍后再试。") -> None:
        super().__init__(message)
        self.message = message


def _window_key(kind: str, subject: str, seconds: int) -> str:
    window = int(clock.now().timestamp()) // seconds
    digest = hashlib.sha256(subject.encode()).hexdigest()[:24]  # no address kept in the cache
    return f"portal:limit:{kind}:{digest}:{window}"


def hit(kind: str, subject: str, limit: int, seconds: int = 3600) -> None:
    """Count one try of `kind` by `subject`; raise Limited past `limit` in the window."""
    key = _window_key(kind, subject, seconds)
    cache.add(key, 0, seconds + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds + 60)
        count = 1
    if count > limit:
        raise Limited()


# -- the challenge: an addition in Chinese numerals, drawn as an image; the answer stays here --

def cn_number(value: int) -> str:
    """0–99 in Chinese numerals: 七, 十二, 四十, 九十九."""
    tens, ones = divmod(value, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def new_challenge() -> str:
    """A token naming a fresh question; the answer is kept in the cache only."""
    a, b = secrets.randbelow(40) + 10, secrets.randbelow(9) + 1
    token = secrets.token_urlsafe(18)
    cache.set(f"portal:challenge:{token}", {"question": f"{cn_number(a)}加{cn_number(b)}", "answer": a + b},
              CHALLENGE_SECONDS)
    return token


def question(token: str) -> str | None:
    found = cache.get(f"portal:challenge:{token}")
    return found["question"] if found else None


def solve(token: str, answer: str) -> bool:
    """Right answer to a live challenge; the challenge is used up either way (single use)."""
    if not token or len(token) > 64:
        return False
    key = f"portal:challenge:{token}"
    found = cache.get(key)
    if found is None or not cache.delete(key):
        return False  # unknown, expired or already used by a concurrent request
    return answer.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789")) == str(found["answer"])


def challenge_svg(text: str) -> str:
    """The question as an SVG image, each character placed and turned a little at random."""
    parts, x = [], 14
    for char in text + "等于几？":
        angle = secrets.randbelow(31) - 15
        y = 38 + secrets.randbelow(9) - 4
        parts.append(f'<text x="{x}" y="{y}" transform="rotate({angle} {x + 12} {y - 10})">'
                     f"{html.escape(char)}</text>")
        x += 28
    lines = "".join(
        f'<line x1="{secrets.randbelow(40)}" y1="{secrets.randbelow(56)}" x2="{x - secrets.randbelow(40)}" '
        f'y2="{secrets.randbelow(56)}" stroke="#8a9bb0" stroke-width="1"/>' for _ in range(4))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{x + 10}" height="56" viewBox="0 0 {x + 10} 56">'
            f'<rect width="100%" height="100%" fill="#f4f6f9"/>{lines}'
            f'<g font-size="24" font-family="sans-serif" fill="#1b2a3a">{"".join(parts)}</g></svg>')
