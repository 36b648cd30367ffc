"""``python -m tools.screening_eval build|run`` from the repository root (docs/screening-eval.md).

The lists are read from ``--data-dir``, by default ``$SETORI_SHARED_DATA`` (the shared
data folder, see its SOURCES.md); this dev harness is not part of the setori package.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import click

import setori
from setori.errors import SetoriError
from tools.screening_eval.build import DEFAULT_DIR, DEFAULT_SEED, build_rows, write_set
from tools.screening_eval.corpus import OFAC_FILE, UN_FILE, Corpus
from tools.screening_eval.report import render, replace_results
from tools.screening_eval.run import EvalSet, evaluate, report
from tools.screening_eval.scoring import SCORERS

FROZEN_RUN = "frozen_run.json"
DOC = Path(__file__).parents[2] / "docs" / "screening-eval.md"
folder_option = click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIR,
    show_default=True,
    help="Where eval_set.jsonl, eval_meta.json and frozen_run.json live.",
)
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="SETORI_SHARED_DATA",
    required=True,
    help="The shared data folder holding the lists (default: $SETORI_SHARED_DATA).",
)


@click.group()
def cli() -> None:
    """Measure screening on a labelled set drawn from the real UN and OFAC lists."""


@cli.command()
@data_dir_option
@click.option(
    "--un", type=click.Path(exists=True, path_type=Path), help=f"Default: DATA_DIR/{UN_FILE}"
)
@click.option(
    "--ofac", type=click.Path(exists=True, path_type=Path), help=f"Default: DATA_DIR/{OFAC_FILE}"
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@folder_option
def build(data_dir: Path, un: Path | None, ofac: Path | None, seed: int, folder: Path) -> None:
    """Build eval_set.jsonl and eval_meta.json from the lists (deterministic for a seed).

    Example:

        python -m tools.screening_eval build --seed 1718
    """
    lists = [un or data_dir / UN_FILE, ofac or data_dir / OFAC_FILE]
    rows, meta = build_rows(Corpus.load(lists), seed)
    write_set(folder, rows, meta)
    click.echo(f"{len(rows)} rows in {len(meta['slices'])} slices -> {folder}")


@cli.command()
@click.option(
    "--scorers",
    default=",".join(SCORERS),
    show_default=True,
    help="Comma-separated: setori, logic-v2, logic-v1.",
)
@click.option("--freeze", is_flag=True, help=f"Write {FROZEN_RUN} and the tables in --doc.")
@click.option(
    "--doc",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DOC,
    show_default=True,
    help="The Markdown file whose generated tables --freeze replaces.",
)
@click.option(
    "--code-version",
    default=None,
    help="What setori code ran (default: git HEAD, and whether setori/screen/match is dirty).",
)
@folder_option
@data_dir_option
def run(
    scorers: str, freeze: bool, doc: Path, code_version: str | None, folder: Path, data_dir: Path
) -> None:
    """Run setori and the baselines on the frozen set and print the per-slice tables.

    Example:

        python -m tools.screening_eval run --freeze
    """
    names = [s.strip() for s in scorers.split(",") if s.strip()]
    unknown = sorted(set(names) - set(SCORERS))
    if unknown or "setori" not in names:
        raise click.BadParameter(
            f"{unknown or names}; choose from {list(SCORERS)}, setori included"
        )
    eval_set = EvalSet.read(folder)
    outcomes, seconds = evaluate(eval_set.rows, eval_set.indexes(data_dir), names)
    result = report(eval_set, outcomes, seconds)
    result["code"] = code_version or git_version()
    click.echo(render(result))
    if freeze:
        text = json.dumps(result, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        (folder / FROZEN_RUN).write_text(text, encoding="utf-8")
        if doc.exists():
            updated = replace_results(doc.read_text(encoding="utf-8"), result)
            doc.write_text(updated, encoding="utf-8")


def git_version() -> str:
    """The git commit of the setori that ran, marked when the matcher has local changes."""
    root = str(Path(setori.__file__).parents[1])
    try:
        head = _git(root, "rev-parse", "--short", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--", "setori/screen/match")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" + uncommitted changes in setori/screen/match" if dirty else "")


def _git(root: str, *args: str) -> str:
    done = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main() -> None:
    """Entry point: a SetoriError becomes one line and exit status 1."""
    try:
        cli(standalone_mode=True)
    except SetoriError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from exc


if __name__ == "__main__":
    main()
