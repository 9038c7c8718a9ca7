"""The registry of notice rules: one module per rule, each exposing RULE."""

from xuncha.core.lint.rules import (
    claim_arithmetic,
    claim_count_mismatch,
    completion_contradicted,
    date_order,
    done_but_pending,
    missing_element,
    numbering,
    personal_info,
    ratio_arithmetic,
    status_under_wrong_heading,
    term_two_ways,
    unit_count_mismatch,
    vague_measure,
    wording,
)

RULES = [module.RULE for module in (
    claim_count_mismatch, claim_arithmetic, ratio_arithmetic, status_under_wrong_heading, done_but_pending,
    completion_contradicted,
    date_order, missing_element, vague_measure, personal_info, numbering, wording,
    term_two_ways, unit_count_mismatch,
)]
