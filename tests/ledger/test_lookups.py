"""Text filters: case-insensitive where case exists, plain LIKE for Chinese (so PostgreSQL's
planner can estimate a common word from the column's statistics)."""

import pytest

from xuncha.ledger.lookups import contains_any, has_case
from xuncha.ledger.models import Unit


def test_only_terms_with_cased_letters_need_a_case_insensitive_match():
    assert not has_case("社区")
    assert not has_case("第2组")
    assert has_case("abc")
    assert has_case("社区A")


def test_the_lookup_is_plain_contains_for_chinese_and_icontains_for_latin():
    assert "contains" in str(contains_any(["name"], "社区"))
    assert "icontains" not in str(contains_any(["name"], "社区"))
    assert "icontains" in str(contains_any(["name", "short_name"], "Abc"))


@pytest.mark.django_db
def test_it_finds_the_same_rows_as_a_case_insensitive_search():
    Unit.objects.create(name="天宝社区", kind="community", path="/x/")
    Unit.objects.create(name="ABC Company", kind="enterprise", path="/y/")
    assert list(Unit.objects.filter(contains_any(["name"], "社区")).values_list("name", flat=True)) == ["天宝社区"]
    assert list(Unit.objects.filter(contains_any(["name", "short_name"], "abc"))
                .values_list("name", flat=True)) == ["ABC Company"]
