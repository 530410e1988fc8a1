"""From the blocks of a tender to draft requirement items, each with its provenance.

A block's sentences are split at 。；; a sentence that states an obligation about after-sales
service becomes one item: each comma part naming a commitment (the keyword table) with a value
the quantity grammar reads is one check; several checks are one item with `checks:`. A
sentence in an after-sales part that states an obligation but gives no check is a `manual`
item with its quote. Nothing is guessed silently: every item carries a confidence, and the
review list names what to confirm and what was left out.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.intake.grammar import Grammar, PathWords, grammar
from generator.intake.reading import Block
from generator.profiles.models import commitment_paths
from generator.profiles.paths import Lookup

__all__ = ["Draft", "Review", "draft_items"]

Item = dict[str, Any]


@dataclass(frozen=True)
class Review:
    """A line of the review list: `kind` is confirm, not_taken, no_definition, defined or
    defined_substantive (a marker's definition found), unread (refused by the loader, made
    manual) or scoring (a 评分 row attached to an item)."""

    kind: str
    clause: str
    where: str
    text: str
    detail: str = ""


@dataclass
class Draft:
    items: list[Item] = field(default_factory=list)
    markers: dict[str, dict[str, Any]] = field(default_factory=dict)
    review: list[Review] = field(default_factory=list)


@dataclass
class _Context:
    chapter: str = ""
    chapter_title: str = ""
    top: str = ""
    dotted: str = ""
    sub: str = ""
    relevant: bool = False

    def clause(self, row_label: str = "") -> str:
        head = self.dotted or self.top.rstrip("、.．")
        # 9.6 and 2) read as 9.6 2), not 9.62)
        sub = f" {self.sub}" if self.sub[:1] in "0123456789" and self.sub and head else self.sub
        number = head + sub + row_label
        return " ".join(p for p in (self.chapter, number) if p) or "-"


def _has(folded: str, words: tuple[str, ...]) -> bool:
    return any(w in folded for w in words)


def _where(source: str, block: Block) -> str:
    page = f" p.{block.page}" if block.page else ""
    return f"{source}{page} ¶{block.paragraph}"


def _is_heading(g: Grammar, text: str) -> bool:
    return len(text) <= 40 and not any(c in text for c in g.sentence_end + "，,")


def _sentences(g: Grammar, text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for i, c in enumerate(text):
        if c in g.sentence_end:
            out.append(text[start : i + 1])
            start = i + 1
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


_PARTS = re.compile(r"[，,]")


def _value(g: Grammar, entry: PathWords, part: str, original: str) -> str | None:
    info = commitment_paths()[entry.path]
    kind = entry.unit or info.kind.name
    pattern = g.values.get(str(kind))
    if pattern is None:
        return None
    found = next((f for f in pattern.finditer(part) if _fits(g, entry, part, f)), None)
    if found is None:
        return None
    value = re.sub(r"\s+", "", original[found.start() : found.end()])
    # A bound word inside the value (每季度至少1次) is the comparator's, not the value's.
    for word in sorted((w for ws in g.comparators.values() for w in ws), key=len, reverse=True):
        value = value.replace(word, "") if len(word) > 1 else value
    return value


def _fits(g: Grammar, entry: PathWords, part: str, found: "re.Match[str]") -> bool:
    """A value the entry can take: the right measure word, and for a period (longer is
    better) not a moment (结束前1个月)."""
    if entry.measures and not found.group(0).endswith(entry.measures):
        return False
    before = part[: found.start()].rstrip()
    longer = str(commitment_paths()[entry.path].better) == "larger"
    return not (longer and before.endswith(g.relative))


def _comparator(g: Grammar, entry: PathWords, part: str, rest: str) -> tuple[str, bool] | None:
    """The comparator the words give (and whether they gave it), or the path's default.
    None when the words contradict the path's direction."""
    info = commitment_paths()[entry.path]
    if entry.comparator:
        return entry.comparator, True
    better = str(info.better)
    wanted = "at_most" if better == "smaller" else "at_least" if better == "larger" else "required"
    # Only the words around the value count (以内 after it, 不少于 before it).
    said = [c for c, words in g.comparators.items() if _has(rest, words) or _has(part, words)]
    if wanted == "required":
        return "required", False
    if said and wanted not in said:
        return None
    return wanted, bool(said)


