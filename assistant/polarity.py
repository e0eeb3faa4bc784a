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

from index.keyword import terms

_TYPO = str.maketrans("’‘“”–—", "''\"\"--")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
NEGATIONS = frozenset(
    str.split(
        "not no never none nobody nothing nowhere neither nor without cannot hardly barely scarcely lack lacks "
        "lacked lacking fail fails failed missing"
    )
)
WINDOW = 6  # words after a negation that it governs ("didn't see AI making a big impact")
# Opposites, each side a set of words; a claim word from one side where the passage sentence has one
# from the other (and neither sentence has the other's word) flips the meaning.
OPPOSITES: tuple[tuple[str, str], ...] = (
    (
        "grow growing grew growth rise rising rose increase increasing increased expand expanding boost boosted "
        "gain gained surge surging climb climbing accelerate accelerating speed improve improved improving",
        "shrink shrinking shrank decline declining declined decrease decreasing decreased fall falling fell drop "
        "dropping dropped contract contracting slow slowed slowing reduce reduced hurt worsen worsened degrade",
    ),
    ("many multiple numerous lots plenty most more majority countless", "few fewer little less least handful minority"),
    (
        "big large huge massive major heavy heavily high higher highest strong stronger",
        "small little tiny minor light lightly low lower lowest weak weaker",
    ),
    (
        "good great fantastic excellent amazing awesome wonderful impressive useful helpful valuable positive "
        "enjoyable superb brilliant outstanding successful popular exciting interesting love loved enjoyed praise "
        "praised best better happy fun optimistic enthusiastic welcome welcomed cheered comfortable impressed",
        "bad poor terrible awful disappointing disappointed useless unhelpful worthless negative boring dull "
        "mediocre unsuccessful failure flop unpopular hate hated disliked criticise criticised criticize criticized "
        "worst worse badly unhappy pessimistic sceptical skeptical unwelcome booed discomfort uncomfortable "
        "unimpressed underwhelmed underwhelming chagrin complain complained annoyed frustrated frustrating tired",
    ),
    ("easy easier simple simpler straightforward trivial", "hard harder difficult complex complicated tricky"),
    ("fast faster quick quicker rapid", "slow slower sluggish"),
    ("first earliest early", "last latest late final"),
    ("found find solved", "looking searching seeking"),
    ("always everyone everybody everything all", "never nobody nothing none"),
    ("cheap cheaper inexpensive affordable free", "expensive costly pricey"),
    ("profitable profit profits", "unprofitable loss losses"),
    ("relevant important significant central mainstream", "irrelevant unimportant insignificant peripheral niche"),
    (
        "present included include accepted accept allowed allow enabled enable",
        "absent excluded exclude rejected reject forbidden forbid disabled disable",
    ),
    ("same similar like alike", "different unlike contrast"),
    ("more", "less"),
    ("busy crowded packed full", "quiet empty deserted"),
    ("agree agreed support supported", "disagree disagreed oppose opposed"),
    ("rise", "decline"),
)
_PREFIXES = ("un", "in", "im", "ir", "il", "dis", "non")
_APPROVAL = 3  # the OPPOSITES pair of approving and disapproving words


@cache
def _tones() -> tuple[frozenset[str], frozenset[str]]:
    """The stems of approving and of disapproving words."""
    stem = _stemmer().stemWord
    good, bad = OPPOSITES[_APPROVAL]
    return frozenset(stem(w) for w in good.split()), frozenset(stem(w) for w in bad.split())


