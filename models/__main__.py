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
    from models import evaluation, ranking_eval

    evaluation.add_parser(sub)  # evaluate
    ranking_eval.add_parsers(sub)  # evaluate-ranking, make-ranking-set
    build = sub.add_parser("build-data", help="build weakly labelled JD-CV training pairs (see models/DATA_CARD.md)")
    build.add_argument("--out", type=Path, required=True, help="folder for pairs.csv and stats.json")
    build.add_argument("--data", type=Path, default=get_settings().shared_data_dir, help="the shared data folder")
    build.add_argument("--seed", type=int, default=13)
    build.add_argument("--pairs", type=int, default=12_000, help="number of pairs to draw")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    if args.command == "evaluate":
        return evaluation.run_cli(args)
    if args.command in ranking_eval.COMMANDS:
        return ranking_eval.run_cli(args)
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
    elif args.command == "build-data":
        from models.build_data import run_cli

        return run_cli(args.out, args.data, args.seed, args.pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
