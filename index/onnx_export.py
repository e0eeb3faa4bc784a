"""Export the packaged all-MiniLM-L6-v2 to ONNX from its own weights: the only place recap imports torch
on purpose (once per data directory and model version; queries then run on onnxruntime alone).

The graph outputs the token states (batch x tokens x 384); pooling happens in numpy (index/pooling.py),
so one file serves whole-text vectors and sentence spans pooled from a chunk's pass alike. Each
file carries, as ONNX metadata, the sha256 of the weights it came from and probe vectors computed by
the torch model itself: a file that does not reproduce them is never used (index/onnx_model.py).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from index.onnx_session import run_session
from index.pooling import MODEL_NAME, PROBE_TEXTS, WINDOW, mean_pool, pad, tokenizer_for

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "token_states"
OPSET = 17
META_PREFIX = "recap."


def _torch_model(model_path: Path, device: str) -> Any:
    """The weights as a transformers module, and the device to run it on."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_path)).eval()
    return model.to("cuda" if device == "cuda" and torch.cuda.is_available() else "cpu")


def _probe_vectors(model: Any) -> np.ndarray:
    """What the torch model itself gives for the probe texts: the reference every ONNX file must match."""
    import torch

    tokenizer = tokenizer_for()
    padded_ids, padded_mask = pad(tokenizer.encode_batch(list(PROBE_TEXTS)))
    ids = torch.from_numpy(padded_ids).to(model.device)
    mask = torch.from_numpy(padded_mask).to(model.device)
    with torch.inference_mode():
        states = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).last_hidden_state
    return mean_pool(states.float().cpu().numpy(), mask.cpu().numpy())


def _token_states(model: Any) -> Any:
    """The module exported: BERT's last hidden state only (the pooler head is not part of the model)."""
    import torch

    class TokenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    return TokenStates().eval()


def _export_graph(model: Any, target: Path) -> None:
    import torch

    # Padding (mask zeros) and two rows in the example, so the trace keeps the mask's path general.
    ids = torch.tensor([[101, 2023, 2003, 102], [101, 2023, 102, 0]], device=model.device)
    mask = (ids != 0).long()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on Python control flow it folded
        torch.onnx.export(
            _token_states(model).cpu(),
            (ids.cpu(), mask.cpu(), torch.zeros_like(ids).cpu()),
            str(target),
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*INPUTS, OUTPUT)},
            opset_version=OPSET,
            dynamo=False,
        )


def _quantise(source: Path, target: Path) -> None:
    """int8 weights for the matrix products (ONNX Runtime dynamic quantisation, one scale per channel:
    per-tensor scales cost MiniLM about 0.05 cosine, per-channel about 0.007)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger("root").setLevel(logging.ERROR)  # "consider pre-processing" advice on every call
    quantize_dynamic(
        str(source), str(target), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
    )


def _with_metadata(path: Path, meta: dict[str, str]) -> None:
    import onnx

    model = onnx.load(str(path))
    del model.metadata_props[:]
    for key, value in meta.items():
        model.metadata_props.add(key=META_PREFIX + key, value=value)
    onnx.save(model, str(path))


def export(model_path: Path, target: Path, weights_sha256: str, precision: str, device: str = "cpu") -> None:
    """Write `target`: the model at `precision` ("fp32" or "int8") with its metadata. Atomic: a crash
    or a concurrent export never leaves half a file under the final name."""
    log.debug("exporting %s to ONNX (%s): %s", model_path.name, precision, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    model = _torch_model(model_path, device)
    reference = _probe_vectors(model)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        _export_graph(model, fp32)
        final = fp32
        if precision == "int8":
            final = Path(tmp) / "int8.onnx"
            _quantise(fp32, final)
        probes = run_session(final, "cpu", list(PROBE_TEXTS))
        agreement = float((probes * reference).sum(axis=1).min())
        floor = 0.9999 if precision == "fp32" else 0.97
        if agreement < floor:
            raise RuntimeError(f"the exported {precision} model disagrees with torch (cosine {agreement:.5f})")
        meta = {
            "model": MODEL_NAME,
            "weights_sha256": weights_sha256,
            "precision": precision,
            "window": str(WINDOW),
            "probe_vectors": json.dumps(probes.round(6).tolist()),
        }
        _with_metadata(final, meta)
        os.replace(final, target)
    log.debug("exported %s (probe cosine to torch %.6f)", target.name, agreement)
