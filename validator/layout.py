"""Tables laid out for print, turned into figures: the `layout` section of the rules file.

    layout:
      csv: {delimiter: ";", decimal: ",", thousands: ".", encoding: cp1252}
      sheets:
        - sheet: Table 1          # omitted: every sheet without an entry of its own
          header_rows: [3, 4]     # the column headers: one or two levels, merged cells included
          labels: {A: product}    # columns of row labels, and the dimension they name
          fixed: {partner: World} # codes that hold for the whole sheet
          unit: USD bn            # when no title or header states it ("USD billion")
          notes: [Note, Source]   # rows starting with these words are notes
          headers: {"y/y %": change, "Outbound": {flow: exports}}
      detect: true                # without an entry, print layouts are detected (default)

Every header cell names a code (a code, its label or an alias in `labels:`, "Total" for the top
of a hierarchy), a period ("2020", "December 2020", "2020-12", "Q3 2020"), a measure (value,
`% change`, share) or a unit ("USD million"). A `% change` column without codes of its own
belongs to the value column on its left. Dimensions named nowhere take their one top code
(`World`, `ICT`) or the period a title names. Rows are read from the first row whose label is a
code; text rows without figures (titles, sections, notes) are skipped, figures under a header
that names nothing are listed as not read. Without any entry the same detection runs, so a
simple publication table needs no `layout` section at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from validator.model import Dimension, ParseContext, RuleSet
from validator.periods import is_period
from validator.sheets import Grid, column_letter, column_number
from validator.yamlpos import Path

MEASURES = ("value", "change", "share", "abs_change")
SHEET_KEYS = ("sheet", "header_rows", "labels", "fixed", "unit", "notes", "headers")
LAYOUT_KEYS = ("csv", "sheets", "detect")
CSV_KEYS = ("delimiter", "decimal", "thousands", "encoding")
DEFAULT_NOTES = ("note", "notes", "source", "sources", "*", "p)", "e)", "1)", "(1)", "a)")
MEASURE_WORDS: Mapping[str, str] = {
    "% change": "change", "change %": "change", "change (%)": "change", "% chg": "change",
    "chg %": "change", "% y/y": "change", "y/y %": "change", "y/y": "change", "yoy": "change",
    "% yoy": "change", "growth": "change", "growth (%)": "change", "% growth": "change",
    "change": "change", "%": "change", "percent change": "change", "pct change": "change",
    "share": "share", "share (%)": "share", "% share": "share", "% of total": "share",
    "share of total": "share", "value": "value", "amount": "value", "level": "value",
    "change in amount": "abs_change",
}
TOTAL_WORDS = ("total", "all", "overall", "grand total")


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str | None = None  # None: detected
    decimal: str | None = None
    thousands: str | None = None
    encoding: str | None = None


@dataclass(frozen=True)
class SheetLayout:
    sheet: str | None = None  # None: every sheet without an entry of its own
    header_rows: tuple[int, ...] = ()
    labels: Mapping[int, str] = field(default_factory=dict)  # column number -> dimension
    fixed: Mapping[str, str] = field(default_factory=dict)
    unit: str | None = None
    notes: tuple[str, ...] = DEFAULT_NOTES
    headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # words -> meaning


@dataclass(frozen=True)
class Layout:
    csv: CsvDialect = field(default_factory=CsvDialect)
    sheets: tuple[SheetLayout, ...] = ()
    detect: bool = True

    def for_sheet(self, name: str) -> SheetLayout | None:
        named = [s for s in self.sheets if s.sheet == name]
        if named:
            return named[0]
        return next((s for s in self.sheets if s.sheet is None), None)


# --- the rules-file section ----------------------------------------------------------------

def parse_layout(ctx: ParseContext, raw: Any, path: Path) -> Layout | None:
    """The `layout` section; errors go to ctx with their positions."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        ctx.error(path, "'layout' must be a mapping with 'sheets' and/or 'csv'")
        return None
    _unknown(ctx, raw, path, LAYOUT_KEYS, "'layout'")
    dialect = _csv(ctx, raw.get("csv"), (*path, "csv"))
    sheets: list[SheetLayout] = []
    raw_sheets = raw.get("sheets", [])
    if not isinstance(raw_sheets, list):
        ctx.error((*path, "sheets"), "'sheets' must be a list of sheet layouts")
        raw_sheets = []
    for i, item in enumerate(raw_sheets):
        sheet = _sheet(ctx, item, (*path, "sheets", i))
        if sheet is not None:
            sheets.append(sheet)
    detect = raw.get("detect", "true")
    if str(detect).lower() not in ("true", "false"):
        ctx.error((*path, "detect"), "'detect' must be true or false")
    return Layout(csv=dialect, sheets=tuple(sheets), detect=str(detect).lower() != "false")


