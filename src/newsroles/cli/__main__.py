"""`python -m newsroles.cli`: the same as the `newsroles` command."""

from newsroles.cli import main

main()
