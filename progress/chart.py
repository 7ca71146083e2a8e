"""A small score-over-time chart, drawn as SVG on the server (no chart library)."""

from dataclasses import dataclass

WIDTH, HEIGHT = 560, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 36, 12, 12, 28


@dataclass
class Point:
    x: float
    y: float
    score: int
    total: int
    label: str  # lesson title and date, for the tooltip and the table


@dataclass
class Chart:
    points: list[Point]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def gridlines(self) -> list[tuple[float, int]]:
        """(y, percent) for 0, 50 and 100 %."""
        return [(_y(share), int(share * 100)) for share in (0, 0.5, 1)]

    @property
    def axis_x(self) -> int:
        """Where the percentages end, just left of the plot."""
        return PAD_LEFT - 6

    @property
    def description(self) -> str:
        """Every result in words, for screen readers: "label: 7 of 10; ..."."""
        return "; ".join(f"{p.label}: {p.score} of {p.total}" for p in self.points)

    @property
    def left(self) -> int:
        return PAD_LEFT

    @property
    def right(self) -> int:
        return WIDTH - PAD_RIGHT

    @property
    def bottom(self) -> int:
        return HEIGHT - PAD_BOTTOM


def _y(share: float) -> float:
    return PAD_TOP + (1 - share) * (HEIGHT - PAD_TOP - PAD_BOTTOM)


def score_chart(results: list[tuple[int, int, str]]) -> Chart:
    """Plot (score, total, label) results in order, evenly spaced, as % right."""
    count = len(results)
    span = WIDTH - PAD_LEFT - PAD_RIGHT
    points = []
    for index, (score, total, label) in enumerate(results):
        x = PAD_LEFT + (span * index / (count - 1) if count > 1 else span / 2)
        points.append(Point(x, _y(score / total if total else 0), score, total, label))
    return Chart(points)
