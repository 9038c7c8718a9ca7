"""A small, safe expression language for evaluation schemes (整改成效评估的计算公式).

A formula is one Python expression, parsed with `ast` and checked against a whitelist before it
is compiled into plain closures; nothing is passed to `eval`. Allowed: numbers, the fact names a
caller declares (English or their Chinese aliases: `完成率 * 0.6`), + - * / %, comparisons,
`and` / `or` / `not`, `a if cond else b`, and the functions min, max, abs, round, clamp.
Division by zero gives 0 (a unit with no measures has no rate to divide by).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_NODES = 200
MAX_CONSTANT = 1e9

Values = Mapping[str, float]
Compiled = Callable[[Values], float]


class FormulaError(ValueError):
    """A formula that may not be saved; `message` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def _mod(a: float, b: float) -> float:
    return a % b if b else 0.0


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _round(value: float, digits: float = 0) -> float:
    return round(value, int(digits))


BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: _div, ast.Mod: _mod,
}
COMPARE: dict[type, Callable[[float, float], bool]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
# name → (function, fewest arguments, most arguments)
FUNCTIONS: dict[str, tuple[Callable[..., float], int, int]] = {
    "min": (min, 2, 10), "max": (max, 2, 10), "abs": (abs, 1, 1), "round": (_round, 1, 2),
    "clamp": (_clamp, 3, 3),
}


@dataclass(frozen=True)
class Formula:
    text: str
    names: frozenset[str]  # the facts it reads (canonical names)
    run: Compiled

    def __call__(self, values: Values) -> float:
        """The value; an overflow or an infinite result counts 0, so one odd unit never stops a run."""
        try:
            value = float(self.run(values))
        except (ArithmeticError, ValueError):
            return 0.0
        return value if math.isfinite(value) else 0.0


def _syntax_message(exc: SyntaxError, text: str) -> str:
    """Where the formula goes wrong, in characters (Python reports the end of input as 0)."""
    at = exc.offset or 0
    if "never closed" in (exc.msg or ""):
        return f"公式写法有误：第{at}个字符的“(”没有对应的“)”。"
    if "unmatched" in (exc.msg or ""):
        return f"公式写法有误：第{at}个字符的“)”没有对应的“(”。"
    if at < 1 or at > len(text):
        return "公式写法有误：公式末尾不完整，请检查最后的运算符后是否缺少数值或名称。"
    return f"公式写法有误（第{at}个字符附近），请检查括号和运算符。"


def parse(text: str, names: Mapping[str, str]) -> Formula:
    """Check and compile `text`. `names` maps every accepted name (and alias) to its canonical
    fact name. Raises FormulaError with a Chinese message."""
    text = (text or "").strip()
    if not text:
        raise FormulaError("公式不能为空。")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式过长（不超过{MAX_LENGTH}个字符）。")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(_syntax_message(exc, text)) from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise FormulaError("公式过于复杂，请拆分或简化。")
    used: set[str] = set()
    run = _compile(tree.body, names, used)
    formula = Formula(text, frozenset(used), run)
    formula({name: 1.0 for name in used})  # a trial run on dummy facts catches type slips
    return formula


def _compile(node: ast.AST, names: Mapping[str, str], used: set[str]) -> Compiled:
    handler = _HANDLERS.get(type(node))
    if handler is None:
        raise FormulaError(f"公式中不能使用“{_describe(node)}”；只能使用数字、指标名称、四则运算、比较、"
                           "and/or/not、if…else 和 min、max、abs、round、clamp。")
    return handler(node, names, used)


def _describe(node: ast.AST) -> str:
    try:
        return ast.unparse(node)[:30]
    except Exception:  # an odd node: name its kind
        return type(node).__name__


def _constant(node: ast.Constant, names, used) -> Compiled:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FormulaError(f"公式中只能使用数字常量，不能使用“{_describe(node)}”。")
    if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
        raise FormulaError("公式中的数字过大。")
    number = float(value)
    return lambda values: number


def _name(node: ast.Name, names, used) -> Compiled:
    canonical = names.get(node.id)
    if canonical is None:
        raise FormulaError(f"未知的指标名称“{node.id}”。")
    used.add(canonical)
    return lambda values: values[canonical]


def _binary(node: ast.BinOp, names, used) -> Compiled:
    op = BINARY.get(type(node.op))
    if op is None:
        raise FormulaError("公式只能使用 + - * / % 运算。")
    left, right = _compile(node.left, names, used), _compile(node.right, names, used)
    return lambda values: op(left(values), right(values))


def _unary(node: ast.UnaryOp, names, used) -> Compiled:
    inner = _compile(node.operand, names, used)
    if isinstance(node.op, ast.USub):
        return lambda values: -inner(values)
    if isinstance(node.op, ast.UAdd):
        return inner
    if isinstance(node.op, ast.Not):
        return lambda values: float(not inner(values))
    raise FormulaError("公式中不能使用位运算。")


def _boolean(node: ast.BoolOp, names, used) -> Compiled:
    parts = [_compile(v, names, used) for v in node.values]
    if isinstance(node.op, ast.And):
        return lambda values: float(all(p(values) for p in parts))
    return lambda values: float(any(p(values) for p in parts))


def _compare(node: ast.Compare, names, used) -> Compiled:
    ops = []
    for op in node.ops:
        fn = COMPARE.get(type(op))
        if fn is None:
            raise FormulaError("公式只能使用 < <= > >= == != 比较。")
        ops.append(fn)
    terms = [_compile(node.left, names, used)] + [_compile(c, names, used) for c in node.comparators]

    def run(values: Values) -> float:
        seen = [t(values) for t in terms]
        return float(all(fn(a, b) for fn, a, b in zip(ops, seen, seen[1:], strict=False)))
    return run


def _if(node: ast.IfExp, names, used) -> Compiled:
    test, body, other = (_compile(n, names, used) for n in (node.test, node.body, node.orelse))
    return lambda values: body(values) if test(values) else other(values)


def _call(node: ast.Call, names, used) -> Compiled:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise FormulaError(f"公式中不能调用“{_describe(node.func)}”；可用的函数：min、max、abs、round、clamp。")
    if node.keywords:
        raise FormulaError("函数参数不能写成“名称=值”的形式。")
    fn, low, high = FUNCTIONS[node.func.id]
    if not low <= len(node.args) <= high:
        raise FormulaError(f"函数 {node.func.id} 的参数个数不对。")
    args = [_compile(a, names, used) for a in node.args]
    return lambda values: fn(*(a(values) for a in args))


_HANDLERS: dict[type, Callable[..., Compiled]] = {
    ast.Constant: _constant, ast.Name: _name, ast.BinOp: _binary, ast.UnaryOp: _unary,
    ast.BoolOp: _boolean, ast.Compare: _compare, ast.IfExp: _if, ast.Call: _call,
}
