"""Write assistant/dictionary_forms.json: English word forms no stemmer takes to their dictionary form.

    .venv/bin/python bench/make_dictionary_forms.py

"gave" → "give", "spoke" → "speak", "children" → "child": the pairs of simplemma's English table
(a well-kept lemmatiser whose tables ship in its wheel) whose stems differ, so matching stems
already covers every other pair ("devs" and "dev" are one term). The table is data, not a word list
kept by hand: rerun this after upgrading simplemma or changing the stemmer (`index.keyword.terms`).
Shipping the pairs keeps the 0.4 s of loading simplemma's table off the query path.
"""

from __future__ import annotations

import json
from pathlib import Path

from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

from assistant.spelling import FORMS_FILE
from index.keyword import terms


def irregular_forms() -> dict[str, str]:
    table = DefaultDictionaryFactory().get_dictionary("en")
    forms: dict[str, str] = {}
    for form, lemma in table.items():
        form, lemma = form.casefold(), lemma.casefold()
        if form == lemma or not (form.isascii() and form.isalpha() and lemma.isascii() and lemma.isalpha()):
            continue
        form_terms, lemma_terms = terms(form), terms(lemma)
        if form_terms and lemma_terms and form_terms != lemma_terms:
            forms[form] = lemma
    return dict(sorted(forms.items()))


def main() -> None:
    forms = irregular_forms()
    Path(FORMS_FILE).write_text(json.dumps(forms, separators=(",", ":")) + "\n")
    print(f"wrote {len(forms)} forms to {FORMS_FILE}")


if __name__ == "__main__":
    main()
