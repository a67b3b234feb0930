"""`python -m newsroles` (and `torchrun -m newsroles run ...`): the `newsroles` command."""

from newsroles.cli import main

main()
