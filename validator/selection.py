"""`--select` / `--ignore`: which rules a report keeps, by rule id or id prefix.

A selector names a rule id (`balance`) or a family of them up to a dot (`input` selects
`input.duplicate` and every other `input.` check; `revision` selects `revision`,
`revision.added` and `revision.dropped`). Rules are still evaluated (one rule may use another:
implied_prior runs the identity it names); only the report leaves the others out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from validator.report import Report
from validator.suggest import did_you_mean


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Repeated options and comma-separated lists alike: `--select a,b --select c`."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def matches(rule_id: str, selector: str) -> bool:
    return rule_id == selector or rule_id.startswith(selector + ".")


def keeps(rule_id: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    selected = not select or any(matches(rule_id, s) for s in select)
    return selected and not any(matches(rule_id, s) for s in ignore)


def select_rules(report: Report, select: Sequence[str], ignore: Sequence[str]) -> Report:
    if not select and not ignore:
        return report
    return replace(
        report,
        rules=tuple(r for r in report.rules if keeps(r.id, select, ignore)),
        discrepancies=tuple(d for d in report.discrepancies if keeps(d.rule, select, ignore)),
        not_evaluated=tuple(n for n in report.not_evaluated if keeps(n.rule, select, ignore)),
    )


def unknown_selectors(selectors: Iterable[str], rule_ids: Iterable[str]) -> list[str]:
    """A message for each selector that matches no rule of any report (a likely typo)."""
    known = list(dict.fromkeys(rule_ids))
    families = {rid.split(".")[0] for rid in known}
    return [f"no rule has the id '{s}'{did_you_mean(s, [*known, *families])}"
            for s in dict.fromkeys(selectors) if not any(matches(r, s) for r in known)]
