"""Time RAS calibration over many historic cases and print figures.

Run: .venv/bin/python bench/ras.py [--cases 100000] [--repeat 3]

Pure Python (ras/calculator.py needs no database): builds seeded synthetic cases in three client
groups, then times calculator.calibrate() (least squares per group, R squared, the share within
tolerance and the weekly spend at the current and a proposed rate) and the best single rate.
Prints the best of `repeat` runs, and its ratio to a baseline measured in the same run (summing
the cases' Decimal costs once), so figures from different machines compare by their ratios.
Target: calibration of 100,000 cases in under 2 seconds on a 2-core machine.
"""

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marketplace.ras import calculator  # noqa: E402

GROUPS = (
    ("Older people", Decimal("12.80"), 10),
    ("Learning disability", Decimal("15.20"), 60),
    ("Physical disability", Decimal("13.40"), 25),
)


def synthetic_cases(count: int, *, seed: int = 7) -> list[calculator.Case]:
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        group, per_point, fixed = GROUPS[i % len(GROUPS)]
        points = min(90, 4 + int(rng.expovariate(1 / 22)))
        expected = int((fixed + per_point * points) * 100)
        pennies = int(expected * (1 + rng.gauss(0, 0.15)))
        cases.append(
            calculator.Case(
                client_group=group,
                points=Decimal(points),
                weekly_cost=Decimal(max(pennies, 0)) / 100,
            )
        )
    return cases


def best_of(repeat: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    cases = synthetic_cases(args.cases)
    tolerance = calculator.Tolerance(Decimal(5), Decimal(5), Decimal(50))

    baseline, _ = best_of(args.repeat, lambda: sum((c.weekly_cost for c in cases), Decimal(0)))
    calibrate_time, result = best_of(
        args.repeat,
        lambda: calculator.calibrate(
            cases,
            current_rate=Decimal("15.24"),
            proposed_rate=Decimal("14.10"),
            tolerance=tolerance,
            floor=Decimal(25),
            ceiling=Decimal(1500),
        ),
    )
    fit_time, suggested = best_of(args.repeat, lambda: calculator.rate_through_origin(cases))

    print(f"RAS calibration over {len(cases):,} historic cases (best of {args.repeat})")
    print(f"{'step':<32}{'seconds':>10}{'x baseline':>12}")
    for name, seconds in [
        ("baseline: sum of costs", baseline),
        ("calibrate (3 groups, 2 rates)", calibrate_time),
        ("best single rate", fit_time),
    ]:
        print(f"{name:<32}{seconds:>10.3f}{seconds / baseline:>12.1f}")
    print()
    for group in result.groups:
        print(
            f"  {group.client_group:<22} {group.count:>7,} cases  R^2 {group.r_squared:.3f}  "
            f"within now {group.share_within_current}%  proposed {group.share_within_proposed}%"
        )
    print(
        f"  weekly spend £{result.overall.spend_current:,} now, "
        f"£{result.overall.spend_proposed:,} at £{result.proposed_rate}; best fit £{suggested}"
    )
    verdict = "meets" if calibrate_time < 2 else "misses"
    print(f"\nCalibration took {calibrate_time:.2f} s: {verdict} the 2-second target.")


if __name__ == "__main__":
    main()