def tone(text: str) -> int:
    """+1 when the text approves (an approving word, none disapproving, no negation), −1 when it
    disapproves (a disapproving word, or a negated approving one: "not impressed"), else 0."""
    tokens = words(text)
    good, bad = _tones()
    stems = _stemmer().stemWords(tokens)
    negated = {i + j for i, t in enumerate(tokens) if _is_negation(tokens, i) for j in range(1, WINDOW + 1)}
    approving = any(s in good and i not in negated for i, s in enumerate(stems))
    disapproving = any(s in bad for s in stems) or any(s in good and i in negated for i, s in enumerate(stems))
    return 0 if approving == disapproving else (1 if approving else -1)


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
    if word in ("few", "little"):  # "few sessions" denies; "a few sessions", "as little as 1 ms" do not
        return i == 0 or tokens[i - 1] not in ("a", "quite", "the", "as", "very")
    if word == "no" and i + 1 < len(tokens) and tokens[i + 1] in ("doubt", "longer"):
        return word == "no" and tokens[i + 1] == "longer"  # "no doubt" affirms
    if word == "nothing" and i + 1 < len(tokens) and tokens[i + 1] in ("short", "but", "less"):
        return False  # "nothing short of amazing" praises
    if word == "not" and i + 2 < len(tokens) and tokens[i + 1] in ("only", "to"):
        return False  # "not only … but also", "not to mention": idioms that deny nothing
    return word in NEGATIONS or (word == "yet" and i > 0 and tokens[i - 1] in ("be", "is", "are", "has", "have"))


def _negations(tokens: list[str]) -> list[set[str]]:
    """For each negation in `tokens`, the content stems it governs (the next few words)."""
    return [set(terms(" ".join(tokens[i + 1 : i + 1 + WINDOW]))) for i in range(len(tokens)) if _is_negation(tokens, i)]


def check_polarity(claim: str, aligned: str, passage: str = "") -> list[str]:
    """Why the claim's meaning is the opposite of `aligned` (the passage sentences it restates); empty when not.

    A negation counts when it governs words the other side has too. One in the claim must have a
    counterpart governing the same words somewhere in the `passage` (all of its sentences); one in
    the aligned sentences must have its counterpart in the claim.
    """
    passage = passage or aligned
    claim_tokens, aligned_tokens, passage_tokens = words(claim), words(aligned), words(passage)
    claim_stems, aligned_stems = set(terms(" ".join(claim_tokens))), set(terms(" ".join(aligned_tokens)))
    passage_stems = set(terms(" ".join(passage_tokens))) | aligned_stems
    in_claim, in_aligned, in_passage = _negations(claim_tokens), _negations(aligned_tokens), _negations(passage_tokens)
    problems = []
    if any(g & passage_stems and not any(g & other for other in in_passage + in_aligned) for g in in_claim):
        problems.append("adds a negation")
    elif any(g & claim_stems and not any(g & other for other in in_claim) for g in in_aligned):
        problems.append("drops the passage's negation")
    stem = _stemmer().stemWords
    problems += _opposite_words(
        claim_tokens, set(stem(claim_tokens)), set(stem(aligned_tokens)), set(stem(passage_tokens))
    )
    return problems


def _opposite_words(
    claim_tokens: list[str], claim_stems: set[str], aligned_stems: set[str], passage_stems: set[str]
) -> list[str]:
    """A claim word the passage lacks whose opposite the aligned sentences have (and the claim lacks)."""
    stem = _stemmer().stemWord
    opposites = _opposites()
    claim_words = set(claim_tokens)
    for word in dict.fromkeys(claim_tokens):
        s = stem(word)
        if s in passage_stems:
            continue
        for other in opposites.get(s, ()):
            if other in aligned_stems and other not in claim_stems:
                return [f"says {word!r} where the passage has its opposite"]
        for prefix in _PREFIXES:  # "irrelevant" against "relevant", and the reverse
            if word.startswith(prefix) and len(word) - len(prefix) >= 4 and stem(word[len(prefix) :]) in aligned_stems:
                return [f"says {word!r} where the passage says {word[len(prefix) :]!r}"]
            if len(word) >= 4 and stem(prefix + word) in aligned_stems and prefix + word not in claim_words:
                return [f"says {word!r} where the passage says {prefix + word!r}"]
    return []
