"""Model command line: ``python -m models calibrate --data fit_labels.csv``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from core.config import get_settings

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "minilm_cosine" / "thresholds.json"


TRAINING_COMMANDS = ("train", "train-cross", "tune", "train-occupation")


def _training_parser(sub: argparse._SubParsersAction, name: str, out: str, help_text: str, *,
                     backbone: bool = False) -> argparse.ArgumentParser:
    """A training command with the options every one of them takes (weak pairs, rubric, output, seed)."""
    parser = sub.add_parser(name, help=help_text)
    parser.add_argument("--pairs", type=Path, default=get_settings().data_dir / "weak_pairs" / "pairs.csv",
                        help="pairs from build-data")
    parser.add_argument("--rubric", type=Path,
                        default=get_settings().fit_labels_csv,
                        help="rubric-labelled pairs: class thresholds and cross-validated figures")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "trained" / out)
    parser.add_argument("--seed", type=int, default=13)
    if backbone:
        parser.add_argument("--encoder", default="bundled:all-MiniLM-L6-v2",
                            help="backbone (bundled:NAME, folder or hub id)")
        parser.add_argument("--device", default="auto")
    return parser


def _train(args: argparse.Namespace) -> dict:
    """Run the training command of ``args``; its report."""
    common = {"pairs_csv": args.pairs, "rubric_csv": args.rubric, "out": args.out}
    if args.command == "train":
        from models.train_run import run_training
        from models.training import TrainConfig

        return run_training(**common, config=TrainConfig(epochs=args.epochs, seed=args.seed), max_pairs=args.max_pairs,
                            crossval=not args.no_crossval, ablation=args.ablation)
    if args.command == "train-cross":
        from models.cross_encoder import CrossConfig, run_cross_training

        config = CrossConfig(encoder=args.encoder, epochs=args.epochs, pair_tokens=args.pair_tokens, seed=args.seed)
        return run_cross_training(**common, config=config, max_pairs=args.max_pairs, device=args.device)
    if args.command == "tune":
        from models.contrastive import TuneConfig, run_tuning

        config = TuneConfig(encoder=args.encoder, epochs=args.epochs, batch_jds=args.batch_jds, seed=args.seed,
                            max_steps_per_epoch=args.max_steps)
        return run_tuning(**common, config=config, device=args.device, max_pairs=args.max_pairs)
    from models.occupation import run_occupation_training

    return run_occupation_training(**common, c=args.c, seed=args.seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cal = sub.add_parser("calibrate", help="tune the scorer's class thresholds on labelled pairs")
    cal.add_argument("--data", type=Path, default=get_settings().fit_labels_csv)
    cal.add_argument("--out", type=Path, default=DEFAULT_THRESHOLDS)
    from models import evaluation, ranking_eval

    evaluation.add_parser(sub)  # evaluate
    ranking_eval.add_parsers(sub)  # evaluate-ranking, make-ranking-set
    build = sub.add_parser("build-data", help="build weakly labelled training pairs (models/DATA_CARD.md)")
    build.add_argument("--out", type=Path, required=True, help="folder for pairs.csv and stats.json")
    build.add_argument("--data", type=Path, default=get_settings().shared_data_dir, help="shared data folder")
    build.add_argument("--seed", type=int, default=13)
    build.add_argument("--pairs", type=int, default=12_000, help="number of pairs to draw")
    train = _training_parser(sub, "train", "bi-encoder-minilm",
                             "train the bi-encoder pair head on weak pairs (see models/trained/*/MODEL_CARD.md)")
    train.add_argument("--epochs", type=int, default=6)
    train.add_argument("--max-pairs", type=int, default=None, help="train on a seeded sample of the pairs")
    train.add_argument("--no-crossval", action="store_true", help="skip the cross-validated rubric figures")
    train.add_argument("--ablation", action="store_true", help="also cross-validate without each feature group")
    cross = _training_parser(sub, "train-cross", "cross-encoder-minilm",
                             "train the LoRA cross-encoder (re-scores the top of a ranking)", backbone=True)
    cross.add_argument("--max-pairs", type=int, default=1500, help="weak pairs to train on (seeded sample)")
    cross.add_argument("--epochs", type=int, default=1)
    cross.add_argument("--pair-tokens", type=int, default=256)
    tune = _training_parser(sub, "tune", "minilm-tuned",
                            "LoRA-tune the bi-encoder backbone on weak pairs (models/trained/README.md)", backbone=True)
    tune.add_argument("--epochs", type=int, default=2)
    tune.add_argument("--batch-jds", type=int, default=16, help="JDs per step (each with up to 3 CVs)")
    tune.add_argument("--max-pairs", type=int, default=None, help="tune on a seeded sample of the pairs")
    tune.add_argument("--max-steps", type=int, default=None, help="cap on steps per epoch (quick runs)")
    occ = _training_parser(sub, "train-occupation", "occupation-minilm",
                           "train the occupation-aware scorer (models/trained/occupation-minilm/MODEL_CARD.md)")
    occ.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the occupation head")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    if args.command in TRAINING_COMMANDS:
        if not args.pairs.is_file():
            print(f"error: no training pairs at {args.pairs}; run `python -m models build-data --out "  # noqa: T201
                  f"{args.pairs.parent}` first", file=sys.stderr)
            return 2
        report = _train(args)
        print(json.dumps({k: v for k, v in report.items() if k != "history"}, indent=2, default=str))  # noqa: T201
        return 0
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
        # These thresholds belong to the untrained minilm-cosine scorer, whatever RECRUIT_SCORER says.
        result = calibrate(load_scorer(get_settings().model_copy(update={"scorer": "minilm-cosine"})), args.data,
                           out=args.out)
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
