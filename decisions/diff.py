"""Word-level differences between two versions of a decision's numbered paragraphs.

Paragraphs are matched first (so a paragraph inserted in the middle shows as one new
paragraph, not as every later one changed), then each changed pair is compared word by word.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

EQUAL, INSERTED, DELETED = "equal", "inserted", "deleted"


@dataclass
class Segment:
    kind: str  # equal / inserted / deleted
    text: str


@dataclass
class ParagraphDiff:
    old_number: int | None  # the paragraph's number in the older version (None: new paragraph)
    new_number: int | None  # its number in the newer version (None: removed paragraph)
    segments: list[Segment] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(segment.kind != EQUAL for segment in self.segments)


def word_segments(old: str, new: str) -> list[Segment]:
    """`old` -> `new` as runs of equal, deleted and inserted words."""
    old_words, new_words = old.split(), new.split()
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment(EQUAL, " ".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment(DELETED, " ".join(old_words[i1:i2])))
        if j2 > j1:
            segments.append(Segment(INSERTED, " ".join(new_words[j1:j2])))
    return segments


# Two paragraphs this similar (difflib's ratio over words) are one paragraph edited.
SIMILAR = 0.5


def _similar(old: str, new: str) -> bool:
    return difflib.SequenceMatcher(a=old.split(), b=new.split(), autojunk=False).ratio() >= SIMILAR


def _align_changed(old: list[str], new: list[str], i0: int, j0: int) -> list[ParagraphDiff]:
    """A block of changed paragraphs: each old one is paired, in order, with the next similar
    new one (new ones skipped on the way were inserted); an old one without a match was removed."""
    result: list[ParagraphDiff] = []
    j = 0
    for i, paragraph in enumerate(old):
        match = next((k for k in range(j, len(new)) if _similar(paragraph, new[k])), None)
        if match is None:
            result.append(ParagraphDiff(i0 + i + 1, None, [Segment(DELETED, paragraph)]))
            continue
        result += [ParagraphDiff(None, j0 + k + 1, [Segment(INSERTED, new[k])]) for k in range(j, match)]
        result.append(ParagraphDiff(i0 + i + 1, j0 + match + 1, word_segments(paragraph, new[match])))
        j = match + 1
    result += [ParagraphDiff(None, j0 + k + 1, [Segment(INSERTED, new[k])]) for k in range(j, len(new))]
    return result


def paragraph_diff(old: list[str], new: list[str]) -> list[ParagraphDiff]:
    """Every paragraph of both versions, in order, with its word-level changes."""
    result: list[ParagraphDiff] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result += [
                ParagraphDiff(i + 1, j + 1, [Segment(EQUAL, old[i])])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
        else:
            result += _align_changed(old[i1:i2], new[j1:j2], i1, j1)
    return result