def _unknown(ctx: ParseContext, raw: dict[str, Any], path: Path, allowed: tuple[str, ...],
             what: str) -> None:
    for key in raw:
        if key not in allowed:
            ctx.error((*path, key), f"unknown key '{key}' in {what} (expected one of: "
                      f"{', '.join(allowed)})", at_key=True)


def _csv(ctx: ParseContext, raw: Any, path: Path) -> CsvDialect:
    if raw is None:
        return CsvDialect()
    if not isinstance(raw, dict):
        ctx.error(path, "'csv' must be a mapping such as {delimiter: ';', decimal: ','}")
        return CsvDialect()
    _unknown(ctx, raw, path, CSV_KEYS, "'csv'")
    values: dict[str, str | None] = {}
    for key in CSV_KEYS:
        value = raw.get(key)
        if value is None:
            values[key] = None
            continue
        text = "\t" if value in ("\\t", "tab") else str(value)
        if key == "encoding":
            import codecs

            try:
                codecs.lookup(text)
            except LookupError:
                ctx.error((*path, key), f"unknown encoding '{text}'")
                text = "utf-8"
        elif key == "decimal" and text not in (".", ","):
            ctx.error((*path, key), "'decimal' must be '.' or ','")
            text = "."
        elif len(text) != 1 and not (key == "thousands" and text == ""):
            ctx.error((*path, key), f"'{key}' must be one character")
            text = ","
        values[key] = text
    return CsvDialect(**values)


def _sheet(ctx: ParseContext, raw: Any, path: Path) -> SheetLayout | None:
    if not isinstance(raw, dict):
        ctx.error(path, "a sheet layout must be a mapping such as {sheet: Table 1, "
                  "labels: {A: product}}")
        return None
    _unknown(ctx, raw, path, SHEET_KEYS, "a sheet layout")
    dims = ctx.dimensions
    header_rows: list[int] = []
    raw_rows = raw.get("header_rows", [])
    for i, item in enumerate(raw_rows if isinstance(raw_rows, list) else [raw_rows]):
        where = (*path, "header_rows", i) if isinstance(raw_rows, list) else (*path, "header_rows")
        if not str(item).isdigit() or int(str(item)) < 1:
            ctx.error(where, "a header row is a row number (1 for the first row)")
        else:
            header_rows.append(int(str(item)))
    labels: dict[int, str] = {}
    raw_labels = raw.get("labels", {})
    if not isinstance(raw_labels, dict):
        ctx.error((*path, "labels"), "'labels' must map a column letter to a dimension, "
                  "e.g. {A: product}")
        raw_labels = {}
    for column, dim in raw_labels.items():
        if not re.fullmatch(r"[A-Za-z]{1,3}", str(column)):
            ctx.error((*path, "labels", column), f"'{column}' is not a column letter",
                      at_key=True)
        elif dim not in dims:
            ctx.error((*path, "labels", column), f"unknown dimension '{dim}' (one of: "
                      f"{', '.join(dims)})")
        else:
            labels[column_number(str(column))] = dim
    fixed: dict[str, str] = {}
    raw_fixed = raw.get("fixed", {})
    if not isinstance(raw_fixed, dict):
        ctx.error((*path, "fixed"), "'fixed' must map dimensions to one code each")
        raw_fixed = {}
    for dim, code in raw_fixed.items():
        if dim not in dims:
            ctx.error((*path, "fixed", dim), f"unknown dimension '{dim}' in 'fixed'", at_key=True)
            continue
        found = ctx.codes_of(dim, (*path, "fixed", dim), code)
        if found is not None and len(found) == 1:
            fixed[dim] = next(iter(found))
        elif found is not None:
            ctx.error((*path, "fixed", dim), "'fixed' gives one code per dimension")
    unit = raw.get("unit")
    if unit is not None and ctx.units and unit not in ctx.units:
        ctx.error((*path, "unit"), f"unknown unit '{unit}' (declared: {', '.join(ctx.units)})")
    notes = raw.get("notes", list(DEFAULT_NOTES))
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        ctx.error((*path, "notes"), "'notes' must be a list of words that start a note row")
        notes = list(DEFAULT_NOTES)
    headers = _headers(ctx, raw.get("headers", {}), (*path, "headers"))
    sheet = raw.get("sheet")
    return SheetLayout(
        sheet=None if sheet is None else str(sheet),
        header_rows=tuple(header_rows),
        labels=labels,
        fixed=fixed,
        unit=None if unit is None else str(unit),
        notes=tuple(n.lower() for n in notes),
        headers=headers,
    )


