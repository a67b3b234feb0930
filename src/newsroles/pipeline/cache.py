"""The stage cache: content-addressed entries that are verified before they are served.

A key is the SHA-256 of the stage's name, the hashes of its input files, its upstream
stages' keys, its config values, its environment and its code: every module of newsroles
that the stage's module imports, transitively (read from the source, function-level imports
included), plus any the config adds (the model's class). No list of files is kept by hand.

An entry is a folder written under a temporary name and published by one rename; it holds
a manifest of its files' sizes and hashes, checked on every read. A damaged or incomplete
entry is a miss (one warning line, then recomputed), never served. Publishing never removes
a complete entry: under a lock, a writer that finds a complete entry already in place keeps
it, and a damaged one is swapped with the new one in a single step. Temporary folders of writers that died are
removed the next time the stage's folder is written to.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from newsroles import __version__
from newsroles.errors import NewsrolesError
from newsroles.io import file_sha256

MANIFEST = ".manifest.json"
PACKAGE = "newsroles"
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
# A temporary folder of another machine is left alone this long (its writer may be alive).
FOREIGN_TMP_SECONDS = 7 * 24 * 3600

_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def file_hash(path: str | Path) -> str:
    """SHA-256 of an input file, memoised in this process on (path, size, mtime)."""
    path = Path(path)
    if not path.is_file():
        raise NewsrolesError("file not found", path)
    st = path.stat()
    memo_key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if memo_key not in _FILE_HASHES:
        _FILE_HASHES[memo_key] = file_sha256(path)
    return _FILE_HASHES[memo_key]


# --- code hashes: the transitive imports of a module inside the package ------------------


def module_file(name: str, package_dir: Path = _PACKAGE_DIR) -> Path | None:
    """The source file of module `name` (newsroles.x.y) under the package folder, if any."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = package_dir.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


_IMPORTS: dict[tuple, set[str]] = {}


def _imported(name: str, path: Path, package_dir: Path) -> set[str]:
    """Modules of the package that module `name` imports anywhere in its source (memoised
    on the file's size and modification time)."""
    st = path.stat()
    memo_key = (name, str(path), st.st_size, st.st_mtime_ns, str(package_dir))
    if memo_key not in _IMPORTS:
        _IMPORTS[memo_key] = _parse_imports(name, path, package_dir)
    return _IMPORTS[memo_key]


def _lazy_attributes(tree: ast.Module) -> dict[str, ast.AST]:
    """{name: import node} for a module-level __getattr__ (PEP 562): its imports run only
    when that attribute is asked for, so they count only for modules that ask."""
    lazy: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    for alias in inner.names:
                        lazy[alias.asname or alias.name.split(".")[-1]] = inner
    return lazy


