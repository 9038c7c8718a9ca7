"""Password rules: length, three of four kinds of character, common and name-like refused,
every message in Chinese."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from xuncha.ledger import passwords
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.services import accounts

pytestmark = pytest.mark.django_db


def refusal(password: str, user=None) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return "".join(caught.value.messages)


@pytest.mark.parametrize("password, message", [
    ("Ab1-xyz", "密码太短，至少需要 10 个字符"),
    ("abcdefghijk", "至少三类"),
    ("abcdefgh12", "至少三类"),
    ("ABCDEFGH-!", "至少三类"),
    ("Password123!", "过于常见"),
    ("Qwertyuiop1", "过于常见"),
])
def test_it_refuses_weak_passwords_with_a_chinese_reason(password, message):
    assert message in refusal(password)


@pytest.mark.parametrize("password",
                         ["Zhuque-river-42", "Hdq8zLm2Pw", "x7#Kp2m!vq9R", "长江-Yellow-88"])
def test_it_accepts_passwords_of_three_kinds_and_enough_length(password):
    validate_password(password)


def test_a_password_containing_the_login_name_or_the_name_is_refused():
    user = get_user_model()(username="wangfang", first_name="Wang Fang", email="wf@example.cn")
    assert "用户名、姓名或邮箱" in refusal("Wangfang-2025!", user)
    assert "用户名、姓名或邮箱" in refusal("x-WANGFANG-9y", user)
    validate_password("Zhuque-river-42", user)


def test_the_messages_are_chinese_whatever_the_active_language():
    with translation.override("en"):
        message = refusal("short")
    assert "密码太短" in message and "too short" not in message


def test_the_minimum_length_comes_from_the_setting(settings):
    settings.PASSWORD_MIN_LENGTH = 14
    assert "至少需要 14 个字符" in refusal("Abcdef-12345")


def test_a_new_account_with_a_weak_password_is_refused_in_chinese(cast):
    with pytest.raises(InvalidInput, match="密码不符合要求：密码太短"):
        accounts.create_staff(cast.system, "zhang", "abc", "supervisor")


def test_generated_passwords_pass_the_rules():
    for _ in range(200):
        validate_password(passwords.generate(12))


def test_a_password_with_the_persons_chinese_name_is_refused():
    user = get_user_model()(username="wf01", first_name="王芳")
    assert "用户名、姓名或邮箱" in refusal("王芳-Secret-2025", user)
    validate_password("长江-Yellow-88", user)


def test_every_rule_has_chinese_help_text():
    from django.contrib.auth.password_validation import password_validators_help_texts

    texts = password_validators_help_texts()
    assert len(texts) == 4 and all(any("\u4e00" <= c <= "\u9fff" for c in t) for t in texts)


def test_a_generated_password_never_resembles_the_account_it_is_for(monkeypatch):
    # A random string can still come near a short login name (this one did, in CI): it is drawn again.
    drawn = iter(["NAdWWEl9CSI0", "Xq7-pLm2Rt9k"])
    monkeypatch.setattr(passwords.secrets, "token_urlsafe", lambda n: next(drawn))
    user = get_user_model()(username="secadmin", first_name="冯涛")
    assert "NAdWWEl9CSI0" in refusal_or_none("NAdWWEl9CSI0", user)
    assert passwords.generate(12, user) == "Xq7-pLm2Rt9k"


def refusal_or_none(password: str, user) -> str:
    try:
        validate_password(password, user)
    except ValidationError:
        return password
    return ""
