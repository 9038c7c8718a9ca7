"""Password rules (AUTH_PASSWORD_VALIDATORS), with every message in Chinese.

Django's own validators speak whatever language the translation machinery picks; these say
the same thing in Chinese always, so a command, a form and a service all read alike.
"""

from __future__ import annotations

import re
import secrets
import string

from django.conf import settings
from django.contrib.auth import password_validation as django_rules
from django.core.exceptions import ValidationError

CLASSES_NEEDED = 3


def _min_length() -> int:
    return settings.PASSWORD_MIN_LENGTH


class LengthValidator:
    def validate(self, password: str, user=None) -> None:
        if len(password) < _min_length():
            raise ValidationError(f"密码太短，至少需要 {_min_length()} 个字符。",
                                  code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少 {_min_length()} 个字符。"


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols the password uses."""
    kinds = (
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )
    return sum(kinds)


class CharacterClassValidator:
    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < CLASSES_NEEDED:
            raise ValidationError("密码须包含大写字母、小写字母、数字、符号中的至少三类。",
                                  code="password_too_simple")

    def get_help_text(self) -> str:
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类。"


class CommonPasswordValidator(django_rules.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, refused also with a digit or symbol added."""

    def validate(self, password: str, user=None) -> None:
        core = password.lower().strip().strip(string.digits + string.punctuation)
        if password.lower().strip() in self.passwords or core in self.passwords:
            raise ValidationError("该密码过于常见，请换一个。", code="password_too_common")

    def get_help_text(self) -> str:
        return "不能使用常见密码。"


def _shortest(part: str) -> int:
    """A Chinese name is two or three characters, each one a syllable: two already name
    the person ("王芳"); Latin parts shorter than three occur inside too many good passwords."""
    return CJK_SHORTEST_PART if any("\u4e00" <= c <= "\u9fff" for c in part) else LATIN_SHORTEST_PART


LATIN_SHORTEST_PART = 3
CJK_SHORTEST_PART = 2


class NameLikeValidator(django_rules.UserAttributeSimilarityValidator):
    """Refuses a password that contains, or closely resembles, the login name or the name."""

    DEFAULT_USER_ATTRIBUTES = ("username", "first_name", "last_name", "email")

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        for name in self.DEFAULT_USER_ATTRIBUTES:
            value = getattr(user, name, None)
            if not isinstance(value, str) or not value:
                continue
            parts = [p for p in re.split(r"\W+", value.lower()) if len(p) >= _shortest(p)]
            if any(part in lowered for part in parts):
                raise ValidationError(self.get_error_message(), code="password_too_similar")
        super().validate(password, user)

    def get_error_message(self) -> str:
        return "密码不能包含或近似于用户名、姓名或邮箱。"

    def get_help_text(self) -> str:
        return "密码不能包含或近似于用户名、姓名或邮箱。"


def generate(length: int = 16, user=None) -> str:
    """A random password that passes every rule above, for `user` when given (for the demo and
    new accounts): a random string can still resemble a short login name, so it is checked."""
    length = max(length, _min_length())
    while True:
        candidate = secrets.token_urlsafe(length)[:length]
        if character_classes(candidate) < CLASSES_NEEDED:
            continue
        try:
            django_rules.validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate
