"""Market watch over 1,000,000 price observations against one SQL query for the same figures.

    .venv/bin/python bench/markets.py [--rounds N]

On PostgreSQL only, in its own database next to DATABASE_URL's (suffix `_markets_bench`; or
FORGE_BENCH_MARKETS_DATABASE_URL). The data set: 200 products x 5,000 days = 1,000,000
observations, two reference periods per product adopted by one decision, generated with
INSERT ... SELECT generate_series and reused while its marker says it has the same shape.

Timed through the whole Django stack (django.test.Client, signed in as the secretariat):
- the observation list: GET /api/v1/price-observations/?product=<slug>&page_size=500 (the
  first page of one product, each row with its reference price and computed tariff);
- the chart page: GET /markets/products/<slug>/ over the product's last 365 days (the SVG
  chart, its data table with the tariff of every row, the reference periods).
Each against one SQL query that produces the same figures (per row: id, day, price, the
reference in force and the tariff per unit, rounded as markets.tariff rounds), fetched and
turned into JSON with orjson. The figures of both sides are compared before timing. Prints
median and p95 milliseconds and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import api as bench_api  # noqa: E402  (the shared database and timing helpers of bench/api.py)

PRODUCTS = 200
DAYS = 5_000
DATASET_KEY = f"markets-v1:products={PRODUCTS}:days={DAYS}"
PAGE_SIZE = 500
CHART_DAYS = 365

GENERATE_SQL = [
    """INSERT INTO markets_product (name, slug, mineral_id, specification, unit, currency, price_basis,
        is_example, created_at, updated_at)
       SELECT 'Bench product ' || p, 'bench-product-' || p, (SELECT min(id) FROM projects_mineral),
              '', 't', 'USD', '', false, now(), now()
       FROM generate_series(1, %(products)s) AS p""",
    """INSERT INTO markets_priceobservation (product_id, observed_on, price, currency, unit, unit_factor,
        price_in_basis, source_name, source_url, note, is_example, revision, exchange_rate_source,
        created_at, updated_at)
       SELECT product.id, DATE '2012-01-01' + d,
              round((10000 + 2500 * sin(d / 40.0 + product.id))::numeric, 2), 'USD', 't', 1,
              round((10000 + 2500 * sin(d / 40.0 + product.id))::numeric, 2), 'Bench', '', '', false, 1, '',
              now(), now()
       FROM markets_product AS product CROSS JOIN generate_series(0, %(days)s - 1) AS d
       WHERE product.slug LIKE 'bench-product-%%'""",
    """INSERT INTO markets_referenceprice (product_id, amount, currency, valid_from, valid_until,
        adopted_by_id, note, is_example, created_at, updated_at)
       SELECT product.id, 11000, 'USD', DATE '2012-01-01', DATE '2019-12-31', %(decision)s, '', false, now(), now()
       FROM markets_product AS product WHERE product.slug LIKE 'bench-product-%%'
       UNION ALL
       SELECT product.id, 11500, 'USD', DATE '2020-01-01', NULL, %(decision)s, '', false, now(), now()
       FROM markets_product AS product WHERE product.slug LIKE 'bench-product-%%'""",
]

# The figures of one product's observations between two days, newest or oldest first: the
# reference in force (a lateral lookup on the (product, valid_from) index) and the tariff
# of markets.tariff (rate rounded half up to 4 places, capped at 50 %, per unit to the cent).
BASELINE_SQL = """
SELECT o.id, o.observed_on, o.price_in_basis, r.amount,
       CASE WHEN r.amount IS NULL THEN NULL ELSE round(o.price_in_basis * least(
            round(greatest(r.amount - o.price_in_basis, 0) / o.price_in_basis, 4), 0.50), 2) END