def _scope(g: Grammar, text: str) -> dict[str, Any]:
    scope: dict[str, Any] = {}
    for s in g.scopes:
        said = [w for w in s.words if w in text]
        if said and not any(w + e in text for w in said for e in g.scope_except):
            if s.field in {"faults", "equipment", "repairs"}:
                scope.setdefault(s.field, []).append(s.value)
            else:
                scope.setdefault(s.field, s.value)
    return scope


def _checks(g: Grammar, sentence: str, relevant: bool) -> list[tuple[Item, Decimal]]:
    """The comparisons a sentence makes, part by part, with a confidence each."""
    folded = g.fold(sentence)
    out: list[tuple[Item, Decimal]] = []
    carried: dict[str, Any] = {}
    seen: set[tuple[str, str]] = set()
    start = 0
    for part in _PARTS.split(g.masked(folded)):
        # Folding keeps positions: the value is copied from the original words.
        original = sentence[start : start + len(part)]
        start += len(part) + 1
        scope = {**carried, **_scope(g, part)}
        region = g.region.search(part)
        entries = [e for e in g.paths if _has(part, e.words)]
        # A fixed-value entry (自验收合格之日起: the warranty's start) speaks only in a sentence
        # about the warranty, and besides the part's own commitment.
        fixed = [e for e in entries if e.value and _has(folded, e.needs)]
        mains = [e for e in entries if not e.value]
        # Of the commitments a part names, the one whose word stands nearest its value
        # (4小时到达现场的响应服务 is an arrival time).
        candidates = [
            m for e in mains if (m := _check(g, e, part, original, scope, relevant, region))
        ]
        made_main = min(candidates, key=lambda m: _distance(g, part, original, m[0]), default=None)
        made_fixed = [_check(g, e, part, original, scope, relevant, region) for e in fixed]
        for made in [made_main, *made_fixed]:
            if made is None:
                continue
            entry_path = str(made[0]["commitment"])
            key = (entry_path, repr(made[0].get("scope")))
            if key not in seen:
                seen.add(key)
                out.append(made)
        carried.update(_scope(g, part))
    return out


def _distance(g: Grammar, part: str, original: str, check: Item) -> int:
    entry = next(e for e in g.paths if e.path == check["commitment"])
    # The value was copied without blanks: find it again allowing them (7 日 is 7日).
    value = str(check.get("value", ""))
    found = re.search(r"\s*".join(map(re.escape, value)), original) if value else None
    at = found.start() if found else 0
    spots = [i for w in entry.words if (i := part.find(w)) >= 0]
    return min((abs(i - at) for i in spots), default=len(part))


def _check(
    g: Grammar,
    entry: PathWords,
    part: str,
    original: str,
    scope: dict[str, Any],
    relevant: bool,
    region: "re.Match[str] | None",
) -> tuple[Item, Decimal] | None:
    info = commitment_paths()[entry.path]
    confidence = Decimal("0.9")
    check: Item = {"commitment": entry.path}
    scope = dict(scope)
    if entry.flag or info.kind.name == "flag":
        if not relevant or not _has(part, g.obligations):
            return None
        check["comparator"] = "required"
        confidence = Decimal("0.6")
    else:
        value = entry.value or _value(g, entry, part, original)
        if value is None:
            return None
        decided = _comparator(g, entry, part, part)
        if decided is None:
            return None
        check["comparator"], explicit = decided
        check["value"] = value
        if not explicit:
            confidence = Decimal("0.7")
    if region and info.lookup is Lookup.TIERS:
        scope["region"] = region.group(1)
        confidence = min(confidence, Decimal("0.6"))
    if scope and (info.lookup is Lookup.TIERS or set(scope) <= {"time"}):
        check["scope"] = scope
    return check, confidence


