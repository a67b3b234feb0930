"""The `newsroles` command.

usage: newsroles COMMAND [options]      (newsroles COMMAND --help: a command's own options)

Train and score (Hydra overrides, one run directory each; -m for a sweep):
  run          prepare, gold, parse, label, train, evaluate: newsroles run model=transformer
               newsroles run --from-search SWEEP_DIR: a search's best settings, on test
  prepare | label | train | evaluate   the pipeline up to that stage
  rerun        the same run again from its saved overrides: newsroles rerun RUN
Use a model:
  tag          label new articles' sentences, with who said it:
               newsroles tag RUN articles.jsonl -o out.parquet (jsonl|csv|parquet|html)
Results:
  runs         list, show or compare runs: newsroles runs list | show RUN | compare A B
  analyze      labels' shares per group (counted, adjusted for the model's errors, PPI)
               newsroles analyze tagged.parquet --model RUN --by date:year -o findings/
  sources      who gets quoted: one row per source, its quotes, attributions, articles
               newsroles sources tagged.parquet [--by publisher] [-o sources.csv]
Data and gold:
  data         init a corpus (data init NAME --articles FILE), check it (data check
               [data=NAME]), annotator agreement, likely gold label errors (data issues)
  annotate     export sentences to label (Label Studio JSON or CSV), import the labels:
               newsroles annotate export [RUN] --data NAME -o batch.json | import FILE
  --version    the installed version
"""

from __future__ import annotations

import sys

from newsroles.cli.common import HYDRA_TASKS, fail
from newsroles.errors import NewsrolesError

USAGE = __doc__
# Plain subcommands, each `newsroles.cli.<name>.main(argv)`.
COMMANDS = ("tag", "runs", "data", "annotate", "analyze", "sources")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    cmd, rest = (argv[0], argv[1:]) if argv else ("--help", [])
    try:
        if cmd in ("-h", "--help", "help"):
            print(USAGE.strip())
            return
        if cmd in ("-V", "--version"):
            from newsroles import __version__

            print(f"newsroles {__version__}")
            return
        # Each command's module is imported only when it runs: `--help` stays instant.
        if cmd in HYDRA_TASKS or cmd == "rerun":
            from newsroles.cli import run

            if cmd == "rerun":
                run.rerun(rest)
            elif cmd == "run" and run.from_search_wanted(rest):
                run.run_from_search(rest)
            else:
                run.task_main(cmd, rest)
        elif cmd in COMMANDS:
            import importlib

            module = importlib.import_module(f"newsroles.cli.{cmd}")
            module.main(rest)
        else:
            fail(f"unknown command {cmd!r} (try: newsroles --help)")
    except NewsrolesError as e:
        fail(str(e))
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(1) from None


