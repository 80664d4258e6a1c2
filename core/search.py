"""One search box over every app: matching, ranking and highlighting, app-agnostic.

Each app offers a provider (`FORGE_SEARCH_PROVIDERS`, a dotted path per app) that takes the
actor and the parsed terms and returns `Hit`s from its own scoped selectors, one query per
kind of record, so a search runs a fixed number of queries whatever it finds. On PostgreSQL
matching is full-text search (the `simple` configuration, so names and Korean text are not
stemmed away, with prefix matching so "lith" finds "lithium"), ranked by `ts_rank` over
weighted fields; on SQLite every term must appear in some field and the rank counts where.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

MAX_TERMS = 8
# Field weights as PostgreSQL names them (A highest) and what they count on SQLite.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
TERM = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    rank: float


def parse_terms(query: str) -> list[str]:
    """Words of the query, lower-cased, at most MAX_TERMS; one-letter words are dropped."""
    words = [word.lower() for word in TERM.findall(query or "") if len(word) > 1]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def matching(queryset: QuerySet, *, terms: list[str], fields: dict[str, str], limit: int) -> QuerySet:
    """Rows of `queryset` that contain every term in one of `fields` ({lookup: weight}),
    annotated with `rank` and ordered by it (ties by primary key, so pages are stable)."""
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        vector = _vector(fields)
        query = SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple")
        ranked = (
            queryset.annotate(search=vector).filter(search=query).annotate(rank=SearchRank(vector, query))
        )
    else:
        ranked = queryset.filter(_every_term(terms, fields)).annotate(rank=_fallback_rank(terms, fields))
    return ranked.order_by("-rank", "pk")[:limit]


def _vector(fields: dict[str, str]) -> SearchVector:
    vectors = [
        SearchVector(Coalesce(F(field), Value(""), output_field=TextField()), weight=weight, config="simple")
        for field, weight in fields.items()
    ]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def _every_term(terms: list[str], fields: dict[str, str]) -> Q:
    condition = Q()
    for term in terms:
        anywhere = Q()
        for field in fields:
            anywhere |= Q(**{f"{field}__icontains": term})
        condition &= anywhere
    return condition


def _fallback_rank(terms: list[str], fields: dict[str, str]):
    score = Value(0.0, output_field=FloatField())
    for term in terms:
        for field, weight in fields.items():
            hit = When(**{f"{field}__icontains": term}, then=Value(WEIGHTS[weight]))
            score = score + Case(hit, default=Value(0.0), output_field=FloatField())
    return score


def highlight(text: str, terms: list[str], *, width: int = 180) -> SafeString:
    """A window of `text` around the first match, escaped, with every term in <mark>."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE) if terms else None
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - width // 3) if first else 0
    window = text[start : start + width]
    prefix, suffix = ("… " if start else ""), (" …" if start + width < len(text) else "")
    if pattern is None:
        return mark_safe(html.escape(prefix + window + suffix))  # noqa: S308 (escaped)
    parts, last = [], 0
    for match in pattern.finditer(window):
        parts.append(html.escape(window[last : match.start()]))
        parts.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(html.escape(window[last:]))
    return mark_safe(html.escape(prefix) + "".join(parts) + html.escape(suffix))  # noqa: S308 (escaped above)


def search_everything(*, actor, query: str, per_kind: int = 10) -> list[Hit]:
    """Every provider's hits for the actor, best first."""
    terms = parse_terms(query)
    if not terms:
        return []
    hits: list[Hit] = []
    for path in settings.FORGE_SEARCH_PROVIDERS:
        hits.extend(import_string(path)(actor=actor, terms=terms, limit=per_kind))
    return sorted(hits, key=lambda hit: (-hit.rank, hit.kind, hit.title))
