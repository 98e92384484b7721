"""Generate a synthetic release: four dimensions, hierarchies, balances and growth rates.

    python benchmarks/synthetic.py OUT_DIR [--products 40 --subproducts 20 --partners 30]

Writes OUT_DIR/figures.csv and OUT_DIR/rules.yaml. The defaults give 1,017,861 figures:
3 flows x 841 products (1 + 40 + 40 x 20) x 31 partners x 13 periods (a year and its months).
True values are consistent (parents are sums of their children, balance = exports - imports,
a prior year consistent in the same way), then printed to one decimal in USD mn, so the release
checks clean and every rule kind runs at full size.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv


def codes(products: int, subproducts: int, partners: int) -> tuple[list[str], list[str]]:
    product_codes = ["TOTAL"] + [f"P{i:02d}" for i in range(products)] + [
        f"P{i:02d}-{j:02d}" for i in range(products) for j in range(subproducts)
    ]
    partner_codes = ["World"] + [f"C{i:02d}" for i in range(partners)]
    return product_codes, partner_codes


def rules_yaml(products: int, subproducts: int, partners: int) -> str:
    lines = [
        "version: 1",
        "title: Synthetic benchmark release",
        "figures: {value: value, change: change_pct, unit: unit, units: {USD mn: 1.0e6},",
        "          time: period}",
        "dimensions:",
        "  flow: [exports, imports, balance]",
        "  product:",
        "    TOTAL: [" + ", ".join(f"P{i:02d}" for i in range(products)) + "]",
    ]
    for i in range(products):
        lines.append(f"    P{i:02d}: [" + ", ".join(f"P{i:02d}-{j:02d}" for j in range(subproducts))
                     + "]")
    lines.append("  partner:")
    lines.append("    World: [" + ", ".join(f"C{i:02d}" for i in range(partners)) + "]")
    lines.append('  period: {"2020": [' + ", ".join(f'"2020-{m:02d}"' for m in range(1, 13))
                 + "]}")
    lines += [
        "rules:",
        "  - {id: balance, identity: balance = exports - imports, along: flow}",
        "  - {id: products, breakdown: product, where: {flow: [exports, imports]}}",
        "  - {id: partners, breakdown: partner, where: {flow: [exports, imports]}}",
        "  - {id: months, breakdown: period, complete: true}",
        "  - {id: prior-year, implied_prior: [balance, products, partners, months]}",
        "  - {id: non-negative, bounds: {min: 0}, where: {flow: [exports, imports]}}",
    ]
    return "\n".join(lines) + "\n"


def cube(leaves: np.ndarray) -> np.ndarray:
    """(flow, product, partner, period) with every aggregate the sum of its parts.

    `leaves` is (2 flows, products, subproducts, partners, 12 months).
    """
    _, products, subproducts, partners, _ = leaves.shape
    sub = leaves.reshape(2, products * subproducts, partners, 12)
    mid = leaves.sum(axis=2)
    top = mid.sum(axis=1, keepdims=True)
    product_axis = np.concatenate([top, mid, sub], axis=1)  # (2, 841, partners, 12)
    partner_axis = np.concatenate([product_axis.sum(axis=2, keepdims=True), product_axis], axis=2)
    period_axis = np.concatenate([partner_axis.sum(axis=3, keepdims=True), partner_axis], axis=3)
    balance = period_axis[0] - period_axis[1]
    return np.concatenate([period_axis, balance[None]], axis=0)


def generate(out: Path, products: int, subproducts: int, partners: int, seed: int = 7) -> int:
    rng = np.random.default_rng(seed)
    leaves = rng.uniform(50.0, 500.0, size=(2, products, subproducts, partners, 12))
    now = cube(leaves)
    # The prior year has the same structure: each leaf grew by its own factor.
    prior = cube(leaves / rng.uniform(0.8, 1.3, size=leaves.shape))
    # Rates are meaningless for balances that change sign; leave them unreported there.
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (now / prior - 1) * 100
    rate_ok = (np.sign(now) == np.sign(prior)) & (np.abs(prior) > 1.0)
    rate_ok[2] = False
    product_codes, partner_codes = codes(products, subproducts, partners)
    periods = ["2020"] + [f"2020-{m:02d}" for m in range(1, 13)]
    shape = now.shape
    index = np.indices(shape).reshape(4, -1)
    value_text = np.char.mod("%.1f", now.reshape(-1))
    rate_text = np.where(rate_ok.reshape(-1), np.char.mod("%.1f", rate.reshape(-1)), "")
    table = pa.table({
        "flow": pa.array(np.array(["exports", "imports", "balance"])[index[0]]),
        "product": pa.array(np.array(product_codes)[index[1]]),
        "partner": pa.array(np.array(partner_codes)[index[2]]),
        "period": pa.array(np.array(periods)[index[3]]),
        "value": pa.array(value_text),
        "unit": pa.array(np.full(index.shape[1], "USD mn")),
        "change_pct": pa.array(rate_text),
    })
    out.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, out / "figures.csv",
                    pacsv.WriteOptions(quoting_style="none"))
    (out / "rules.yaml").write_text(rules_yaml(products, subproducts, partners), encoding="utf-8")
    return table.num_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--products", type=int, default=40)
    parser.add_argument("--subproducts", type=int, default=20)
    parser.add_argument("--partners", type=int, default=30)
    args = parser.parse_args()
    rows = generate(args.out, args.products, args.subproducts, args.partners)
    print(f"{rows} figures written to {args.out / 'figures.csv'}")


if __name__ == "__main__":
    main()
