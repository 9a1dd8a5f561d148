"""Early-warning benchmark: detection delay and false-alarm rate on simulated weekly series.

Series: negative-binomial weekly counts (size 5) with a yearly season (amplitude 0.4 on the log
scale) and a baseline mean of 1, 3 or 10 per week; 6 years of history, then a monitored 7th year.
Control series have no outbreak: false-alarm rate = alarms / monitored weeks. Outbreak series get
Poisson extra events for 6 weeks from a random week of year 7, with extra mean = k x the baseline
standard deviation: detection = an alarm in those 6 weeks; delay = weeks from onset to the first
alarm (0 = the onset week). Method: ``assess_week`` defaults (improved Farrington, alpha 0.01,
>= 5 events in the last 4 weeks).

    .venv/bin/python bench/hotspots_warning.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.engines.hotspots import assess_week
from homeward.engines.hotspots.synthetic import inject_outbreak, seasonal_series

HIST = 6 * 52


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n_series = 3 if args.quick else 12
    rng = np.random.default_rng(7)
    for mean in (1.0, 3.0, 10.0):
        sd = float(np.sqrt(mean + mean**2 / 5))
        alarms = weeks = 0
        t0 = time.perf_counter()
        for _ in range(n_series):
            s = seasonal_series(rng, HIST + 52, mean=mean)
            for t in range(HIST, HIST + 52):
                alarms += assess_week(s, t).alarm
                weeks += 1
        per_call = (time.perf_counter() - t0) / weeks
        print(
            f"BENCH hotspots_warning_control mean={mean:g} series={n_series} weeks={weeks} "
            f"false_alarm_rate={alarms / weeks:.4f} ms_per_week={per_call * 1000:.1f}"
        )
        for k in (1.0, 2.0, 4.0):
            detected, delays = 0, []
            for _ in range(n_series):
                s = seasonal_series(rng, HIST + 52, mean=mean)
                onset = HIST + int(rng.integers(0, 46))
                s = inject_outbreak(s, rng, onset, 6, k * sd)
                for t in range(onset, onset + 6):
                    if assess_week(s, t).alarm:
                        detected += 1
                        delays.append(t - onset)
                        break
            print(
                f"BENCH hotspots_warning_outbreak mean={mean:g} extra_sd={k:g} extra_per_week={k * sd:.2f} "
                f"series={n_series} detection_rate={detected / n_series:.3f} "
                f"mean_delay_weeks={float(np.mean(delays)) if delays else float('nan'):.2f}"
            )


if __name__ == "__main__":
    main()
