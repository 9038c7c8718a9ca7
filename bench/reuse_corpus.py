"""A deterministic corpus for the 雷同 benchmark, made from the sample notices' words and sentences.

Background documents are random sequences of 2–4 character words cut from the samples (so two of
them share no long run by chance); half of all documents carry two to four of 30 real sentences
from the samples as boilerplate; planted pairs copy blocks of 20–300 characters from a source with
small edits and place, unit and date substitutions, to a target 雷同率 of 0.3, 0.5, 0.7 or 0.88.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from xuncha.demo import sample_notices

LEVELS = (0.3, 0.5, 0.7, 0.88)
LENGTH = 1000
CALIBRATION = 1.1  # copied characters planned per unit of 雷同率 measured: edits and boilerplate cost some
PLACES = ["新华", "胜利", "和平", "建设", "光明", "幸福", "团结", "民主", "长江", "黄河", "东风", "向阳",
          "红旗", "新村", "金桥", "银河", "青松", "翠柏", "朝阳", "春晖"]
UNITS = ["社区", "街道", "村委会", "镇政府", "中学", "卫生院", "水务局", "自然资源局", "税务所", "供电所"]


@dataclass
class Corpus:
    names: list[str]
    texts: list[str]
    planted: dict[tuple[str, str], float] = field(default_factory=dict)  # (a, b) by name → target level
    templates: list[str] = field(default_factory=list)


def _material() -> tuple[list[str], list[str]]:
    """(words, template sentences) from the samples."""
    rng = random.Random(20251120)
    text = "\n".join(t for _, t in sample_notices())
    clauses = [c for c in re.split(r"[\s，。；：、！？（）“”《》,.;:()\"]+", text) if len(c) >= 2]
    words: set[str] = set()
    for clause in clauses:
        position = 0
        while position < len(clause) - 1:
            size = rng.choice((2, 2, 3, 4))
            words.add(clause[position:position + size])
            position += size
    sentences = sorted({s.strip() for s in re.split(r"(?<=[。；！？])", text) if 16 <= len(s.strip()) <= 70})
    templates = rng.sample(sentences, 30)
    return sorted(w for w in words if len(w) >= 2), templates


def _filler(rng: random.Random, words: list[str], size: int) -> str:
    out: list[str] = []
    length = 0
    while length < size:
        if rng.random() < 0.04:
            piece = rng.choice(PLACES) + rng.choice(UNITS)
        elif rng.random() < 0.02:
            piece = f"{rng.randint(2019, 2026)}年{rng.randint(1, 12)}月"
        else:
            piece = rng.choice(words)
        out.append(piece)
        length += len(piece)
        if rng.random() < 0.12:
            out.append(rng.choice("，，，。；"))
            length += 1
    return "".join(out)[:size]


def _with_templates(rng: random.Random, body: str, templates: list[str]) -> str:
    for sentence in rng.sample(templates, rng.randint(2, 4)):
        cut = rng.randrange(0, len(body))
        body = body[:cut] + "。" + sentence + body[cut:]
    return body


def _substitute(rng: random.Random, block: str, words: list[str]) -> str:
    for place in PLACES:
        if place in block and rng.random() < 0.3:
            block = block.replace(place, rng.choice(PLACES))
    block = re.sub(r"\d{4}年", lambda m: f"{rng.randint(2019, 2026)}年" if rng.random() < 0.5 else m[0], block)
    chars = list(block)
    for _ in range(len(chars) // 150):  # a small edit about every 150 characters
        chars[rng.randrange(len(chars))] = rng.choice(words)[0]
    return "".join(chars)


def _copy(rng: random.Random, source: str, level: float, words: list[str]) -> str:
    """A document of about LENGTH characters of which `level` is copied from `source` in blocks."""
    want = int(min(0.97, level * CALIBRATION) * LENGTH)
    blocks: list[str] = []
    copied = 0
    while copied < want:
        size = min(rng.randint(20, 300), want - copied + 10, len(source))
        start = rng.randrange(0, len(source) - size + 1)
        blocks.append(_substitute(rng, source[start:start + size], words))
        copied += size
    fresh = max(0, LENGTH - copied)
    gaps = [_filler(rng, words, fresh // len(blocks) + 1) for _ in blocks]
    return "".join(f"{gap}。{block}" for gap, block in zip(gaps, blocks, strict=True))


def build(documents: int, seed: int = 5) -> Corpus:
    rng = random.Random(seed)
    words, templates = _material()
    names = [f"doc{number:06d}" for number in range(documents)]
    texts = []
    for _ in range(documents):
        body = _filler(rng, words, LENGTH)
        texts.append(_with_templates(rng, body, templates) if rng.random() < 0.5 else body)
    corpus = Corpus(names, texts, templates=templates)
    pairs = documents // 40  # 2.5 % of the documents are copies
    chosen = rng.sample(range(documents), 2 * pairs)
    for number in range(pairs):
        source, target = chosen[2 * number], chosen[2 * number + 1]
        level = LEVELS[number % len(LEVELS)]
        texts[target] = _copy(rng, texts[source], level, words)
        a, b = sorted((names[source], names[target]))
        corpus.planted[(a, b)] = level
    return corpus