def _headers(ctx: ParseContext, raw: Any, path: Path) -> dict[str, Mapping[str, str]]:
    if not isinstance(raw, dict):
        ctx.error(path, "'headers' must map header words to a measure or to codes")
        return {}
    result: dict[str, Mapping[str, str]] = {}
    for words, meaning in raw.items():
        where = (*path, words)
        if isinstance(meaning, str):
            if meaning not in MEASURES:
                ctx.error(where, f"'{meaning}' is not a measure (one of: {', '.join(MEASURES)})")
                continue
            result[normal(words)] = {"": meaning}
        elif isinstance(meaning, dict):
            codes: dict[str, str] = {}
            for dim, code in meaning.items():
                if dim not in ctx.dimensions:
                    ctx.error((*where, dim), f"unknown dimension '{dim}'", at_key=True)
                    continue
                found = ctx.codes_of(dim, (*where, dim), code)
                if found is not None:
                    codes[dim] = next(iter(found))
            result[normal(words)] = codes
        else:
            ctx.error(where, "a header's meaning is a measure or a mapping of codes")
    return result


# --- words ----------------------------------------------------------------------------------

_FOOTNOTE = re.compile(r"(?:\s*(?:\(\w\)|\[\w+\]|[*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]+|\s\d\)))+$")


def normal(text: str) -> str:
    """Header or label words compared loosely: case, spacing, underscores, footnote marks."""
    text = _FOOTNOTE.sub("", str(text).strip())
    text = text.replace("_", " ").replace("\u00a0", " ").casefold()
    return re.sub(r"\s+", " ", text).strip(" .:")


def _labels_of(rules: RuleSet, dim: str) -> dict[str, str]:
    """Words -> code for one dimension: codes, and the labels and aliases of `labels:`."""
    words: dict[str, str] = {}
    dimension = rules.dimension(dim)
    entries = rules.labels.get(dim, {})
    for code in dimension.codes:
        entry = entries.get(code)
        forms = [] if entry is None else [*([entry.label] if entry.label else []),
                                          *entry.aliases]
        for form in forms:
            words.setdefault(normal(form), code)
    for code in dimension.codes:  # a code itself wins over another code's alias
        words[normal(code)] = code
    roots = _roots(dimension)
    if len(roots) == 1:
        for word in TOTAL_WORDS:
            words.setdefault(word, roots[0])
            words.setdefault(f"{word} {normal(roots[0])}", roots[0])
    return words


def _roots(dimension: Dimension) -> list[str]:
    children = {c for kids in dimension.children.values() for c in kids}
    return [c for c in dimension.codes if c in dimension.children and c not in children]


