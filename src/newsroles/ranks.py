"""Which process of a data-parallel job this is, and the one message rank 0 sends the rest.

`torchrun --nproc_per_node=N -m newsroles run ...` (or `accelerate launch`) starts N copies
of the command with torch.distributed's environment (RANK, WORLD_SIZE, LOCAL_RANK). Rank 0
runs the task as a plain run does: its run directory, the stage cache, the model. The other
ranks only train: they join the process group, wait for rank 0's message naming the cache
entries of the stages before training (rank 0 computes them once: a spaCy parse is not
worth doing N times, and the others then train on byte-identical inputs), train with it,
and write nothing shared. Hugging Face's Trainer uses the group joined here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

from newsroles.errors import NewsrolesError

# How long the other ranks wait for rank 0's data stages (a first parse of a large corpus
# takes hours; the training's own collectives keep torch's default timeout).
DATA_STAGES_TIMEOUT = timedelta(hours=24)
_message_group = None


@dataclass(frozen=True)
class Rank:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise NewsrolesError(f"environment variable {name}={value!r}: expected an integer "
                             "(set by torchrun or accelerate launch)") from None


def current() -> Rank:
    """This process's rank from the launcher's environment; one process without it."""
    rank = Rank(_env_int("RANK", 0), _env_int("WORLD_SIZE", 1), _env_int("LOCAL_RANK", 0))
    if rank.world_size < 1 or not 0 <= rank.rank < rank.world_size:
        raise NewsrolesError(f"RANK={rank.rank} with WORLD_SIZE={rank.world_size}: "
                             "expected 0 <= RANK < WORLD_SIZE")
    return rank


def join() -> None:
    """Join the job's process group (nccl with CUDA, else gloo), once per process, and a
    gloo group with a long timeout for rank 0's message."""
    global _message_group
    import torch
    import torch.distributed as dist

    if not dist.is_initialized():
        if torch.cuda.is_available():
            torch.cuda.set_device(current().local_rank)
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    if _message_group is None:
        _message_group = dist.new_group(backend="gloo", timeout=DATA_STAGES_TIMEOUT)


def share(message: object = None) -> object:
    """Rank 0's `message` on every rank (pickled; rank 0 alone passes one). Also the wait:
    the others return once rank 0 has sent it."""
    import torch.distributed as dist

    box = [message]
    dist.broadcast_object_list(box, src=0, group=_message_group)
    return box[0]

