"""The ONNX embedding path: the same vectors as sentence-transformers, a damaged or foreign model file
never used, no torch on the query path, and the index re-built when its vectors were made another way."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import Assistant, IndexNotReadyError, Settings, SettingsError
from index.chunking import Chunk
from index.embeddings import Embedder
from index.ingest import vector_mismatch
from index.onnx_model import ModelFileError, file_for, load_checked, packaged_weights
from index.pooling import model_path
from index.sentence_vectors import embed_document, sentence_rows
from index.sentences import sentence_spans
from index.settings import BUNDLED_CORPUS, load_settings

REPO = Path(__file__).resolve().parent.parent


def corpus_paragraphs(n: int) -> list[str]:
    """`n` paragraphs, lines and sentences of the bundled recaps (five words or more), in file order."""
    seen: dict[str, None] = {}
    for path in sorted(BUNDLED_CORPUS.glob("*.txt")):
        for block in path.read_text().split("\n\n"):
            sentences = [block[s:e] for s, e in sentence_spans(block)]
            for line in [block, *block.split("\n"), *sentences]:
                if len(line.split()) >= 5:
                    seen.setdefault(line.strip())
    return list(seen)[:n]


@pytest.fixture(scope="module")
def fp32(embedder: Embedder) -> Embedder:
    """The model's own precision (the default is int8), exported beside the session embedder's file."""
    return Embedder(embedder.model_dir, "fp32", "cpu")


@pytest.fixture(scope="module")
def reference() -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_path()), device="cpu")


def test_onnx_vectors_match_sentence_transformers(fp32: Embedder, embedder: Embedder, reference: Any) -> None:
    paragraphs = corpus_paragraphs(200)
    whole_recaps = [p.read_text() for p in sorted(BUNDLED_CORPUS.glob("*.txt"))]  # past the 256-piece window
    texts = paragraphs + whole_recaps
    assert len(paragraphs) == 200
    assert fp32.uses_onnx
    ours = fp32.embed(texts)
    theirs = reference.encode(texts, normalize_embeddings=True, batch_size=32)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.9999, f"worst paragraph: {texts[int(cosines.argmin())][:80]!r} ({cosines.min():.6f})"
    one = fp32.embed_one(texts[0])
    assert float(one @ theirs[0]) >= 0.9999
    # int8 (the default) is close to the model's own vectors, not equal: indexes record which they hold.
    assert embedder.precision == "int8"
    int8_cosines = (embedder.embed(texts) * theirs).sum(axis=1)
    assert int8_cosines.min() > 0.95 and int8_cosines.mean() > 0.985


def damage(path: Path, how: str) -> None:
    """Spoil an exported file the way a disk, a crash or a wrong copy would."""
    if how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(b"\x00\x13not a model at all" * 1000)
    else:
        import onnx

        model = onnx.load(str(path))
        if how == "other-weights":
            # The metadata of another model's export: it must not be taken for ours.
            for prop in model.metadata_props:
                if prop.key == "recap.weights_sha256":
                    prop.value = "0" * 64
        else:  # "other-model": right metadata, but a weight matrix that is not ours
            init = max(model.graph.initializer, key=lambda t: len(t.raw_data))
            values = onnx.numpy_helper.to_array(init).copy()
            values[:, : values.shape[1] // 2] *= -1.0
            init.CopyFrom(onnx.numpy_helper.from_array(values, init.name))
        onnx.save(model, str(path))


def intact_copy(embedder: Embedder, models: Path) -> Path:
    """A copy (not a link: it is about to be damaged) of the embedder's checked file in `models`."""
    weights = packaged_weights(models)
    path = file_for(models, weights, "fp32")
    models.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(file_for(embedder.model_dir, weights, "fp32"), path)
    return path


@pytest.mark.parametrize("how", ["truncated", "garbage", "other-weights", "other-model"])
def test_a_damaged_or_foreign_model_file_is_refused(fp32: Embedder, tmp_path: Path, how: str) -> None:
    fp32.backend()
    path = intact_copy(fp32, tmp_path)
    weights = packaged_weights(tmp_path)
    load_checked(path, weights, "fp32", "cpu")  # intact: accepted
    damage(path, how)
    with pytest.raises(ModelFileError):
        load_checked(path, weights, "fp32", "cpu")


