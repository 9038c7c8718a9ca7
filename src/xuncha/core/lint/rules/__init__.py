"""The registry of notice rules: one module per rule, each exposing RULE."""

from xuncha.core.lint.rules import (
    claim_arithmetic,
    claim_count_mismatch,
    date_order,
    missing_element,
    status_under_wrong_heading,
    wording,
)

RULES = [module.RULE for module in (
    claim_count_mismatch, claim_arithmetic, status_under_wrong_heading, date_order, missing_element, wording,
)]