def _marker_definitions(g: Grammar, sentence: str, draft: Draft, clause: str, where: str) -> bool:
    """Record what the markers of a defining sentence mean; True when it defined one."""
    folded = g.fold(sentence)
    spots = [(i, c) for i, c in enumerate(folded) if c in g.marker_chars and _is_mark(g, folded, i)]
    if not spots or not _has(folded, g.defines) or not _has(folded, g.verbs):
        return False
    defined = False
    for n, (i, char) in enumerate(spots):
        end = spots[n + 1][0] if n + 1 < len(spots) else len(folded)
        # The part of the sentence about this marker: up to the next marker, or to the end.
        piece = folded[i:end]
        if not _has(piece, g.defines) and n + 1 < len(spots):
            continue
        if char in draft.markers:
            continue
        substantive = _has(piece, g.substantive) and not _has(piece, g.not_substantive)
        meaning = char + sentence[i + 1 : end].lstrip(g.quotes).rstrip(g.quotes + g.trail)
        draft.markers[char] = {"meaning": meaning, "substantive": substantive}
        kind = "defined_substantive" if substantive else "defined"
        draft.review.append(Review(kind, clause, where, char, meaning))
        defined = True
    return defined


def _is_mark(g: Grammar, text: str, i: int) -> bool:
    """A marker character used as a mark: not inside a URL, a number or a word (#/help, #1)."""
    after = text[i + 1 : i + 2]
    before = text[i - 1 : i] if i else ""
    return not (after.isascii() and (after.isalnum() or after in "/=&")) and not (
        before.isascii() and before.isalnum()
    )


def _marker(g: Grammar, text: str) -> str | None:
    """The marker of a sentence or row: a mark at its start (after a clause number or a
    quotation mark), or a table cell that starts with one."""
    stripped = text.lstrip(g.quotes)
    found = g.clause_start.match(stripped)
    head = stripped[found.end() :] if found else stripped
    for candidate in (stripped, head.lstrip(g.quotes), *text.split(" | ")):
        candidate = candidate.strip()
        if candidate[:1] and candidate[0] in g.marker_chars and _is_mark(g, candidate, 0):
            return candidate[0]
    return None


