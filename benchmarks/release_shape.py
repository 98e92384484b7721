"""Generate a release of the yardstick's shape, vectorised: our own generator, not its code.

    python benchmarks/release_shape.py N OUT_DIR [--time-consistent] [--per-type 100]
                                       [--block-years Y] [--parquet]

The shape of ../shared/perf-reference (see its README): 3 flows (balance = exports - imports)
x 21 products in two levels (TOTAL, G1..G4, G11..G44) x 56 partners in two levels (WORLD,
R1..R5, R101..R510) x 13 periods a year (the year and its months) x as many years as N needs.
Each published hierarchy leaves out unpublished parts (a hidden product and partner per group
and a hidden group), so breakdowns are partial. Values are printed in USD mn below 1 bn, in
USD bn with one decimal below 1,000 bn and none above; % changes with one decimal.

`--time-consistent`: each year grows from the one before, so a rate agrees with the same period
a year earlier in the table. Without it the rates come from an unpublished prior vintage, and
most implied prior values disagree with the table: a failure-heavy release.
Planted errors, `--per-type` of each: a balance shifted, a leaf product above twice its
parent, a USD mn row relabelled USD bn, and an exports rate lowered by 40 points.

Writes OUT_DIR/release.csv, OUT_DIR/rules.yaml and OUT_DIR/hierarchies.json (the layout the
yardstick's checker reads).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

GROUPS, LEAVES, REGIONS, SUBS = 4, 4, 5, 10
FLOWS = ["exports", "imports", "balance"]
PERIODS_A_YEAR = 13
FIRST_YEAR = 2000


def hierarchy(top: str, groups: list[str], children: dict[str, list[str]]) -> tuple[
        list[str], np.ndarray]:
    """Published codes, and a (published x leaves) 0/1 matrix: which leaves each code sums.

    Each group has one unpublished leaf, and one unpublished group holds one leaf."""
    leaves = [leaf for g in groups for leaf in [*children[g], f"{g}-hidden"]] + ["hidden"]
    codes = [top, *groups, *(c for g in groups for c in children[g])]
    matrix = np.zeros((len(codes), len(leaves)))
    matrix[0, :] = 1
    for g in groups:
        for j, leaf in enumerate(leaves):
            if leaf.startswith(g) and leaf != "hidden":
                matrix[codes.index(g), j] = 1
        for c in children[g]:
            matrix[codes.index(c), leaves.index(c)] = 1
    return codes, matrix


def products() -> tuple[list[str], np.ndarray, dict[str, list[str]]]:
    groups = [f"G{g}" for g in range(1, GROUPS + 1)]
    children = {g: [f"{g}{k}" for k in range(1, LEAVES + 1)] for g in groups}
    codes, matrix = hierarchy("TOTAL", groups, children)
    return codes, matrix, {"TOTAL": groups, **children}


def partners() -> tuple[list[str], np.ndarray, dict[str, list[str]]]:
    groups = [f"R{r}" for r in range(1, REGIONS + 1)]
    children = {g: [f"{g}{k:02d}" for k in range(1, SUBS + 1)] for g in groups}
    codes, matrix = hierarchy("WORLD", groups, children)
    return codes, matrix, {"WORLD": groups, **children}


def _tenths(values: np.ndarray, decimals: np.ndarray) -> pa.Array:
    """Fixed-point text with 1 or 0 decimals, without a Python call per value."""
    scaled = np.rint(np.abs(values) * np.where(decimals == 1, 10, 1)).astype(np.int64)
    whole = np.where(decimals == 1, scaled // 10, scaled)
    text = pc.cast(pa.array(whole), pa.string())
    frac = pc.cast(pa.array(scaled % 10), pa.string())
    with_frac = pc.binary_join_element_wise(text, frac, ".")
    text = pc.if_else(pa.array(decimals == 1), with_frac, text)
    negative = pa.array((values < 0) & (scaled > 0))
    return pc.if_else(negative, pc.binary_join_element_wise("-", text, ""), text)


def generate(n: int, out: Path, time_consistent: bool, per_type: int = 100,
             seed: int = 11, block_years: int | None = None, parquet: bool = False) -> int:
    """Write the release; returns its number of figures.

    `block_years`: generate (and write) that many years at a time, each block growing from the
    last year of the one before, so that a release larger than memory can be written (the
    planted errors are shared out between the blocks, and the growth rates are centred on
    zero so that values stay in range over centuries). `parquet`: release.parquet (text
    columns) instead of release.csv."""
    rng = np.random.default_rng(seed)
    product_codes, product_matrix, product_tree = products()
    partner_codes, partner_matrix, partner_tree = partners()
    per_year = len(FLOWS) * len(product_codes) * len(partner_codes) * PERIODS_A_YEAR
    years = max(1, round(n / per_year))
    step = block_years or years
    starts = list(range(0, years, step))
    # Leaf values in USD: mostly millions, some billions; each year grows from the last.
    last = np.exp(rng.normal(np.log(2e7), 1.6,
                             size=(2, product_matrix.shape[1], partner_matrix.shape[1], 1, 12)))
    out.mkdir(parents=True, exist_ok=True)
    writer: Any = None
    written = 0
    try:
        for b, first in enumerate(starts):
            count = min(step, years - first)
            planted = per_type // len(starts) + (b < per_type % len(starts))
            table, last = _block(rng, last, first, count, time_consistent, planted,
                                 product_matrix, partner_matrix, product_codes, partner_codes,
                                 drift_free=block_years is not None)
            if writer is None:
                writer = (pq.ParquetWriter(out / "release.parquet", table.schema) if parquet
                          else pacsv.CSVWriter(out / "release.csv", table.schema))
            writer.write_table(table)
            written += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    periods = [str(FIRST_YEAR + y) for y in range(1, years + 1)]
    (out / "hierarchies.json").write_text(json.dumps({
        "product": product_tree, "partner": partner_tree,
        "period": "YYYY -> YYYY-01..YYYY-12 (parent = first 4 chars of a 7-char period)",
    }, indent=1), encoding="utf-8")
    (out / "rules.yaml").write_text(rules_yaml(product_tree, partner_tree, periods),
                                    encoding="utf-8")
    return written


def _block(rng: np.random.Generator, last: np.ndarray, first: int, years: int,
           time_consistent: bool, k: int, product_matrix: np.ndarray,
           partner_matrix: np.ndarray, product_codes: list[str],
           partner_codes: list[str], drift_free: bool) -> tuple[pa.Table, np.ndarray]:
    """`years` years from year `first` on, growing from the leaves of the year before
    (`last`); the table and the leaves of its last year."""
    shape = (*last.shape[:3], years + 1, 12)
    growth = rng.uniform(0.85, 1.25, size=shape)
    if drift_free:
        # Over centuries of years a drift of 4% a year would overflow: centre it on zero.
        growth /= np.exp(np.log(growth).mean())
    growth[:, :, :, 0] = 1.0
    leaves = last * np.cumprod(growth, axis=3)
    if time_consistent:
        prior_leaves = leaves[:, :, :, :-1]
    else:
        prior_leaves = leaves[:, :, :, 1:] / rng.uniform(0.8, 1.3, size=leaves[:, :, :, 1:].shape)
    current_leaves = leaves[:, :, :, 1:]
    next_last = leaves[:, :, :, -1:].copy()

    def publish(cube: np.ndarray) -> np.ndarray:
        """(2, leaves, leaves, years, 12) -> (3 flows, products, partners, years, 13)."""
        by_product = np.einsum("pl,flqym->fpqym", product_matrix, cube)
        both = np.einsum("ql,fplym->fpqym", partner_matrix, by_product)
        with_year = np.concatenate([both.sum(axis=4, keepdims=True), both], axis=4)
        return np.concatenate([with_year, (with_year[0] - with_year[1])[None]], axis=0)

    now = publish(current_leaves)
    prior = publish(prior_leaves)
    del leaves, growth, current_leaves, prior_leaves
    index = np.indices(now.shape, dtype=np.int32).reshape(5, -1)
    value = now.reshape(-1)
    before = prior.reshape(-1)
    del now, prior
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (value / before - 1) * 100
    flow = index[0]
    trade = np.abs(value) + np.abs(before)
    rate_ok = (np.abs(before) > 1e5) & np.isfinite(rate) & (rng.random(len(value)) > 0.03)
    rate_ok &= ~((flow == 2) & ((np.sign(value) != np.sign(before))
                                | (np.abs(value) < 0.05 * trade)))

    # Planted errors (rows chosen at random, disjoint by kind).
    rows = rng.permutation(len(value))
    balance_rows = rows[np.flatnonzero(flow[rows] == 2)[:k]]
    value[balance_rows] += np.sign(value[balance_rows] + 0.5) * (trade[balance_rows] / 2 + 1e9)
    leaf_rows = rows[np.flatnonzero((flow[rows] == 0) & (index[1][rows] > GROUPS))[k:2 * k]]
    value[leaf_rows] = np.abs(value[leaf_rows]) + 5e12  # above any parent it has
    export_rows = rows[np.flatnonzero((flow[rows] == 0) & rate_ok[rows])[2 * k:3 * k]]
    rate[export_rows] -= 40

    billions = np.abs(value) >= 1e9
    unit = np.where(billions, "USD bn", "USD mn")
    shown = np.where(billions, value / 1e9, value / 1e6)
    decimals = np.where(billions & (np.abs(value) >= 1e12), 0, 1)
    small_mn = np.flatnonzero(~billions & (np.abs(value) >= 1e6))
    relabel = rng.choice(small_mn, size=min(k, len(small_mn)), replace=False)
    unit[relabel] = "USD bn"

    periods = [str(FIRST_YEAR + first + y) for y in range(1, years + 1)]
    period_codes = np.array([[p, *(f"{p}-{m:02d}" for m in range(1, 13))] for p in periods])
    order = rng.permutation(len(value))
    table = pa.table({
        "flow": pa.array(np.array(FLOWS)[flow[order]]),
        "product": pa.array(np.array(product_codes)[index[1][order]]),
        "partner": pa.array(np.array(partner_codes)[index[2][order]]),
        "period": pa.array(period_codes[index[3][order], index[4][order]]),
        "value": _tenths(shown[order], decimals[order]),
        "unit": pa.array(unit[order]),
        "change_pct": pc.if_else(pa.array(rate_ok[order]),
                                 _tenths(np.nan_to_num(rate[order]), np.ones(len(order), int)),
                                 ""),
    })
    return table, next_last


def rules_yaml(product_tree: dict[str, list[str]], partner_tree: dict[str, list[str]],
               periods: list[str]) -> str:
    def tree(name: str, children: dict[str, list[str]]) -> list[str]:
        return [f"  {name}:"] + [f"    {json.dumps(p)}: {json.dumps(c)}"
                                 for p, c in children.items()]

    months = {p: [f"{p}-{m:02d}" for m in range(1, 13)] for p in periods}
    return "\n".join([
        "version: 1",
        "title: release of the yardstick's shape",
        "figures:",
        "  value: value",
        "  change: change_pct",
        "  unit: unit",
        "  units: {USD bn: 1.0e9, USD mn: 1.0e6}",
        "  time: period",
        "  rounding: half-unit",
        "  trailing_zeros: significant",
        "dimensions:",
        f"  flow: {json.dumps(FLOWS)}",
        *tree("product", product_tree),
        *tree("partner", partner_tree),
        *tree("period", months),
        "rules:",
        "  - {id: balance, identity: balance = exports - imports, along: flow}",
        "  - {id: products, breakdown: product, where: {flow: [exports, imports]}}",
        "  - {id: partners, breakdown: partner, where: {flow: [exports, imports]}}",
        "  - {id: months, breakdown: period, where: {flow: [exports, imports]}}",
        "  - {id: prior-year, implied_prior: [balance, products, partners, months]}",
    ]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=float)
    parser.add_argument("out", type=Path)
    parser.add_argument("--time-consistent", action="store_true")
    parser.add_argument("--per-type", type=int, default=100)
    parser.add_argument("--block-years", type=int, default=None,
                        help="generate this many years at a time (a release larger than memory)")
    parser.add_argument("--parquet", action="store_true", help="write release.parquet")
    args = parser.parse_args()
    rows = generate(int(args.n), args.out, args.time_consistent, args.per_type,
                    block_years=args.block_years, parquet=args.parquet)
    name = "release.parquet" if args.parquet else "release.csv"
    print(f"{rows} figures written to {args.out / name}")


if __name__ == "__main__":
    main()
