"""What every hotspot, warning and flow result carries: the data it used and how sure it is.

Results of this engine are prompts for human judgement, never findings. ``DataBasis`` is attached to
every result so that a dashboard, an export or a command-centre notice can always say which data,
which method and which uncertainty stand behind a flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HUMAN_JUDGEMENT_NOTE_EN = (
    "Statistical prompt for human judgement, not a finding: check the underlying records before acting."
)
HUMAN_JUDGEMENT_NOTE_ZH = "统计提示，仅供研判参考，不构成结论；采取行动前请核查原始数据。"


@dataclass(frozen=True)
class DataBasis:
    """The data and method behind a result, in words a reviewer can check."""

    analysis: str
    indicator: str
    period: str
    source: str
    n_units: int
    total_count: int
    method: str
    excluded: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def statement(self) -> str:
        """One paragraph stating data used, method and caveats (English)."""
        parts = [
            f"{self.analysis}: indicator '{self.indicator or 'unspecified'}'",
            f"period {self.period or 'unspecified'}",
            f"source {self.source or 'unspecified'}",
            f"{self.n_units} units, {self.total_count} events in total",
            f"method: {self.method}",
        ]
        if self.excluded:
            parts.append(
                f"{len(self.excluded)} units excluded ({', '.join(self.excluded[:10])}"
                f"{', ...' if len(self.excluded) > 10 else ''})"
            )
        parts.extend(self.notes)
        parts.append(HUMAN_JUDGEMENT_NOTE_EN.rstrip("."))
        return "; ".join(parts) + "."
