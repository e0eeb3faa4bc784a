"""An ONNX Runtime session on an embedding model file, on the device RECAP_DEVICE asks for."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import SettingsError
from index.pooling import mean_pool, pad, tokenizer_for

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"


def providers_for(device: str) -> list[str]:
    """ONNX Runtime providers for RECAP_DEVICE. `cuda` without a CUDA provider is an error, not a
    silent CPU run; `auto` takes CUDA when onnxruntime-gpu offers it."""
    import onnxruntime

    available = onnxruntime.get_available_providers()
    if device == "cpu":
        return [CPU]
    if CUDA in available:
        return [CUDA, CPU]
    if device == "cuda":
        raise SettingsError(
            f"device: RECAP_DEVICE=cuda, but onnxruntime here has no CUDA provider (it has {', '.join(available)}); "
            "install onnxruntime-gpu on a machine with an NVIDIA GPU, or set RECAP_DEVICE=auto or cpu"
        )
    return [CPU]


def session_for(path: Path, device: str) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: a bad file is reported by us, in one line
    options.intra_op_num_threads = min(os.cpu_count() or 1, 8)
    # Threads that spin between ops burn the cores Chroma and the tokenizer need, and slow everything
    # on a busy machine (measured: about 20% more CPU time per batch on these 2 cores).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(str(path), options, providers=providers_for(device))
    if device == "cuda" and CUDA not in session.get_providers():
        raise SettingsError("device: RECAP_DEVICE=cuda, but onnxruntime could not open a CUDA device")
    return session


def pooled(session: Any, texts: list[str]) -> np.ndarray:
    """Normalised mean-pooled vectors of `texts` in one batch."""
    ids, mask = pad(tokenizer_for().encode_batch(texts))
    states = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
    return mean_pool(states, mask)


def run_session(path: Path, device: str, texts: list[str]) -> np.ndarray:
    return pooled(session_for(path, device), texts)
