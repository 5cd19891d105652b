"""Model command line: ``python -m models calibrate --data fit_labels.csv``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from core.config import get_settings

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "minilm_cosine" / "thresholds.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cal = sub.add_parser("calibrate", help="tune the scorer's class thresholds on labelled pairs")
    cal.add_argument("--data", type=Path, default=get_settings().shared_data_dir / "fit_labels" / "fit_labels.csv")
    cal.add_argument("--out", type=Path, default=DEFAULT_THRESHOLDS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    if args.command == "calibrate":
        from core.scoring import load_scorer
        from models.calibration import calibrate

        if not args.data.is_file():
            print(f"error: no labelled pairs at {args.data}", file=sys.stderr)  # noqa: T201
            return 2
        result = calibrate(load_scorer(get_settings()), args.data, out=args.out)
        t = result.thresholds
        print(  # noqa: T201
            f"{result.pairs} pairs: Potential Fit ≥ {t.potential:.2f}, Good Fit ≥ {t.good:.2f}, "
            f"in-sample weighted F1 {result.weighted_f1:.3f}; saved to {args.out}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