def _module_names(node: ast.AST, name: str, is_package: bool) -> set[str]:
    """The dotted names an import statement may load (modules, or module.attribute)."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names}
    if node.level:
        anchor = name.split(".")
        anchor = anchor if is_package else anchor[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, *([node.module] if node.module else [])])
    else:
        base = node.module or ""
    return {base, *(f"{base}.{a.name}" for a in node.names)}  # submodules imported


def _parse_imports(name: str, path: Path, package_dir: Path) -> set[str]:
    tree = ast.parse(path.read_bytes(), filename=str(path))
    is_package = path.name == "__init__.py"
    lazy_nodes = {id(n) for n in _lazy_attributes(tree).values()}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in lazy_nodes:
            found |= _module_names(node, name, is_package)
            # `from package import Name` where Name is one of the package's lazy attributes
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                package_file = module_file(node.module, package_dir)
                if package_file is not None and package_file.name == "__init__.py":
                    lazy = _lazy_attributes(ast.parse(package_file.read_bytes()))
                    for alias in node.names:
                        if alias.name in lazy:
                            found |= _module_names(lazy[alias.name], node.module, True)
    out = set()
    for mod in found:
        parts = mod.split(".")
        # Importing a.b.c runs a/__init__ and a/b/__init__ too.
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if module_file(prefix, package_dir) is not None:
                out.add(prefix)
    return out


def module_closure(roots: Iterable[str], package_dir: Path = _PACKAGE_DIR) -> list[str]:
    """`roots` and every package module they import, transitively, sorted."""
    seen: set[str] = set()
    todo = [r for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = module_file(name, package_dir)
        if path is None:
            raise ValueError(f"{name}: not a module of {PACKAGE}")
        seen.add(name)
        for parent in range(1, name.count(".") + 1):
            todo.append(".".join(name.split(".")[:parent]))
        todo.extend(_imported(name, path, package_dir) - seen)
    return sorted(seen)


def code_hash(roots: Iterable[str], package_dir: Path = _PACKAGE_DIR) -> str:
    """Hash of the source of `roots` and everything of newsroles they import (read afresh:
    an edit made while a process runs counts for the next stage it keys)."""
    h = hashlib.sha256()
    for name in module_closure(sorted(set(roots)), package_dir):
        h.update(name.encode() + b"\0")
        h.update(module_file(name, package_dir).read_bytes() + b"\0")
    return h.hexdigest()[:16]


def library_versions(names) -> dict[str, str | None]:
    """The installed version of each distribution (None if it is not installed), and
    Python's: what a stage runs besides newsroles' own code."""
    from importlib import metadata

    versions: dict[str, str | None] = {"python": ".".join(map(str, sys.version_info[:3]))}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def stage_key(stage: str, code: str, **parts) -> str:
    payload = json.dumps({"stage": stage, "version": __version__, "code": code, **parts},
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


# --- verified entries ---------------------------------------------------------------------


def _entry_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def write_manifest(folder: Path) -> None:
    files = {}
    for p in _entry_files(folder):
        if p.name == MANIFEST and p.parent == folder:
            continue
        files[p.relative_to(folder).as_posix()] = {"size": p.stat().st_size, "sha256": file_sha256(p)}
    (folder / MANIFEST).write_text(json.dumps({"files": files}, indent=1, sort_keys=True))


def verify_entry(folder: Path, outputs: Iterable[str] = ()) -> str | None:
    """None when the entry is whole; else what is wrong with it, in a few words."""
    try:
        listed = json.loads((folder / MANIFEST).read_text())["files"]
    except FileNotFoundError:
        return "no manifest"
    except (OSError, ValueError, KeyError, TypeError):
        return "unreadable manifest"
    present = {p.relative_to(folder).as_posix() for p in _entry_files(folder)} - {MANIFEST}
    if present - set(listed):
        return f"unlisted file {sorted(present - set(listed))[0]}"
    for rel, want in listed.items():
        p = folder / rel
        if p.is_symlink() or not p.is_file():
            return f"{rel} is missing"
        if p.stat().st_size != want["size"]:
            return f"{rel} has {p.stat().st_size} bytes, not {want['size']}"
        if file_sha256(p) != want["sha256"]:
            return f"{rel} does not match its hash"
    for out in outputs:
        if out not in listed and not any(rel.startswith(f"{out}/") for rel in listed):
            return f"output {out} is missing"
    return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 with RENAME_EXCHANGE); False where the
    system cannot, and the caller falls back to renames."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StageCache:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.host = socket.gethostname().replace(".", "_")

    def path(self, stage: str, key: str) -> Path:
        return self.root / stage / key

    def get(self, stage: str, key: str, outputs: Iterable[str] = ()) -> Path | None:
        """The entry if it is there and whole; a damaged one is reported and not served."""
        entry = self.path(stage, key)
        if not entry.exists():
            return None
        problem = verify_entry(entry, outputs)
        if problem is None:
            return entry
        print(f"newsroles: warning: cache entry {entry} is damaged ({problem}); recomputing",
              file=sys.stderr)
        return None

    def put(self, stage: str, key: str, write: Callable[[Path], None],
            outputs: Iterable[str] = ()) -> Path:
        """Run write(tmp) into a temporary folder and publish it as the entry."""
        final = self.path(stage, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        self.clean(stage)
        tmp = final.parent / self._private_name(key, "tmp")
        tmp.mkdir()
        try:
            write(tmp)
            missing = [o for o in outputs if not (tmp / o).exists()]
            if missing:
                raise RuntimeError(f"stage {stage} did not write {', '.join(missing)}")
            write_manifest(tmp)
            return self._publish(tmp, final, outputs)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    def _private_name(self, key: str, kind: str) -> str:
        return f".{key}.{self.host}.{os.getpid()}.{uuid.uuid4().hex[:8]}.{kind}"

    def _publish(self, tmp: Path, final: Path, outputs) -> Path:
        from filelock import FileLock

        locks = self.root / ".locks"
        locks.mkdir(exist_ok=True)
        with FileLock(str(locks / f"{final.parent.name}.lock")):
            if not final.exists():
                os.rename(tmp, final)
                return final
            if verify_entry(final, outputs) is None:
                return final  # another writer published the same result first
            # A damaged entry: swap the whole one in, in one step where the system can
            # (a reader meanwhile finds the old files or the new ones, never none); the
            # damaged one, now at tmp, is removed by put().
            if not _exchange(tmp, final):
                trash = final.parent / self._private_name(final.name, "trash")
                os.rename(final, trash)
                os.rename(tmp, final)
                os.rename(trash, tmp)
        return final

    def clean(self, stage: str) -> list[Path]:
        """Remove temporary and set-aside folders whose writer is gone; returns them."""
        folder = self.root / stage
        removed = []
        if not folder.is_dir():
            return removed
        now = time.time()
        for p in folder.iterdir():
            parts = p.name.split(".")
            if not (p.name.startswith(".") and len(parts) == 6 and parts[5] in ("tmp", "trash")):
                continue
            host, pid = parts[2], parts[3]
            if host == self.host:
                gone = not (pid.isdigit() and _pid_alive(int(pid)))
            else:
                try:
                    gone = now - p.stat().st_mtime > FOREIGN_TMP_SECONDS
                except FileNotFoundError:
                    continue
            if gone:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
        return removed
