"""Every 体检 rule has a Chinese name to show beside the passage it marks."""

from xuncha.core.lint import RULES
from xuncha.core.lint.corpus import CORPUS_RULES
from xuncha.core.lint.ledger import LEDGER_RULES
from xuncha.core.lint.names import RULE_NAMES, rule_name


def test_every_rule_has_a_chinese_name():
    slugs = {rule.slug for rule in (*RULES, *LEDGER_RULES, *CORPUS_RULES)}
    assert slugs <= set(RULE_NAMES), sorted(slugs - set(RULE_NAMES))
    assert rule_name("date-order") == "日期先后矛盾" and rule_name("unknown") == "unknown"
