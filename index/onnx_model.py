"""The ONNX file of the embedding model in the data directory: found, checked, exported when needed.

A file is named for the sha256 of the weights it was exported from and its precision
(`models/all-MiniLM-L6-v2-<sha16>-fp32.onnx`). Before it is used it must load, say in its metadata
that it comes from these very weights at this precision, and reproduce its stored probe vectors; a
file that fails any of these is exported again, once. Only exporting imports torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import SettingsError
from index.onnx_session import pooled, session_for
from index.pooling import MODEL_NAME, PROBE_TEXTS, model_path

log = logging.getLogger(__name__)

PROBE_AGREEMENT = 0.9999  # cosine a loaded file must reach against its own stored probe vectors


class ModelFileError(Exception):
    """An ONNX file that must not be used (unreadable, from other weights, or computing other vectors)."""


@dataclass(frozen=True)
class Weights:
    path: Path
    sha256: str

    @property
    def short(self) -> str:
        return self.sha256[:16]


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _weights_at(path: Path, size: int, mtime_ns: int, model_dir: Path) -> Weights:
    # Hashing 90 MB costs about 0.2 s, too much for every cold question: the digest is remembered in
    # the models folder with the weights' path, size and modification time (recomputed if unwritable).
    memo = model_dir / "weights-sha256.json"
    key = f"{path}:{size}:{mtime_ns}"
    try:
        known = json.loads(memo.read_text())
    except (OSError, ValueError):
        known = {}
    if isinstance(known.get(key), str):
        return Weights(path, known[key])
    digest = _hash_file(path)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({key: digest}))
        os.replace(tmp, memo)
    except OSError:
        pass
    return Weights(path, digest)


def packaged_weights(model_dir: Path) -> Weights:
    """The packaged model's weights file and its sha256 (hashed once per file version and models folder)."""
    path = model_path() / "model.safetensors"
    stat = path.stat()
    return _weights_at(path, stat.st_size, stat.st_mtime_ns, model_dir)


def file_for(model_dir: Path, weights: Weights, precision: str) -> Path:
    return model_dir / f"{MODEL_NAME}-{weights.short}-{precision}.onnx"


def load_checked(path: Path, weights: Weights, precision: str, device: str) -> Any:
    """A session on `path`, or ModelFileError saying why the file must not be used."""
    if not path.is_file():
        raise ModelFileError("missing")
    try:
        session = session_for(path, device)
    except SettingsError:
        raise
    except Exception as exc:  # onnxruntime raises its own types for truncated or garbage files
        raise ModelFileError(f"cannot be loaded: {str(exc).splitlines()[0][:120]}") from exc
    meta = session.get_modelmeta().custom_metadata_map
    if meta.get("recap.weights_sha256") != weights.sha256 or meta.get("recap.precision") != precision:
        raise ModelFileError(
            f"was exported from other weights or at another precision ({meta.get('recap.model', 'unknown model')}, "
            f"{meta.get('recap.weights_sha256', '?')[:16]}, {meta.get('recap.precision', '?')})"
        )
    try:
        expected = np.asarray(json.loads(meta["recap.probe_vectors"]), dtype=np.float32)
        agreement = float((pooled(session, list(PROBE_TEXTS)) * expected).sum(axis=1).min())
    except (KeyError, ValueError) as exc:
        raise ModelFileError(f"has no usable probe vectors ({exc})") from exc
    if agreement < PROBE_AGREEMENT:
        raise ModelFileError(f"computes other vectors than when it was exported (probe cosine {agreement:.4f})")
    return session


def open_session(model_dir: Path, precision: str, device: str) -> tuple[Any, Path]:
    """A checked session (and its file) for the packaged model at `precision`, exporting the file when it is missing
    or unusable. Logs one line when it exports; raises ModelFileError (saying why) when no usable
    file can be had."""
    import time

    weights = packaged_weights(model_dir)
    path = file_for(model_dir, weights, precision)
    try:
        return load_checked(path, weights, precision, device), path
    except ModelFileError as exc:
        problem = str(exc)
    started = time.perf_counter()
    try:
        from index.onnx_export import export

        export(weights.path.parent, path, weights.sha256, precision, device)
        session = load_checked(path, weights, precision, device)
    except (ModelFileError, RuntimeError, OSError, ImportError) as exc:
        raise ModelFileError(f"embedding model {path} {problem}, and exporting it again failed ({exc})") from exc
    took = time.perf_counter() - started
    if problem == "missing":
        log.info("exported the embedding model to %s in %.1f s (once per data directory)", path, took)
    else:
        log.warning("embedding model %s %s; exported it again from the packaged weights (%.1f s)", path, problem, took)
    return session, path


def place_copy(source: Path, model_dir: Path) -> Path:
    """`source` (a checked file) also in `model_dir`: hard-linked where possible (files are never written
    in place), copied otherwise."""
    target = model_dir / source.name
    if target.exists() or source.parent.resolve() == model_dir.resolve():
        return target
    model_dir.mkdir(parents=True, exist_ok=True)
    tmp = model_dir / f".{source.name}.{os.getpid()}.tmp"
    try:
        os.link(source, tmp)
    except OSError:
        import shutil

        shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return target