FROM markets_priceobservation o
LEFT JOIN LATERAL (
    SELECT amount FROM markets_referenceprice r
    WHERE r.product_id = o.product_id AND r.valid_from <= o.observed_on
      AND (r.valid_until IS NULL OR r.valid_until >= o.observed_on)
    ORDER BY r.valid_from DESC LIMIT 1
) r ON true
WHERE o.product_id = %s AND o.observed_on BETWEEN %s AND %s
ORDER BY {order}
LIMIT %s
"""


def configure_database() -> None:
    url = os.environ.get("FORGE_BENCH_MARKETS_DATABASE_URL")
    if not url:
        base = os.environ.get("DATABASE_URL") or ""
        if not base.startswith(("postgres://", "postgresql://")):
            sys.exit(
                "The bench needs PostgreSQL: set DATABASE_URL=postgres://... (scripts/services.sh start)."
            )
        name = urlsplit(base).path.lstrip("/") or "forge"
        url = bench_api._with_database_name(base, f"{name}_markets_bench")
    os.environ["FORGE_BENCH_DATABASE_URL"] = url
    bench_api.configure_database()


def ensure_dataset() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM markets_product WHERE slug = %s", [DATASET_KEY[:150].lower()])
        ready = cursor.fetchone()[0] > 0
    if ready:
        return
    print(f"generating {PRODUCTS * DAYS:,} observations (once) ...", flush=True)
    call_command("load_reference", verbosity=0)
    from core.actors import Actor
    from decisions.models import Decision
    from tests.factories import adopt

    actor = Actor.system()
    decision = Decision.objects.filter(title="Bench reference prices").first() or adopt(
        actor, title="Bench reference prices"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM markets_referenceprice WHERE product_id IN "
            "(SELECT id FROM markets_product WHERE slug LIKE 'bench-product-%%')"
        )
        cursor.execute("DELETE FROM markets_priceobservation WHERE source_name = 'Bench'")
        cursor.execute("DELETE FROM markets_product WHERE slug LIKE 'bench-product-%%'")
        for sql in GENERATE_SQL:
            cursor.execute(sql, {"products": PRODUCTS, "days": DAYS, "decision": decision.pk})
        cursor.execute(
            "INSERT INTO markets_product (name, slug, mineral_id, specification, unit, currency, price_basis,"
            " is_example, created_at, updated_at) SELECT %s, %s, min(id), 'dataset marker', 't', 'USD', '', false,"
            " now(), now() FROM projects_mineral",
            [DATASET_KEY, DATASET_KEY[:150].lower()],
        )
        cursor.execute("ANALYZE markets_priceobservation")
    user_model = get_user_model()
    if not user_model.objects.filter(username="bench-secretariat").exists():
        from members.choices import Role
        from members.models import Membership

        user = user_model.objects.create_user("bench-secretariat", "bench@example.org", "pw")
        Membership.objects.create(user=user, role=Role.SECRETARIAT_ADMIN)


def baseline(product_id: int, start, end, *, newest_first: bool, limit: int) -> bytes:
    import orjson
    from django.db import connection

    order = "o.observed_on DESC, o.id DESC" if newest_first else "o.id"
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL.format(order=order), [product_id, start, end, limit])
        rows = cursor.fetchall()
    return orjson.dumps(
        [
            {
                "id": i,
                "day": d.isoformat(),
                "price": f"{p:.4f}",
                "reference": None if r is None else f"{r:.4f}",
                "tariff": None if t is None else f"{t:.2f}",
            }
            for i, d, p, r, t in rows
        ]
    )


def figures_of_api(body: bytes) -> list[tuple]:
    import orjson

    rows = orjson.loads(body)["results"]
    return [
        (
            row["id"],
            row["price_in_basis"],
            row["reference_price"],
            row["tariff"]["per_unit"] if row["tariff"] else None,
        )
        for row in rows
    ]


def figures_of_baseline(body: bytes) -> list[tuple]:
    import orjson

    return [(row["id"], row["price"], row["reference"], row["tariff"]) for row in orjson.loads(body)]


def summary(label: str, samples: list[list[float]]) -> float:
    app, base = samples
    ratio = statistics.median(app) / statistics.median(base)
    print(
        f"{label:<28} app median {statistics.median(app):8.2f} ms p95 {bench_api.p95(app):8.2f}"
        f" | one SQL query median {statistics.median(base):7.2f} ms p95 {bench_api.p95(base):7.2f}"
        f" | ratio {ratio:5.1f}x"
    )
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    configure_database()
    bench_api.setup_django()
    ensure_dataset()
    import datetime

    from django.test import Client

    from markets.models import PriceObservation, Product

    product = Product.objects.get(slug=f"bench-product-{PRODUCTS // 2}")
    client = Client()
    client.force_login(
        __import__("django.contrib.auth", fromlist=["get_user_model"])
        .get_user_model()
        .objects.get(username="bench-secretariat")
    )
    total = PriceObservation.objects.count()
    print(f"{total:,} observations, {PRODUCTS} products; product {product.slug}")

    first, last = datetime.date(2012, 1, 1), datetime.date(2012, 1, 1) + datetime.timedelta(days=DAYS - 1)
    list_url = f"/api/v1/price-observations/?product={product.slug}&page_size={PAGE_SIZE}"
    api_figures = figures_of_api(client.get(list_url).content)
    # The API lists oldest first by id (keyset pages): the baseline reads the same rows.
    base_list = baseline(product.pk, first, last, newest_first=False, limit=PAGE_SIZE)
    assert api_figures == figures_of_baseline(base_list), "the list and the baseline disagree"
    samples, _ = bench_api.timed_together(
        [
            lambda: client.get(list_url).content,
            lambda: baseline(product.pk, first, last, newest_first=False, limit=PAGE_SIZE),
        ],
        args.rounds,
    )
    list_ratio = summary(f"observation list ({PAGE_SIZE} rows)", samples)

    start = last - datetime.timedelta(days=CHART_DAYS)
    chart_url = f"/markets/products/{product.slug}/?start={start.isoformat()}&end={last.isoformat()}"
    page = client.get(chart_url)
    assert page.status_code == 200 and b"chart-band" in page.content, "the chart page did not render"
    samples, _ = bench_api.timed_together(
        [
            lambda: client.get(chart_url).content,
            lambda: baseline(product.pk, start, last, newest_first=True, limit=CHART_DAYS + 1),
        ],
        args.rounds,
    )
    chart_ratio = summary(f"chart page ({CHART_DAYS + 1} days)", samples)
    print(f"ratios: observation list {list_ratio:.1f}x, chart page {chart_ratio:.1f}x (app / one SQL query)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