_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTHS.update({name[:3]: n for name, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9


def header_period(text: str) -> str | None:
    """The period a header or title names: 2020, 2020-12, 2020Q3; None if it names none."""
    words = normal(text)
    if is_period(words.upper() if "q" in words else words):
        return words.upper() if "q" in words else words
    found = re.fullmatch(r"(?:jan(?:uary)?\s*[-\u2013]\s*dec(?:ember)?\.?\s+)?"
                         r"((?:19|20)\d{2})", words)
    if found:
        return found[1]
    found = re.fullmatch(r"([a-z]+)\.?\s*,?\s*((?:19|20)\d{2})", words)
    if found and found[1] in _MONTHS:
        return f"{found[2]}-{_MONTHS[found[1]]:02d}"
    found = re.fullmatch(r"q([1-4])\s*((?:19|20)\d{2})|((?:19|20)\d{2})\s*q([1-4])", words)
    if found:
        return f"{found[2] or found[3]}Q{found[1] or found[4]}"
    return None


def _unit_tokens(text: str) -> frozenset[str]:
    text = text.casefold().replace("us$", " usd ").replace("$", " usd ")
    text = re.sub(r"\bu\.?s\.?\s+dollars?\b|\bdollars?\b", " usd ", text)
    tokens = re.findall(r"[a-z€£¥]+", text)
    synonyms = {"billion": "bn", "billions": "bn", "bil": "bn", "b": "bn", "million": "mn",
                "millions": "mn", "mil": "mn", "mln": "mn", "m": "mn", "thousand": "k",
                "thousands": "k", "th": "k", "eur": "eur", "euro": "eur", "euros": "eur",
                "€": "eur"}
    return frozenset(synonyms.get(t, t) for t in tokens)


def unit_named(text: str, units: Sequence[str]) -> str | None:
    """The declared unit a title or header states ("USD million" names `USD mn`)."""
    if not text.strip():
        return None
    tokens = _unit_tokens(text)
    matches = [u for u in units if _unit_tokens(u) and _unit_tokens(u) <= tokens]
    return max(matches, key=lambda u: len(_unit_tokens(u))) if matches else None


# --- reading a grid ------------------------------------------------------------------------

@dataclass(frozen=True)
class Meaning:
    codes: Mapping[str, str]
    measure: str | None
    unit: str | None
    named: bool  # the header says something the layout understands


@dataclass
class Laid:
    """The figures of one sheet as tidy records, with the cell each text came from."""

    records: list[dict[str, str]]
    cells: list[dict[str, tuple[int, int]]]  # column of the record -> (row, column)
    rows: list[int]  # the sheet row of each record's value (or change) cell
    unread: list[str]
    description: str  # the layout found, in words
    suggestion: dict[str, Any]  # the layout as a rules-file entry, and the hierarchy found


class LayoutError(Exception):
    """A sheet that cannot be read under its layout; the message names the sheet and cell."""


def lay_out(grid: Grid, rules: RuleSet, sheet: SheetLayout | None) -> Laid | None:
    """The figures of a sheet laid out for print; None when no layout is found (detection)."""
    reader = _Reader(grid, rules, sheet or SheetLayout())
    return reader.read(explicit=sheet is not None)


class _Reader:
    def __init__(self, grid: Grid, rules: RuleSet, sheet: SheetLayout) -> None:
        self.grid = grid
        self.rules = rules
        self.sheet = sheet
        self.dims = [d.name for d in rules.dimensions]
        self.words = {d: _labels_of(rules, d) for d in self.dims}
        self.time = rules.figures.time
        self.units = list(rules.figures.units)
        self.spread = self._spread_merged()

    def _spread_merged(self) -> dict[tuple[int, int], str]:
        spread = {}
        for r0, c0, r1, c1 in self.grid.merged:
            text = self.grid.text(r0, c0)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    spread[(r, c)] = text
        return spread

    def text(self, row: int, column: int) -> str:
        return self.spread.get((row, column), self.grid.text(row, column)).strip()

    def code(self, dim: str, text: str) -> str | None:
        return self.words[dim].get(normal(text))

    def label_dim(self, text: str) -> str | None:
        key = normal(text)
        return next((d for d in self.dims if key and key in self.words[d]), None)

    # -- structure

    def read(self, explicit: bool) -> Laid | None:
        grid = self.grid
        labels = dict(self.sheet.labels) or self._detect_labels()
        if not labels:
            if explicit:
                raise LayoutError(f"sheet '{grid.sheet}': no column of row labels found; give "
                                  "'labels' (e.g. {A: product})")
            return None
        first = self._first_data_row(labels)
        if first is None:
            if explicit:
                raise LayoutError(f"sheet '{grid.sheet}': no row whose label is a code of "
                                  f"{', '.join(sorted(set(labels.values())))}")
            return None
        header_rows = list(self.sheet.header_rows) or self._detect_header_rows(first, labels)
        if not header_rows:
            if explicit:
                raise LayoutError(f"sheet '{grid.sheet}': no header rows above row {first}")
            return None
        data_start = max(max(header_rows) + 1, first)
        above = [self.text(r, c) for r in range(1, min(header_rows))
                 for c in range(1, grid.width + 1)]
        sheet_unit = self.sheet.unit or next(
            (u for u in (unit_named(t, self.units) for t in above) if u), None)
        sheet_period = next((p for p in (self._title_period(t) for t in above) if p), None)
        columns = self._columns(header_rows, labels)
        figure_columns = {c: m for c, m in columns.items() if m.named}
        if not any(m.measure in (None, "value", "change", "share", "abs_change")
                   for m in figure_columns.values()):
            if explicit:
                raise LayoutError(f"sheet '{grid.sheet}': no header names a figure")
            return None
        unit_column = next((c for c in range(1, grid.width + 1) if c not in labels and
                            normal(self.text(max(header_rows), c)) in ("unit", "units")), None)
        laid = Laid([], [], [], [], "", {})
        named_dims = set(labels.values()) | set(self.sheet.fixed)
        for meaning in figure_columns.values():
            named_dims |= set(meaning.codes)
        fixed = dict(self.sheet.fixed)
        for dim in self.dims:
            if dim in named_dims:
                continue
            if dim == self.time and sheet_period:
                fixed[dim] = sheet_period
                continue
            roots = _roots(self.rules.dimension(dim))
            if len(roots) == 1:
                fixed[dim] = roots[0]
            elif explicit:
                raise LayoutError(f"sheet '{grid.sheet}': no header, label column or title "
                                  f"names the {dim}; give it in 'fixed'")
            else:
                return None
        self._rows(laid, data_start, labels, figure_columns, fixed,
                   sheet_unit, unit_column)
        for column, meaning in columns.items():
            if meaning.named or column in labels or column == unit_column:
                continue
            filled = [r for r in range(data_start, len(grid.rows) + 1)
                      if _looks_numeric(self.text(r, column)) and not self._is_note(r)]
            if filled:
                header = " / ".join(t for t in (self.text(r, column) for r in header_rows) if t)
                laid.unread.append(
                    f"sheet '{grid.sheet}' column {column_letter(column)} "
                    f"('{header or 'no header'}'): {len(filled)} numbers under a header that "
                    "names no figure")
        if not laid.records:
            return None if not explicit else laid
        label_text = ", ".join(f"{column_letter(c)}: {d}" for c, d in sorted(labels.items()))
        where = f"sheet '{grid.sheet}': " if grid.sheet else ""
        laid.description = (f"{where}header rows "
                            f"{', '.join(map(str, header_rows))}, labels {label_text}"
                            + (f", unit {sheet_unit}" if sheet_unit else ""))
        laid.suggestion = self._suggestion(header_rows, labels, fixed, sheet_unit, data_start)
        return laid

    def _title_period(self, text: str) -> str | None:
        if self.time is None:
            return None
        years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)
        months = re.findall(r"\b([A-Za-z]{3,9})\.?\s+((?:19|20)\d{2})\b", text)
        for month, year in months:
            period = header_period(f"{month} {year}")
            if period:
                return period
        return years[0] if len(set(years)) == 1 else None

    def _detect_labels(self) -> dict[int, str]:
        """Label columns: among the first columns, those whose texts are codes of a dimension."""
        found: dict[int, str] = {}
        for column in range(1, min(self.grid.width, 4) + 1):
            votes: dict[str, int] = {}
            for row in range(1, len(self.grid.rows) + 1):
                dim = self.label_dim(self.text(row, column))
                if dim is not None and not _looks_numeric(self.text(row, column)):
                    votes[dim] = votes.get(dim, 0) + 1
            if votes:
                dim, count = max(votes.items(), key=lambda kv: kv[1])
                if count >= 2 and dim not in found.values():
                    found[column] = dim
            elif found:
                break
        return found

    def _first_data_row(self, labels: Mapping[int, str]) -> int | None:
        last = max(labels)
        for row in range(1, len(self.grid.rows) + 1):
            if self.code(labels[last], self.text(row, last)) is None:
                continue
            if any(_looks_numeric(self.text(row, c)) for c in range(last + 1,
                                                                   self.grid.width + 1)):
                return row
        return None

    def _detect_header_rows(self, first: int, labels: Mapping[int, str]) -> list[int]:
        rows: list[int] = []
        row = first - 1
        data_columns = range(max(labels) + 1, self.grid.width + 1)
        while row >= 1 and len(rows) < 3:
            texts = [self.text(row, c) for c in data_columns]
            filled = [t for t in texts if t]
            if not filled:
                if rows:
                    break
                row -= 1
                continue
            # A title spans the table in one cell; a header row names several columns.
            if len(filled) == 1 and rows and (row, max(labels) + 1) not in self.spread:
                break
            rows.insert(0, row)
            row -= 1
        return rows

    def _columns(self, header_rows: list[int], labels: Mapping[int, str]) -> dict[int, Meaning]:
        """What each column's header stack names; a change column takes its value column's codes."""
        meanings: dict[int, Meaning] = {}
        start = max(labels) + 1
        upper: dict[int, str] = {}
        for row in header_rows[:-1]:
            carried = ""
            for column in range(start, self.grid.width + 1):
                text = self.text(row, column)
                carried = text or carried
                upper[column] = f"{upper.get(column, '')}\n{carried}"
        previous: Meaning | None = None
        group = None
        for column in range(start, self.grid.width + 1):
            stack = [t for t in upper.get(column, "").split("\n") if t]
            stack.append(self.text(header_rows[-1], column))
            codes: dict[str, str] = {}
            measure = unit = None
            named = False
            for text in stack:
                meaning = self._meaning(text)
                if meaning is None:
                    continue
                named = True
                codes.update(meaning.codes)
                measure = meaning.measure or measure
                unit = meaning.unit or unit
            own_group = upper.get(column)
            if (measure in ("change", "share") and previous is not None and own_group == group):
                inherited = dict(previous.codes)
                inherited.update(codes)
                codes = inherited
                unit = unit or previous.unit
            meaning = Meaning(codes, measure, unit, named and (bool(codes) or measure is not None))
            if meaning.measure in (None, "value") and meaning.named:
                previous, group = meaning, own_group
            meanings[column] = meaning
        return meanings

    def _meaning(self, text: str) -> Meaning | None:
        if not text.strip():
            return None
        key = normal(text)
        if key in self.sheet.headers:
            given = self.sheet.headers[key]
            measure = given.get("")
            return Meaning({d: c for d, c in given.items() if d}, measure, None, True)
        unit = None
        inner = re.search(r"\(([^()]*)\)\s*$", text)
        if inner and unit_named(inner[1], self.units):
            unit = unit_named(inner[1], self.units)
            text = text[: inner.start()]
            key = normal(text)
        if key in MEASURE_WORDS:
            return Meaning({}, MEASURE_WORDS[key], unit, True)
        for dim in self.dims:
            code = self.words[dim].get(key)
            if code is not None:
                return Meaning({dim: code}, None, unit, True)
        if self.time:
            period = header_period(text)
            if period is not None:
                return Meaning({self.time: period}, None, unit, True)
        # "Exports, % change" and "Exports y/y %": codes and a measure in one header.
        for word, measure in sorted(MEASURE_WORDS.items(), key=lambda kv: -len(kv[0])):
            if key.endswith(" " + word) or key.endswith("," + word):
                rest = self._meaning(key[: -len(word)].strip(" ,;:-"))
                if rest is not None and rest.codes:
                    return Meaning(rest.codes, measure, unit or rest.unit, True)
        unit = unit or unit_named(text, self.units)
        return None if unit is None else Meaning({}, None, unit, False)

    def _is_note(self, row: int) -> bool:
        first = next((self.text(row, c) for c in range(1, self.grid.width + 1)
                      if self.text(row, c)), "")
        lowered = first.casefold()
        return any(lowered.startswith(word) for word in self.sheet.notes)

    def _rows(self, laid: Laid, start: int, labels: Mapping[int, str],
              columns: Mapping[int, Meaning], fixed: Mapping[str, str], sheet_unit: str | None,
              unit_column: int | None) -> None:
        spec = self.rules.figures
        names = {"value": spec.value, "change": spec.change, "share": spec.share,
                 "abs_change": spec.abs_change}
        carried: dict[int, str] = {}
        label_columns = sorted(labels)
        for row in range(start, len(self.grid.rows) + 1):
            if self._is_note(row):
                continue
            texts = {c: self.text(row, c) for c in columns}
            has_numbers = any(t for t in texts.values())
            label_texts: dict[int, str] = {}
            for column in label_columns:
                text = self.text(row, column)
                # An outer label left blank (or merged down) holds for the rows below it.
                if not text and column != label_columns[-1]:
                    text = carried.get(column, "")
                label_texts[column] = text
                if text:
                    carried[column] = text
            inner = label_texts[label_columns[-1]]
            if not has_numbers or not inner:
                continue
            key = dict(fixed)
            for column, text in label_texts.items():
                key[labels[column]] = self.code(labels[column], text) or text
            unit_text = self.text(row, unit_column) if unit_column else ""
            records: dict[tuple[tuple[str, str], ...], int] = {}
            for column, meaning in columns.items():
                if not texts[column] or not meaning.named:
                    continue
                measure = meaning.measure or "value"
                target = names.get(measure)
                if target is None:
                    laid.unread.append(
                        f"sheet '{self.grid.sheet}' {column_letter(column)}{row}: a {measure} "
                        "column, but the rules file names no column for it in 'figures'")
                    continue
                full = {**key, **meaning.codes}
                ident = tuple(sorted(full.items()))
                if ident not in records:
                    records[ident] = len(laid.records)
                    record = {d: full.get(d, "") for d in self.dims}
                    if spec.unit:
                        record[spec.unit] = unit_text or meaning.unit or sheet_unit or ""
                    laid.records.append(record)
                    laid.cells.append({})
                    laid.rows.append(row)
                index = records[ident]
                if target in laid.records[index] and laid.records[index][target]:
                    laid.unread.append(
                        f"sheet '{self.grid.sheet}' {column_letter(column)}{row}: a second "
                        f"{measure} for the same figure")
                    continue
                text = texts[column]
                if measure in ("change", "share") and text.endswith("%"):
                    text = text[:-1].strip()
                laid.records[index][target] = text
                laid.cells[index][target] = (row, column)
                if measure == "value":
                    laid.rows[index] = row
            for index in records.values():
                laid.records[index].setdefault(spec.value, "")

    def _suggestion(self, header_rows: list[int], labels: Mapping[int, str],
                    fixed: Mapping[str, str], unit: str | None, start: int) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "sheet": self.grid.sheet,
            "header_rows": header_rows,
            "labels": {column_letter(c): d for c, d in sorted(labels.items())},
        }
        if fixed:
            entry["fixed"] = dict(fixed)
        if unit:
            entry["unit"] = unit
        hierarchy = self._indent_hierarchy(labels, start)
        return {"layout": entry, "hierarchy": hierarchy}

    def _indent_hierarchy(self, labels: Mapping[int, str], start: int) -> dict[str, Any]:
        """Parents and children as the label column's indentation shows them."""
        column = max(labels)
        dim = labels[column]
        stack: list[tuple[int, str]] = []
        children: dict[str, list[str]] = {}
        for row in range(start, len(self.grid.rows) + 1):
            raw = self.grid.text(row, column)
            code = self.code(dim, raw)
            if not raw.strip() or self._is_note(row):
                continue
            level = self.grid.indent.get((row, column), 0) * 2 + len(raw) - len(raw.lstrip(" "))
            name = code or normal(raw).replace(" ", "_")
            while stack and stack[-1][0] >= level:
                stack.pop()
            if stack:
                children.setdefault(stack[-1][1], []).append(name)
            stack.append((level, name))
        return {dim: children} if children else {}


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[(\-+\u2212]?\s*[$€£]?\s*\d[\d,.\s]*%?\)?", text.strip()))


def suggest(grids: Sequence[Grid], rules: RuleSet) -> str:
    """A `layout` section for the sheets, and the hierarchy their indentation shows, as YAML."""
    import yaml

    sheets: list[dict[str, Any]] = []
    hierarchy: dict[str, dict[str, list[str]]] = {}
    skipped: list[str] = []
    for grid in grids:
        laid = lay_out(grid, rules, rules.layout.for_sheet(grid.sheet) if rules.layout else None)
        if laid is None or not laid.records:
            skipped.append(grid.sheet or "(the table)")
            continue
        sheets.append(laid.suggestion["layout"])
        for dim, children in laid.suggestion["hierarchy"].items():
            merged = hierarchy.setdefault(dim, {})
            for parent, kids in children.items():
                merged.setdefault(parent, [])
                merged[parent].extend(k for k in kids if k not in merged[parent])
    document: dict[str, Any] = {"layout": {"sheets": sheets}}
    if hierarchy:
        document["dimensions"] = hierarchy
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    if skipped:
        text += "".join(f"# no figures laid out for print in sheet '{s}'\n" for s in skipped)
    return text
