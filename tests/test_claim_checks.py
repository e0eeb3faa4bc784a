"""The verifier's rules one by one, the extractive span check, and the claim benchmark harness on real claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from assistant.attribution import Attributions
from assistant.claim_eval import ClaimBench, load_claims, score_table
from assistant.polarity import check_polarity
from assistant.quantities import check_quantities
from assistant.span_check import check_span
from index.catalog import Source
from index.embeddings import Embedder
from index.settings import Settings

HAINTZ = Source("h", "KubeCon Paris 2024", "Christian Haintz", "Carrot & Company blog", "2024-03-27")
BRYANT = Source("b", "KubeCon EU 2024 Paris: Key Takeaways", "Daniel Bryant", "Medium", "2024-03-27")
OPSRAMP = Source("o", "KubeCon (key takeaways)", "", "OpsRamp blog", "2024")
STARTUP = (
    "With WebAssembly (WASM) as the runtime, we can reduce startup time to as little as 1 millisecond(!), "
    "making it about 1000 times faster than container-based serverless systems."
)


@pytest.mark.parametrize(
    ("claim", "why"),
    [
        ("WebAssembly can cut startup time to as little as 10 milliseconds.", "'10 milliseconds' where"),
        ("WebAssembly starts in as little as 1 second.", "'1 second' where"),
        ("WebAssembly is about 100 times faster than containers.", "'100 times' where"),
        ("WebAssembly is about 1,000 times faster, as of 2023.", "'2023', which the passage does not give"),
    ],
)
def test_changed_quantities_are_found(claim: str, why: str) -> None:
    assert any(why in p for p in check_quantities(claim, STARTUP, ""))


def test_restated_quantities_hold() -> None:
    assert check_quantities("Startup takes as little as one millisecond, about 1000x faster.", STARTUP, "") == []
    attending = "With over 12,000 people attending, not to mention 100s of sponsors, it was busier than ever."
    assert check_quantities("Over 12,000 attendees and hundreds of sponsors came.", attending, "") == []
    assert check_quantities("Over 12,000 attendees and a few dozen sponsors came.", attending, "")
    second = "NVIDIA took the stage as the second keynote of the opening day."
    assert (
        "'third' where the passage says 'second'" in check_quantities("NVIDIA gave the third keynote.", second, "")[0]
    )


def test_polarity_flips_are_found_and_paraphrases_are_not() -> None:
    looking = "Many folks I chatted to were still looking for the “killer use case” for Wasm."
    assert check_polarity("Wasm has clearly found its killer use case.", looking)
    assert check_polarity("Folks were not looking for a killer use case for Wasm.", looking) == ["adds a negation"]
    assert check_polarity("Folks were still searching for Wasm's killer use case.", looking) == []
    hard_sell = "I don’t think the hard sell works in the KubeCon sponsor hall."
    assert check_polarity("The hard sell works well in the sponsor hall.", hard_sell) == [
        "drops the passage's negation"
    ]
    assert check_polarity("Bryant doesn't think the hard sell works in the hall.", hard_sell) == []
    assert check_polarity("Interest in WebAssembly was declining.", "the growing interest in WebAssembly")
    assert check_polarity("Sustainability was irrelevant.", "Sustainability was particularly relevant.")


def test_attribution_frames() -> None:
    known = Attributions([HAINTZ, BRYANT, OPSRAMP])
    found = known.find("Haintz wrote that Adrian Mouat presented a talk.")
    assert found.source is HAINTZ and found.content == "Adrian Mouat presented a talk."
    found = known.find("**Daniel Bryant (Medium)** says many folks were still looking.")
    assert found.source is BRYANT and found.content == "Many folks were still looking."
    assert known.find("According to the OpsRamp blog, IDPs are everywhere.").source is OPSRAMP
    assert known.find("IDPs are everywhere, according to Bryant.").content == "IDPs are everywhere."
    assert known.find("Kubernetes turned ten.").source is None


def test_span_check_for_extractive_answers() -> None:
    assert check_span("Christian Haintz wrote that Wasm can start in 1 millisecond.", STARTUP, HAINTZ).supported
    changed = check_span("Haintz wrote that Wasm can start in 10 milliseconds.", STARTUP, HAINTZ, [BRYANT])
    assert not changed.supported and "'10 milliseconds' where the passage says '1 millisecond'" in changed.reasons[0]
    wrong = check_span("Bryant wrote that Wasm can start in 1 millisecond.", STARTUP, HAINTZ, [BRYANT])
    assert not wrong.supported and "credits 'Bryant wrote that'" in wrong.reasons[0]
    # A span grown to take in its antecedent still supports what the answer says about its second sentence.
    grown = "What's the win here? TL;DR: Much less overhead compared to a container runtime. " + STARTUP
    check = check_span("Haintz says WebAssembly cuts startup time to about 1 millisecond.", grown, HAINTZ)
    assert check.supported and check.best_sentence == STARTUP
    added = check_span(
        "Haintz says WebAssembly starts in 1 millisecond, and Fermyon donated its runtime to the Linux Foundation.",
        grown,
        HAINTZ,
    )
    assert not added.supported and "fermyon" in added.reasons[0]


def test_claim_bench_judges_real_claims_as_the_app_would(corpus_index: Path, embedder: Embedder) -> None:
    assistant = Assistant(Settings(data_dir=corpus_index), embedder=embedder, auto_ingest=False)
    bench = ClaimBench(assistant.view(), embedder, assistant.settings.conference)
    claims = {c.id: c for c in load_claims()}
    report = bench.run([claims[i] for i in ("h088", "h101", "g001", "h029")])
    outcome = {j.claim.id: j.outcome for j in report.judged}
    assert outcome == {"h088": "removed", "h101": "removed", "g001": "kept", "h029": "kept"}
    passages = bench.passages(claims["h101"])
    assert [p.n for p in passages] == [1] and "as little as 1 millisecond" in passages[0].text
    assert passages[0].sentences and passages[0].passage.source.author == "Christian Haintz"
    table = score_table(report)
    assert table[0].startswith("claims: 4") and any(line.startswith("changed_number") for line in table)