def test_a_damaged_model_file_is_exported_again_with_one_warning(
    fp32: Embedder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fp32.backend()
    models = tmp_path / "models"
    damage(intact_copy(fp32, models), "other-model")
    fresh = Embedder(models, "fp32", "cpu")
    with caplog.at_level(logging.INFO):
        vector = fresh.embed_one("What did people say about Wasm?")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "exported it again" in warnings[0].getMessage(), caplog.text
    assert fresh.uses_onnx
    assert float(vector @ fp32.embed_one("What did people say about Wasm?")) >= 0.9999


def test_without_a_usable_file_fp32_falls_back_to_sentence_transformers(
    fp32: Embedder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("the models folder cannot be made under a file")
    fallback = Embedder(blocked / "models", "fp32", "cpu")
    with caplog.at_level(logging.INFO):
        vector = fallback.embed_one("What did people say about Wasm?")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "sentence-transformers instead" in warnings[0].getMessage(), caplog.text
    assert not fallback.uses_onnx
    assert float(vector @ fp32.embed_one("What did people say about Wasm?")) >= 0.9999
    # int8 vectors have no fallback: a clear error, never other vectors.
    with pytest.raises(IndexNotReadyError, match="int8"):
        Embedder(blocked / "models", "int8", "cpu").embed_one("x")


QUERY_SCRIPT = """
import json, sys
from assistant.cli import cli
try:
    cli(["ask", "What did people say about Wasm?"], prog_name="recap", standalone_mode=False)
    cli(["search", "platform engineering"], prog_name="recap", standalone_mode=False)
finally:
    heavy = ("torch", "sentence_transformers", "transformers")
    print("LOADED " + json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def test_the_query_path_never_imports_torch(fresh_data_dir: Path) -> None:
    env = {**os.environ, "RECAP_DATA_DIR": str(fresh_data_dir), "RECAP_LLM": "extractive"}
    done = subprocess.run(
        [sys.executable, "-c", QUERY_SCRIPT], capture_output=True, text=True, env=env, cwd=REPO, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Wasm" in done.stdout or "WebAssembly" in done.stdout
    loaded = json.loads(done.stdout.split("LOADED ")[-1])
    assert loaded == [], f"the query path imported {loaded}"


def test_recap_help_imports_no_index_libraries() -> None:
    script = (
        "import sys; from assistant.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='recap', standalone_mode=False)\nfinally:\n"
        "    heavy = ('torch', 'sentence_transformers', 'chromadb', 'bm25s', 'onnxruntime', 'langchain_core')\n"
        "    print('LOADED', sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stdout, done.stdout


def test_late_chunking_pools_sentences_from_the_chunk_pass(fp32: Embedder) -> None:
    text = (
        "WebAssembly was the talk of the hallway track. Platform engineering teams asked about it.\n\n"
        + " ".join(["Every booth had a demo of cloud-native tooling for platform teams."] * 40)
        + "\n\nThe last sentence lies beyond the model's window."
    )
    spans = ((0, text.index("\n\n")), (text.index("Every"), len(text)))
    chunk = Chunk("doc:1", "doc", 0, 0, "Notes", spans, "\n\n".join(text[s:e] for s, e in spans))
    vectors, rows, sentence_vectors = embed_document(fp32, text, [chunk], "late")
    separate, rows_separate, sentence_separate = embed_document(fp32, text, [chunk], "separate")
    assert rows == rows_separate == sentence_rows(text, [chunk])
    assert float(vectors[0] @ separate[0]) >= 0.9999  # the chunk's own vector does not change
    cosines = (sentence_vectors * sentence_separate).sum(axis=1)
    assert 0.5 < cosines[0] < 0.999  # pooled in context: close to, not the same as, its own pass
    assert cosines[-1] >= 0.9999  # beyond the window: embedded on its own
    assert np.allclose(np.linalg.norm(sentence_vectors, axis=1), 1.0, atol=1e-4)


def test_an_index_made_with_other_vectors_is_reindexed(fresh_data_dir: Path, embedder: Embedder) -> None:
    built = Assistant(Settings(data_dir=fresh_data_dir), embedder=embedder, auto_ingest=False)
    catalog_config = json.loads((fresh_data_dir / "recap" / "catalog.json").read_text())["config"]
    assert vector_mismatch(catalog_config, built.settings, embedder) is None
    assert catalog_config["sentence_vectors"] == "separate" and catalog_config["embedding_precision"] == "int8"

    late = Settings(data_dir=fresh_data_dir, sentence_vectors="late")
    with pytest.raises(IndexNotReadyError, match="sentence_vectors separate != late"):
        Assistant(late, embedder=embedder, auto_ingest=False).ask("What did people say about Wasm?")

    answer = Assistant(late, embedder=embedder).ask("What did people say about Wasm?")
    assert answer.citations
    config = json.loads((fresh_data_dir / "recap" / "catalog.json").read_text())["config"]
    assert config["sentence_vectors"] == "late"
    # The next ingest with the first settings re-indexes every file again.
    report = Assistant(Settings(data_dir=fresh_data_dir), embedder=embedder).ingest()
    assert report.updated and not report.unchanged


def test_device_setting(embedder: Embedder, fp32: Embedder) -> None:
    with pytest.raises(SettingsError, match="device"):
        load_settings(device="gpu")
    cpu = Embedder(embedder.model_dir, "int8", "cpu")
    assert float(cpu.embed_one("Wasm") @ embedder.embed_one("Wasm")) >= 0.9999
    if Path("/dev/nvidiactl").exists():
        pytest.skip("this machine has a GPU: the error below is for machines without one")
    with pytest.raises(SettingsError, match="RECAP_DEVICE=cuda"):
        Embedder(embedder.model_dir, "fp32", "cuda").embed_one("Wasm")