def draft_items(blocks: list[Block], source: str, chapter: str | None = None) -> Draft:
    """The draft of a tender: items in document order, markers, the review list."""
    g = grammar()
    draft = Draft()
    ctx = _Context()
    scoring_rows: list[tuple[Block, str]] = []
    used_markers: dict[str, str] = {}
    for block in blocks:
        text = block.text
        folded = g.fold(text)
        chap = g.chapter.match(folded)
        if chap and _is_heading(g, text):
            ctx = _Context(chapter=text[chap.start(1) : chap.end(1)], chapter_title=chap.group(2))
            ctx.relevant = _has(chap.group(2), g.sections)
            continue
        if chapter and chapter not in ctx.chapter + ctx.chapter_title:
            continue
        label = block.number
        body = text
        if not label and not block.cells:
            found = g.clause_start.match(text)
            if found:
                label = found.group(1)
                body = text[found.end() :]
        row_label = ""
        if label:
            if re.fullmatch(r"[0-9]+(?:[.．][0-9]+)+[.．]?", label):
                ctx.dotted, ctx.sub = label.rstrip(".．"), ""
            elif re.fullmatch(r"[0-9]+[、.．]?", label) and not ctx.dotted:
                ctx.top, ctx.sub = label, ""
            elif g.fold(label)[0] in g.digits + g.ten and label[-1] in "、.．":
                ctx.top, ctx.dotted, ctx.sub = label, "", ""
            else:
                ctx.sub = label
        if block.cells:
            first = block.cells[0].strip()
            if re.fullmatch(r"[0-9]+(?:[.．][0-9]+)*[.．]?", first):
                row_label = first.rstrip(".．")
        if _is_heading(g, body) and not block.cells and _marker(g, body) is None:
            ctx.relevant = _has(g.fold(body), g.sections) or _has(ctx.chapter_title, g.sections)
            continue
        if g.scoring_row.search(folded) and (g.tier.search(folded) or g.step.search(folded)):
            scoring_rows.append((block, ctx.clause(row_label)))
            continue
        quotes = [max(block.cells, key=len)] if block.cells else _sentences(g, body)
        for sentence in quotes:
            clause = ctx.clause(row_label)
            where = _where(source, block)
            if _marker_definitions(g, sentence, draft, clause, where):
                continue
            sfold = g.fold(sentence)
            relevant = ctx.relevant or (block.cells != () and _has(folded, g.sections))
            obligation = _has(sfold, g.obligations) or _marker(g, sentence) is not None
            scores = g.scoring_hint.search(sfold) is not None
            checks = [] if scores or _has(sfold, g.procedure) else _checks(g, sentence, relevant)
            if not obligation and not checks:
                continue
            if not relevant and not any("value" in c for c, _ in checks):
                if _has(sfold, g.sections) and obligation:
                    draft.review.append(Review("not_taken", clause, where, sentence))
                continue
            marker = _marker(g, text if block.cells else sentence)
            item: Item = {"clause": clause, "text": sentence}
            if not checks:
                item["manual"] = True
                confidence = Decimal("0.3")
            elif len(checks) == 1:
                item.update(checks[0][0])
                confidence = checks[0][1]
            else:
                item["checks"] = [c for c, _ in checks]
                confidence = min(c for _, c in checks)
            if marker:
                item["marker"] = marker
                used_markers.setdefault(marker, clause)
            item["source"] = source
            if block.page:
                item["page"] = block.page
            item["paragraph"] = block.paragraph
            item["quote"] = sentence
            item["confidence"] = str(confidence)
            draft.items.append(item)
            draft.review.append(Review("confirm", clause, where, sentence, str(confidence)))
    for block, clause in scoring_rows:
        _attach_scoring(g, draft, block, clause, source)
    for marker, clause in used_markers.items():
        if marker not in draft.markers:
            # The format's own default: ★ alone is substantive; any other mark is not.
            draft.markers[marker] = {"substantive": marker == "★"}
            draft.review.append(Review("no_definition", clause, source, marker))
    return draft


def _attach_scoring(g: Grammar, draft: Draft, block: Block, clause: str, source: str) -> None:
    folded = g.fold(block.text)
    where = _where(source, block)
    entry = next((e for e in g.paths if _has(folded, e.words) and not e.flag), None)
    scoring: Item | None = None
    step = g.step.search(folded)
    tiers = [
        {"value": re.sub(r"\s+", "", m.group(1)), "points": m.group(2)}
        for m in g.tier.finditer(folded)
    ]
    if step:
        scoring = {
            "step": re.sub(r"\s+", "", step.group(1)),
            "points_per_step": step.group(2),
            "max": step.group(3),
        }
    elif tiers:
        scoring = {"tiers": tiers}
    target = None
    if entry is not None and scoring is not None:
        for existing in draft.items:
            if existing.get("commitment") == entry.path and "scoring" not in existing:
                target = existing
                break
            for check in existing.get("checks", []):
                if check["commitment"] == entry.path and "scoring" not in check:
                    target = check
                    break
            if target is not None:
                break
    quote = max(block.cells, key=len) if block.cells else block.text
    if target is not None and scoring is not None:
        target["scoring"] = scoring
        draft.review.append(Review("scoring", clause, where, quote, str(target.get("commitment"))))
        return
    if entry is None and not _has(folded, g.sections):
        return  # a scoring row about something else (price, qualifications)
    item: Item = {"clause": clause, "text": quote, "manual": True, "source": source}
    if block.page:
        item["page"] = block.page
    item.update({"paragraph": block.paragraph, "quote": quote, "confidence": "0.3"})
    draft.items.append(item)
    draft.review.append(Review("confirm", clause, where, quote, "0.3"))
