"""Small-cell suppression for the director's de-identified aggregates.

``suppress_table(rows)`` takes a table of counts (row label -> column label -> count), adds row,
column and grand totals, and hides:

1. **primary**: every count from 1 to 10 (``SMALL``), totals included;
2. **complementary**: whenever a row or column (totals row and column included) has exactly one
   hidden cell, one more cell of that line is hidden (the smallest shown count above 0, else the
   line's total), so no hidden count can be worked out by subtracting from a total. Repeated until
   no line has exactly one hidden cell.

Zero is shown: a zero reveals nobody. A hidden cell is ``None``; ``render`` prints it as "<11"
for primary cells and "*" for complementary ones.
"""
from __future__ import annotations

from dataclasses import dataclass

#: Counts from 1 to this number are never shown.
SMALL = 10
TOTAL = "Total"


@dataclass(frozen=True)
class SuppressedTable:
    rows: list[str]        # row labels, then "Total"
    columns: list[str]     # column labels, then "Total"
    values: dict[tuple[str, str], int | None]
    primary: frozenset[tuple[str, str]]
    complementary: frozenset[tuple[str, str]]

    def cell(self, row: str, column: str) -> int | None:
        return self.values[(row, column)]

    def shown(self, row: str, column: str) -> str:
        key = (row, column)
        if key in self.primary:
            return f"<{SMALL + 1}"
        if key in self.complementary:
            return "*"
        return str(self.values[key])


def suppress_table(counts: dict[str, dict[str, int]]) -> SuppressedTable:
    """Suppress small cells and their complements in a table of counts (with totals added)."""
    rows = list(counts)
    columns: list[str] = []
    for row in counts.values():
        for column in row:
            if column not in columns:
                columns.append(column)
    full: dict[tuple[str, str], int] = {}
    for r in rows:
        for col in columns:
            value = int(counts[r].get(col, 0))
            if value < 0:
                raise ValueError(f"count for {r} / {col} is {value}; counts cannot be negative")
            full[(r, col)] = value
        full[(r, TOTAL)] = sum(full[(r, col)] for col in columns)
    for col in columns + [TOTAL]:
        full[(TOTAL, col)] = sum(full[(r, col)] for r in rows)
    all_rows, all_cols = rows + [TOTAL], columns + [TOTAL]
    primary = {key for key, value in full.items() if 1 <= value <= SMALL}
    hidden = set(primary)
    lines = [[(r, c) for c in all_cols] for r in all_rows] + [[(r, c) for r in all_rows] for c in all_cols]
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [k for k in line if k not in hidden]
            if sum(1 for k in line if k in hidden) != 1:
                continue
            # Prefer an interior cell (not a total) with a count above 0, smallest first.
            candidates = sorted((k for k in inside if TOTAL not in k and full[k] > 0), key=lambda k: full[k])
            candidates += [k for k in inside if TOTAL in k]
            candidates += [k for k in inside if k not in candidates]
            if candidates:
                hidden.add(candidates[0])
                changed = True
    values = {key: (None if key in hidden else value) for key, value in full.items()}
    return SuppressedTable(all_rows, all_cols, values, frozenset(primary), frozenset(hidden - primary))


def render(table: SuppressedTable) -> str:
    """The table as plain text, with a note on what the symbols mean."""
    width = max(len(x) for x in table.rows + table.columns + ["<11"]) + 2
    lines = ["".ljust(width) + "".join(c.rjust(width) for c in table.columns)]
    for r in table.rows:
        lines.append(r.ljust(width) + "".join(table.shown(r, c).rjust(width) for c in table.columns))
    lines.append(f"<{SMALL + 1}: a count from 1 to {SMALL}, hidden. *: hidden so the small counts cannot be worked out.")
    return "\n".join(lines)
