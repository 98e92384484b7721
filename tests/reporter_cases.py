"""Small reports built by hand with the dataclasses, shared by the reporter tests.

`problem_report()` packs the awkward cases in: an error from an identity rule, a warning from
a breakdown with parts in mixed units, a not-evaluated instance, and user text carrying
Markdown/HTML/XML/workflow-command syntax (`<script>`, `|`, `,`, `:`, `%`, newlines).
"""

from __future__ import annotations

from validator.report import (
    Discrepancy,
    FigureRef,
    NotEvaluated,
    Report,
    RuleSummary,
    Severity,
)

# A label that must show up as text everywhere and never run.
EVIL_REGION = "<script>alert(1)</script> | A, B: C"
# Would retitle the page if any of it were ever parsed as HTML.
EVIL_REASON = "<img src=x onerror=\"document.title='pwned'\"> import figure absent"


def clean_report() -> Report:
    return Report(
        title="Trade release, September",
        table="data/clean.csv",
        rules_file="rules.yaml",
        figures=3,
        rules=(
            RuleSummary(
                id="balance",
                kind="identity",
                description="Trade balance equals exports minus imports",
                severity=Severity.ERROR,
                checked=1,
                failed=0,
                not_evaluated=0,
            ),
        ),
        discrepancies=(),
        not_evaluated=(),
    )


def problem_report() -> Report:
    period = {"period": "2024-09"}
    balance = Discrepancy(
        rule="balance",
        kind="identity",
        severity=Severity.ERROR,
        description="Trade balance equals exports minus imports",
        message="balance 5.3 is not exports 258.4 - imports 206.0 = 52.4",
        headline="Figures that should balance do not add up",
        figures=(
            FigureRef(
                key={"region": "World", "item": "balance"},
                value="5.3",
                row=4,
                unit="USD bn",
                role="term",
                extra={"source": "S3"},
            ),
            FigureRef(
                key={"region": "World", "item": "exports"},
                value="258.4",
                row=2,
                unit="USD bn",
                change="3.1",
                role="term",
                extra={"source": "S1"},
            ),
            FigureRef(
                key={"region": "World", "item": "imports"},
                value="206.0",
                row=3,
                unit="USD bn",
                role="term",
                extra={"source": "S2"},
            ),
        ),
        context=period,
        expected=(52.3, 52.5),
        reported=(5.25, 5.35),
        gap=46.95,
        unit="USD bn",
    )
    breakdown = Discrepancy(
        rule="regions",
        kind="breakdown",
        severity=Severity.WARNING,
        description="Regional exports add up to the world total",
        message="exports 258.4 USD bn is not the sum of its parts"
        " 120.0 USD bn + 995 USD m = 121.0 USD bn (46.8% of the total)",
        headline="A total does not equal the sum of its parts",
        figures=(
            FigureRef(
                key={"region": EVIL_REGION, "item": "exports"},
                value="995",
                row=6,
                unit="USD m",
                role="part",
                extra={"source": 'S5: "Exports to A, B: C rose\nto $995 million."'},
            ),
            FigureRef(
                key={"region": "World", "item": "exports"},
                value="258.4",
                row=2,
                unit="USD bn",
                role="total",
                extra={"source": "S1"},
            ),
            FigureRef(
                key={"region": "EU", "item": "exports"},
                value="120.0",
                row=5,
                unit="USD bn",
                role="part",
                extra={"source": "S4", "page": "2"},
            ),
        ),
        context=period,
        expected=(120.9451, 121.0951),
        reported=(258.35, 258.45),
        gap=137.2549,
        unit="USD bn",
    )
    return Report(
        title="Trade release <September> & co",
        table="data/trade,2024:09.csv",
        rules_file="rules.yaml",
        figures=6,
        rules=(
            RuleSummary(
                id="balance",
                kind="identity",
                description="Trade balance equals exports minus imports",
                severity=Severity.ERROR,
                checked=2,
                failed=1,
                not_evaluated=1,
            ),
            RuleSummary(
                id="regions",
                kind="breakdown",
                description="Regional exports add up to the world total",
                severity=Severity.WARNING,
                checked=1,
                failed=1,
                not_evaluated=0,
            ),
        ),
        discrepancies=(balance, breakdown),
        not_evaluated=(
            NotEvaluated(
                rule="balance",
                reason=EVIL_REASON,
                missing=({"region": "JP", "item": "imports"},),
                context={"period": "2024-08"},
            ),
        ),
    )
