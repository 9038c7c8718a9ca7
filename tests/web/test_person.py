"""People are shown by their names, not their login names."""

import pytest
from django.contrib.auth import get_user_model

from xuncha.web.templatetags.xuncha_tags import person

pytestmark = pytest.mark.django_db


def test_a_person_is_named_by_the_staff_row_then_the_account_name_then_the_login(cast):
    User = get_user_model()
    with_staff = User.objects.select_related("staff").get(pk=cast.users["editor"].pk)
    with_staff.staff.display_name = "张联络员"
    assert person(with_staff) == "张联络员"
    plain = User.objects.get(pk=cast.users["editor"].pk)
    plain.first_name = "张三"
    assert person(plain) == "张三"
    plain.first_name = ""
    assert person(plain) == "editor" and person(None) == "系统"
