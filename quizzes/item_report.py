"""An item-analysis report in the shapes people read it: rows for CSV and the terminal,
plain data for JSON, and the score histogram's geometry for the admin page's SVG.

CSV cells are made safe for spreadsheets here, in one place: a text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula, so it gets a
leading `'`. Numbers are written as numbers (a negative discrimination stays -0.25).
"""

import csv
import io
import json
from dataclasses import asdict, dataclass

from .item_analysis import (
    DISCRIMINATION_FLOOR,
    EASY_FACILITY_FLOOR,
    HARD_FACILITY_CEILING,
    SUGGEST_EASY_FROM,
    SUGGEST_MEDIUM_FROM,
    UPPER_LOWER_SHARE,
    LessonReport,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """A spreadsheet-safe cell: text that a spreadsheet would run as a formula gets a `'`."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def rules(report: LessonReport) -> list[str]:
    """The thresholds behind the flags and the suggestions, said in words."""
    return [
        f"Only finished test attempts count; a question needs at least "
        f"{report.min_responses} responses before anything about it is judged.",
        f"Labelled easy but facility below {EASY_FACILITY_FLOOR:.0%}; labelled hard but "
        f"facility above {HARD_FACILITY_CEILING:.0%}.",
        f"Discrimination: point-biserial against the rest score below {DISCRIMINATION_FLOOR} "
        f"(or negative); the upper–lower index compares the top and bottom "
        f"{UPPER_LOWER_SHARE:.0%} of attempts ({report.upper_lower_group} each).",
        "A distractor (wrong option) that nobody chose.",
        f"Suggested difficulty: facility ≥ {SUGGEST_EASY_FROM:.0%} easy, "
        f"{SUGGEST_MEDIUM_FROM:.0%}–{SUGGEST_EASY_FROM:.0%} medium, "
        f"below {SUGGEST_MEDIUM_FROM:.0%} hard.",
    ]


def _number(value, places: int = 3):
    return None if value is None else round(value, places)


def item_rows(report: LessonReport) -> tuple[list[str], list[list]]:
    """One row per question, flagged first; options as (text, chosen, right) column triples."""
    width = max((len(item.options) for item in report.items), default=0)
    header = [
        "question", "kind", "difficulty", "suggested", "active", "responses", "right",
        "facility", "point_biserial", "upper_lower", "median_seconds", "flags",
    ]  # fmt: skip
    for n in range(1, width + 1):
        header += [f"option_{n}", f"option_{n}_chosen", f"option_{n}_correct"]
    rows = []
    for item in report.items:
        row = [
            item.key, item.kind, item.difficulty, item.suggested_difficulty or "",
            item.is_active, item.responses, item.right, _number(item.facility),
            _number(item.point_biserial), _number(item.upper_lower), item.median_seconds,
            "; ".join(flag.message for flag in item.flags),
        ]  # fmt: skip
        for option in item.options:
            row += [option.text, option.chosen, option.is_correct]
        rows.append(row)
    return header, rows


def as_csv(report: LessonReport) -> str:
    header, rows = item_rows(report)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in [header, *rows]:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    return out.getvalue()


def as_json(report: LessonReport) -> str:
    data = asdict(report)
    data["rules"] = rules(report)
    return json.dumps(data, indent=2, ensure_ascii=False)


def as_table(report: LessonReport) -> str:
    """A plain-text report for the terminal."""
    lines = [
        f"{report.title} ({report.slug}): {report.attempts} finished attempts, "
        f"mean score {_shown(report.mean_score, 2)}, SD {_shown(report.score_sd, 2)}, "
        f"KR-20 {_shown(report.kr20, 2)}",
        "Scores: " + ", ".join(f"{b.score}:{b.attempts}" for b in report.bins),
        "",
    ]
    header = ["question", "label", "suggest", "resp", "facility", "r_pbis", "U-L", "median s"]
    cells = [
        [
            item.key,
            item.difficulty,
            item.suggested_difficulty or "-",
            str(item.responses),
            _shown(item.facility),
            _shown(item.point_biserial),
            _shown(item.upper_lower),
            _shown(item.median_seconds, 1),
        ]  # fmt: skip
        for item in report.items
    ]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for item, row in zip(report.items, cells, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        for option in item.options:
            mark = "*" if option.is_correct else " "
            lines.append(f"    {mark} {option.chosen:>6}  {option.text}")
        lines.extend(f"    ! {flag.message}" for flag in item.flags)
    lines += ["", *rules(report)]
    return "\n".join(lines) + "\n"


def _shown(value, places: int = 2) -> str:
    return "-" if value is None else f"{value:.{places}f}"


@dataclass(frozen=True)
class Bar:
    score: int
    attempts: int
    x: float
    y: float
    width: float
    height: float
    label_x: float


@dataclass(frozen=True)
class Histogram:
    width: int
    height: int
    baseline: float
    top: int  # the largest bin, the top of the scale
    bars: list[Bar]


CHART_WIDTH, CHART_HEIGHT, AXIS_SPACE, TOP_SPACE = 480, 200, 24, 16


def histogram(report: LessonReport) -> Histogram:
    """Where each score's bar goes in the SVG: one bar per score, heights to scale."""
    bins = report.bins
    top = max((b.attempts for b in bins), default=0)
    slot = CHART_WIDTH / max(len(bins), 1)
    plot = CHART_HEIGHT - AXIS_SPACE - TOP_SPACE
    baseline = CHART_HEIGHT - AXIS_SPACE
    bars = []
    for i, b in enumerate(bins):
        height = plot * b.attempts / top if top else 0
        bars.append(
            Bar(
                b.score,
                b.attempts,
                x=round(i * slot + 2, 1),
                y=round(baseline - height, 1),
                width=round(slot - 4, 1),
                height=round(height, 1),
                label_x=round(i * slot + slot / 2, 1),
            )  # fmt: skip
        )
    return Histogram(CHART_WIDTH, CHART_HEIGHT, baseline, top, bars)
