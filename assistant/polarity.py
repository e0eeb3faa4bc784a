"""Flipped meanings: a negation or an opposite word in a claim that its passage sentence lacks, or the reverse.

"Wasm has clearly found its killer use case" shares most words with "folks were still looking for the
killer use case", and a sentence embedding puts them close; what differs is one cue of polarity.
Only cues next to words the two sentences share count, so a negation elsewhere in a long passage
sentence (about something the claim does not restate) does not flip the claim.
"""

from __future__ import annotations

import re
from functools import cache

import Stemmer

_TYPO = str.maketrans("’‘“”–—", "''\"\"--")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
NEGATIONS = frozenset(
    "not no never none nobody nothing nowhere neither nor without cannot hardly barely scarcely lack lacks "
    "lacked lacking fail fails failed".split()
)
WINDOW = 6  # words after a negation that it governs ("didn't see AI making a big impact")
# Opposites, each side a set of words; a claim word from one side where the passage sentence has one
# from the other (and neither sentence has the other's word) flips the meaning.
OPPOSITES: tuple[tuple[str, str], ...] = (
    ("grow growing grew growth rise rising rose increase increasing increased expand expanding boost boosted "
     "gain gained surge surging climb climbing accelerate accelerating speed improve improved improving",
     "shrink shrinking shrank decline declining declined decrease decreasing decreased fall falling fell drop "
     "dropping dropped contract contracting slow slowed slowing reduce reduced hurt worsen worsened degrade"),
    ("many multiple numerous lots plenty most more majority countless",
     "few fewer little less least handful minority"),
    ("big large huge massive major heavy heavily high higher highest strong stronger",
     "small little tiny minor light lightly low lower lowest weak weaker"),
    ("good great fantastic excellent amazing awesome wonderful impressive useful helpful valuable positive "
     "enjoyable superb brilliant outstanding successful popular exciting interesting love loved enjoyed praise "
     "praised best better happy fun optimistic enthusiastic welcome welcomed cheered comfortable",
     "bad poor terrible awful disappointing disappointed useless unhelpful worthless negative boring dull "
     "mediocre unsuccessful failure flop unpopular hate hated disliked criticise criticised criticize criticized "
     "worst worse badly unhappy pessimistic sceptical skeptical unwelcome booed discomfort uncomfortable"),
    ("easy easier simple simpler straightforward trivial", "hard harder difficult complex complicated tricky"),
    ("fast faster quick quicker rapid", "slow slower sluggish"),
    ("first earliest early", "last latest late final"),
    ("found find solved", "looking searching seeking"),
    ("always everyone everybody everything all", "never nobody nothing none"),
    ("cheap cheaper inexpensive affordable free", "expensive costly pricey"),
    ("profitable profit profits", "unprofitable loss losses"),
    ("relevant important significant central mainstream", "irrelevant unimportant insignificant peripheral niche"),
    ("present included include accepted accept allowed allow enabled enable",
     "absent excluded exclude rejected reject forbidden forbid disabled disable"),
    ("same similar like alike", "different unlike contrast"),
    ("more", "less"),
    ("busy crowded packed full", "quiet empty deserted"),
    ("agree agreed support supported", "disagree disagreed oppose opposed"),
    ("rise", "decline"),
)
_PREFIXES = ("un", "in", "im", "ir", "il", "dis", "non")


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@cache
def _opposites() -> dict[str, frozenset[str]]:
    """Stem → the stems opposite to it."""
    stem = _stemmer().stemWord
    table: dict[str, set[str]] = {}
    for left, right in OPPOSITES:
        lefts, rights = {stem(w) for w in left.split()}, {stem(w) for w in right.split()}
        for w in lefts:
            table.setdefault(w, set()).update(rights - lefts)
        for w in rights:
            table.setdefault(w, set()).update(lefts - rights)
    return {w: frozenset(o) for w, o in table.items()}


def words(text: str) -> list[str]:
    """Lower-cased words, "n't" split off as "not" ("didn't" → "did", "not")."""
    low = text.casefold().translate(_TYPO)
    low = re.sub(r"\bcan't\b", "can not", low)
    low = re.sub(r"\bwon't\b", "will not", low)
    low = re.sub(r"n't\b", " not", low)
    low = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", low)
    return _WORD.findall(low)


def _is_negation(tokens: list[str], i: int) -> bool:
    word = tokens[i]
    if word in ("few", "little"):  # "few sessions" denies; "a few sessions" does not
        return i == 0 or tokens[i - 1] not in ("a", "quite", "the")
    if word == "no" and i + 1 < len(tokens) and tokens[i + 1] in ("doubt", "longer"):
        return word == "no" and tokens[i + 1] == "longer"  # "no doubt" affirms
    if word == "not" and i + 2 < len(tokens) and tokens[i + 1] == "only":
        return False  # "not only … but also"
    return word in NEGATIONS or word == "yet" and i > 0 and tokens[i - 1] in ("be", "is", "are", "has", "have")


def _anchored_negations(tokens: list[str], anchors: set[str]) -> int:
    """Negations governing at least one of `anchors` (stems) in the next few words."""
    stem = _stemmer().stemWord
    count = 0
    for i in range(len(tokens)):
        if _is_negation(tokens, i) and any(stem(w) in anchors for w in tokens[i + 1 : i + 1 + WINDOW]):
            count += 1
    return count


def _content_stems(tokens: list[str]) -> set[str]:
    stem = _stemmer().stemWord
    return {stem(w) for w in tokens if len(w) > 2 and w not in NEGATIONS}


def check_polarity(claim: str, aligned: str) -> list[str]:
    """Why the claim's meaning is the opposite of `aligned` (the passage sentences it restates); empty when not."""
    claim_tokens, passage_tokens = words(claim), words(aligned)
    claim_stems, passage_stems = _content_stems(claim_tokens), _content_stems(passage_tokens)
    shared = claim_stems & passage_stems
    problems = []
    in_claim = _anchored_negations(claim_tokens, shared)
    in_passage = _anchored_negations(passage_tokens, shared)
    if in_claim % 2 != in_passage % 2:
        where = "adds a negation" if in_claim > in_passage else "drops the passage's negation"
        problems.append(where)
    problems += _opposite_words(claim_tokens, claim_stems, passage_tokens, passage_stems)
    return problems


def _opposite_words(claim_tokens: list[str], claim_stems: set[str], passage_tokens: list[str], passage_stems: set[str]) -> list[str]:
    stem = _stemmer().stemWord
    opposites = _opposites()
    passage_words, claim_words = set(passage_tokens), set(claim_tokens)
    for word in dict.fromkeys(claim_tokens):
        s = stem(word)
        if s in passage_stems:
            continue
        for other in opposites.get(s, ()):
            if other in passage_stems and other not in claim_stems:
                return [f"says {word!r} where the passage has its opposite"]
        for prefix in _PREFIXES:  # "irrelevant" against "relevant", and the reverse
            if word.startswith(prefix) and len(word) - len(prefix) >= 4 and word[len(prefix):] in passage_words:
                return [f"says {word!r} where the passage says {word[len(prefix):]!r}"]
            if len(word) >= 4 and prefix + word in passage_words and prefix + word not in claim_words:
                return [f"says {word!r} where the passage says {prefix + word!r}"]
    return []
