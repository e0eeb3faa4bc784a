#!/usr/bin/env python3
"""Build the claim-verification benchmark tests/eval/claims.jsonl.

Run from the repository root:

    python3 tests/eval/make_claims.py

Standard library only, seeded (random.Random(20240319)) and deterministic: every run
writes byte-identical output.  The script

  * splits the four KubeCon EU 2024 recaps into sentences (site chrome, headings and
    sentences under 6 words are skipped),
  * picks sentences and generates claims from them: verbatim (supported), negation and
    antonym flips (contradicted), number / unit / magnitude / date / ordinal changes
    (changed_number), claims credited to the wrong recap author (wrong_attribution),
    invented extra details (unsupported_addition) and one true clause joined to an
    invented one (partly_supported),
  * reads the hand-written claims from tests/eval/claims_handwritten.jsonl,
  * checks every line (passages verbatim in their doc within one line, labels,
    subtypes, unique ids, perturbed claims differ from their passages) and writes the
    merged, id-sorted tests/eval/claims.jsonl,
  * prints counts per label, subtype, origin and doc, and the dev/test split.
"""

import collections
import hashlib
import json
import pathlib
import random
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "index" / "corpus" / "kubecon-eu-2024"
EVAL = ROOT / "tests" / "eval"
HAND = EVAL / "claims_handwritten.jsonl"
OUT = EVAL / "claims.jsonl"
SEED = 20240319

# doc -> (normalised attribution, surface forms a model would use when naming it)
DOCS = collections.OrderedDict(
    [
        ("001_fa5dea81f7911e80.txt", ("Rafael Franzke", ["Rafael Franzke", "Franzke", "the Gardener blog"])),
        ("002_8756dfcdad1dbd7d.txt", ("OpsRamp blog", ["the OpsRamp blog", "OpsRamp's recap"])),
        ("003_88e24cc23989dd1a.txt", ("Daniel Bryant", ["Daniel Bryant", "Bryant"])),
        ("004_187b5ab0ce31c12c.txt", ("Christian Haintz", ["Christian Haintz", "Haintz"])),
    ]
)
ATTRIBUTIONS = ["Daniel Bryant", "Rafael Franzke", "Christian Haintz", "OpsRamp blog", ""]

LABEL_SUBTYPES = {
    "supported": {"verbatim", "paraphrase", "summary"},
    "contradicted": {"negation", "antonym"},
    "changed_number": {"number", "unit", "magnitude", "date", "ordinal"},
    "wrong_attribution": {"attribution"},
    "unsupported_addition": {"addition"},
    "partly_supported": {"partial"},
}
FIELDS = ["id", "label", "subtype", "claim", "doc", "passage", "attributed_to", "origin", "note"]

# ---------------------------------------------------------------------------
# Sentence splitting
# ---------------------------------------------------------------------------

ABBREV = {"i.e.", "e.g.", "vs.", "ex."}
BOUND = re.compile(r"[.!?]+[)”\"’]*\s+")
BULLET = re.compile(r"^\s*(?:•|\d+\.)\s+")
TERMINAL = re.compile(r"[.!?:][)”\"’]*$")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def doc_text(name):
    return (CORPUS / name).read_text(encoding="utf-8")


def body_lines(name, text):
    """The lines of a recap that belong to the post itself (no chrome, no headings)."""
    lines = text.split("\n")
    if name.startswith("001"):  # YAML front matter
        fences = [i for i, line in enumerate(lines) if line.strip() == "---"]
        lines = lines[fences[1] + 1 :]
    elif name.startswith("003"):  # section label, title, subtitle, author, separator
        start = next(i for i, line in enumerate(lines) if line.startswith("It’s time to once again"))
        lines = lines[start:]
    elif name.startswith("004"):  # another page's chrome, the title, reading time, date
        start = next(i for i, line in enumerate(lines) if line.startswith("Diving into KubeCon Paris 2024"))
        lines = lines[start:]
    out = []
    for line in lines:
        s = line.strip()
        if not s or s.startswith(("#", "![", "--", "CTA-")) or "|" in s or "Cookies" in s:
            continue
        is_item = bool(BULLET.match(line))
        if not is_item and not TERMINAL.search(s):
            continue  # a heading, caption or label: no sentence punctuation
        out.append(line)
    return out


def split_line(line):
    line = BULLET.sub("", line).strip()
    sents, start = [], 0
    for m in BOUND.finditer(line):
        before = line[start : m.start() + 1].split()
        if before and before[-1].lower() in ABBREV:
            continue
        nxt = line[m.end() : m.end() + 1]
        if not (nxt.isupper() or nxt.isdigit() or nxt in "“\"‘'(["):
            continue
        sents.append(line[start : m.end()].strip())
        start = m.end()
    if line[start:].strip():
        sents.append(line[start:].strip())
    return sents


def sentences(name):
    out = []
    for line in body_lines(name, doc_text(name)):
        for s in split_line(line):
            if len(s.split()) >= 6:
                out.append(s)
    return out


def clean(s):
    """A sentence as a model would write it: no markdown links, no stray spaces."""
    s = LINK.sub(r"\1", s)
    s = re.sub(r"\s+([.,;:])", r"\1", s)
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

FIRST_PERSON = re.compile(
    r"\b(I|I’m|I'm|I’ve|I'd|I’d|I’ll|me|my|My|we|We|we're|we’re|We’re|our|Our|us)\b"
    r"|\b[Yy]ou\b|\b[Yy]our\b|\byou're\b"
)
NEG_MARK = re.compile(
    r"(\bnot\b|n't\b|n’t\b|\bno\b|\bnever\b|\bnothing\b|\bnone\b|\bwithout\b|\black\b|\bno longer\b)", re.I
)
NEG_CORE = re.compile(r"(\bnot\b|n't\b|n’t\b|\bno\b|\bnever\b)", re.I)
STOP = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "us",
        "i",
        "my",
        "me",
        "you",
        "your",
        "not",
        "no",
        "so",
        "than",
        "then",
        "also",
        "very",
        "much",
        "many",
        "more",
        "most",
        "some",
        "any",
        "all",
        "each",
        "every",
        "such",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "how",
        "while",
        "about",
        "into",
        "over",
        "under",
        "again",
        "once",
        "just",
        "only",
        "even",
        "still",
        "yet",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
    ]
)


def lower_words(all_sents):
    words = set()
    for s in all_sents:
        for w in re.findall(r"(?<![#\w/.])[A-Za-z][\w’'-]*", clean(s)):
            if w[0].islower():
                words.add(w)
    return words


def proper_words(all_sents):
    """Capitalised words that occur in the middle of a sentence (names, acronyms)."""
    words = set()
    for s in all_sents:
        for tok in clean(s).split()[1:]:
            tok = tok.strip("“”\"‘’'()[],;:.!?")
            if tok[:1].isupper():
                words.add(tok)
    return words


def quote_spans(s):
    spans = []
    for m in re.finditer(r"“[^”]*”|\"[^\"]*\"", s):
        spans.append((m.start(), m.end()))
    return spans


def in_spans(i, spans):
    return any(a <= i < b for a, b in spans)


SYNONYMS = [
    (r"\bWebAssembly\b|\bWASM\b", "Wasm"),
    (r"\bLarge language models\b|\bLLMs\b", "LLM"),
    (r"\bGenAI\b|\bGenerative AI\b", "generative"),
    (r"\bK8s GPT\b", "k8sgpt"),
]


def content_words(s):
    """Crude stems (first five letters) of the content words of s."""
    s = clean(s)
    for pat, rep in SYNONYMS:
        s = re.sub(pat, rep, s, flags=re.I)
    return {w.lower()[:5] for w in re.findall(r"[A-Za-z][A-Za-z0-9-]+", s) if len(w) > 2 and w.lower() not in STOP}


def overlap(s, doc_words):
    """Largest share of s's content stems found in one sentence of another recap."""
    words = content_words(s)
    if not words:
        return 1.0
    return max(len(words & w) / len(words) for w in doc_words)


DANGLING = re.compile(
    r"^(?:They|These|Those|Them|That's|However, its|Gains|Gets|Experiences|Network)\b|"
    r"^It (?:allows|offers|caters|was even)\b|"
    r"^This (?:approach|information|infrastructure|collaboration|surge|opens|was definitely)\b"
)
NOT_A_CLAIM = re.compile(r"^(?:See you|Check out|Here are|If |Even if|Well,|Should |“|\")|\?|check out|feel free|TL;DR")


def differs(claim, passage):
    def norm(t):
        return re.sub(r"\W+", " ", clean(t)).strip().lower()

    return norm(claim) != norm(passage)


class Attributor:
    """Attribution frames, e.g. 'Daniel Bryant wrote that …' / 'According to the OpsRamp blog, …'."""

    FRAMES = [
        "{A} wrote that {s}",
        "According to {A}, {s}",
        "{A} noted that {s}",
        "{A} reported that {s}",
        "{A} observed that {s}",
        "In {P} recap, {s}",
    ]
    CONNECTIVE = re.compile(
        r"^(?:And|But|Plus,|Moreover,|Additionally,|Related,|Finally,|Yet,|However,|"
        r"Well,|Obviously,|Essentially,|Jokes aside,|Instead,|So|Once again,|"
        r"In conclusion,|To be honest,|As usual,|For example,|For instance,)\s+"
    )

    def __init__(self, lowercase, proper):
        self.lowercase = lowercase
        self.proper = proper

    def decap(self, s):
        s = self.CONNECTIVE.sub("", s)
        words = s.split()
        core = words[0].rstrip(",;:")
        name = core.lower() not in self.lowercase and len(words) > 1 and words[1][:1].isupper()
        keep = (
            any(c.isupper() for c in core[1:]) or name or (core in self.proper and core.lower() not in self.lowercase)
        )
        return s if keep else s[0].lower() + s[1:]

    def frame(self, rng, surface, s):
        f = rng.choice(self.FRAMES)
        if "{P}" in f and surface.startswith(("the ", "OpsRamp")):
            f = "According to {A}, {s}"
        return capitalise(f.format(A=surface, P=surface + "'s", s=self.decap(s)))


def capitalise(s):
    return s[0].upper() + s[1:]


# ---------------------------------------------------------------------------
# Negation
# ---------------------------------------------------------------------------

LEMMA = {
    "showcased": "showcase",
    "highlighted": "highlight",
    "emphasized": "emphasize",
    "presented": "present",
    "received": "receive",
    "joined": "join",
    "expanded": "expand",
    "featured": "feature",
    "announced": "announce",
    "called": "call",
    "discussed": "discuss",
    "outlined": "outline",
    "provided": "provide",
    "took": "take",
    "focused": "focus",
}
PRESENT = {
    "leads": "lead",
    "aims": "aim",
    "improves": "improve",
    "caters": "cater",
    "represents": "represent",
    "allows": "allow",
    "offers": "offer",
    "runs": "run",
}
PLURAL_PRESENT = {"offer", "provide", "strive"}
SKIP_AFTER_COPULA = {
    "that",
    "also",
    "once",
    "even",
    "still",
    "definitely",
    "relatively",
    "largely",
    "only",
    "used",
    "a",
    "an",
    "the",
    "there",
    "here",
    "already",
}

# removal rules: (pattern, replacement) -- applied only when the sentence has exactly one
# negation marker, so removing it flips the meaning instead of cancelling another negation
NEG_REMOVE = [
    (r"\bdidn’t\b", "did"),
    (r"\bdoesn't\b", "does"),
    (r"\bdoesn’t\b", "does"),
    (r"\bwouldn't\b", "would"),
    (r"\bwon’t\b", "will"),
    (r"\bdon’t think\b", "think"),
    (r"\bisn't\b", "is"),
    (r"\bhasn't yet\b", "has already"),
    (r"\bhasn’t (fully \w+ \w+) yet\b", r"has \1"),
    (r"\bare not yet\b", "are already"),
    (r"\bdoes not exist\b", "already exists"),
    (r"\bdo not include\b", "also include"),
    (r"\b(was|were|is|are) not\b", r"\1"),
    (r"\bIt's not\b", "It's"),
]
# insertion rules on sentences without any negation marker
NEG_INSERT_SPECIAL = [
    (r"\bwere still looking\b", "were no longer looking"),
    (r"\bis becoming\b", "is no longer becoming"),
]


def negations(s):
    """Yield (new_sentence, note) flips of s."""
    if re.search(r"\b[Ii]f\b|\?|\bwhether\b", s):
        return
    spans = quote_spans(s)
    markers = NEG_CORE.findall(s)
    if len(markers) == 1 and not NEG_MARK.search(s.replace(markers[0], "", 1)):
        for pat, rep in NEG_REMOVE:
            m = re.search(pat, s)
            if m and not in_spans(m.start(), spans):
                new = s[: m.start()] + m.expand(rep) + s[m.end() :]
                yield new, f"removed negation: '{m.group(0)}' -> '{m.expand(rep)}'"
                return
        return
    if NEG_MARK.search(s):
        return
    if re.match(r"(?:Every|All|Some|Many|Several|A few|Few)\b", s):
        return  # "some X are not" would not contradict "some X are"
    for pat, rep in NEG_INSERT_SPECIAL:
        m = re.search(pat, s)
        if m and not in_spans(m.start(), spans):
            yield s[: m.start()] + rep + s[m.end() :], f"negated: '{m.group(0)}' -> '{rep}'"
            return
    for m in re.finditer(r"\b(is|are|was|were|has|have|can|will)\b (\w[\w-]*)", s):
        if in_spans(m.start(), spans):
            continue
        aux, nxt = m.group(1), m.group(2)
        clause = re.split(r"[,;—(]", s[: m.start()])[-1]
        if re.search(r"\b(?:while|when|as|since|because|although|though|once)\b", clause, flags=re.I):
            continue
        if nxt.lower() in SKIP_AFTER_COPULA - {"a", "an"} or nxt.endswith("ly"):
            continue
        if re.search(r"\b(?:some|many|several)\b", clause, flags=re.I):
            continue
        if re.search(r"\b[Tt]here $", s[: m.start()]) and aux in ("is", "are", "was", "were"):
            det = nxt.lower() in ("several", "many", "some", "a", "an", "plenty")
            b = m.end() if det else m.end(1)
            new = s[: m.start()] + aux + " no" + s[b:]
            new = re.sub(r"\bno of\b", "no", new)
            yield new, f"negated: 'there {aux} {nxt}' -> 'there {aux} no'"
            return
        if nxt.lower() in SKIP_AFTER_COPULA:
            continue
        if aux in ("has", "have") and not re.match(
            r"(been|become|gained|assembled|proven|evolved|matured|slowed|captured)$", nxt
        ):
            continue
        neg = {"can": "cannot"}.get(aux, aux + " not")
        new = s[: m.start()] + neg + " " + nxt + s[m.end() :]
        yield new, f"negated: '{aux} {nxt}' -> '{neg} {nxt}'"
        return
    for m in re.finditer(r"\b(\w+)\b", s):
        w = m.group(1)
        if in_spans(m.start(), spans) or m.start() == 0:
            continue
        prev = s[: m.start()].split()[-1] if s[: m.start()].split() else ""
        if prev.lower() in ("has", "have", "had", "was", "were", "is", "are", "be", "been", "also") or prev.endswith(
            "ly"
        ):
            continue
        if w in LEMMA:
            rep = "did not " + LEMMA[w]
        elif w in PRESENT:
            rep = "does not " + PRESENT[w]
        elif w in PLURAL_PRESENT:
            rep = "do not " + w
        else:
            continue
        yield s[: m.start()] + rep + s[m.end() :], f"negated: '{w}' -> '{rep}'"
        return


# ---------------------------------------------------------------------------
# Antonyms
# ---------------------------------------------------------------------------

ANTONYM_PAIRS = [
    ("growing", "shrinking"),
    ("grow", "shrink"),
    ("faster", "slower"),
    ("quicker", "slower"),
    ("increasing", "decreasing"),
    ("positive", "negative"),
    ("full", "empty"),
    ("first", "last"),
    ("best-attended", "worst-attended"),
    ("mainstream", "niche"),
    ("light", "heavy"),
    ("heavily", "lightly"),
    ("large", "small"),
    ("smaller", "larger"),
    ("big", "small"),
    ("huge", "tiny"),
    ("significantly", "slightly"),
    ("higher", "lower"),
    ("low", "high"),
    ("popular", "unpopular"),
    ("smoother", "rougher"),
    ("easier", "harder"),
    ("simplify", "complicate"),
    ("simplifies", "complicates"),
    ("improves", "worsens"),
    ("rise", "decline"),
    ("profitable", "unprofitable"),
    ("impressive", "unimpressive"),
    ("invaluable", "worthless"),
    ("crucial", "minor"),
    ("essential", "unnecessary"),
    ("vital", "irrelevant"),
    ("straightforward", "difficult"),
    ("complex", "simple"),
    ("lack", "abundance"),
    ("strong", "weak"),
    ("excellent", "poor"),
    ("interesting", "boring"),
    ("hostile", "friendly"),
    ("busier", "quieter"),
    ("early", "late"),
    ("many", "few"),
    ("Most", "Few"),
    ("subtle", "dominant"),
    ("fantastic", "disappointing"),
    ("amazing", "disappointing"),
    ("love", "dislike"),
    ("bullish", "bearish"),
    ("secure", "insecure"),
    ("more", "less"),
    ("less", "more"),
    ("slowed down", "sped up"),
    ("solid", "shaky"),
    ("ubiquitous", "rare"),
    ("useful", "useless"),
    ("standout", "forgettable"),
    ("well-suited", "ill-suited"),
    ("ideal", "poor"),
    ("relevant", "irrelevant"),
    ("urgent", "unimportant"),
]
ONE_WAY = [("old", "new")]
ANTONYMS = collections.OrderedDict()
for a, b in ANTONYM_PAIRS:
    ANTONYMS.setdefault(a, b)
    if b not in ("more", "less") and a not in ("Most",):
        ANTONYMS.setdefault(b, a)
for a, b in ONE_WAY:
    ANTONYMS.setdefault(a, b)
ANTONYM_BLOCK = [
    r"\bbest practices\b",
    r"\bmore than one\b",
    r"\bfast becoming\b",
    r"\bmany more\b",
    r"\bmore of\b",
    r"\bfirst need\b",
    r"\bfirst learned\b",
    r"\bmore crucial\b",
    r"\bthe more\b",
    r"\bBuilding IT Green\b",
    r"\ba few\b",
    r"\bsolid reminder\b",
    r"\bwithout much\b",
    r"\bfull and standing\b",
    r"\bfull or at\b",
    r"\bbig companies\b",
    r"\bbig picture\b",
    r"\bearly cloud\b",
    r"\bis crucial\b",
    r"\bthe best of times\b",
    r"\bto secure\b",
    r"\bsecure supply\b",
    r"\bLarge language\b",
    r"\brelevant sessions\b",
]


def antonyms(s, rng):
    if re.search(r"\b[Ii]f\b|\?", s) or NEG_CORE.search(s):
        return  # inside a negation an antonym need not contradict ("didn't see a small impact")
    spans = quote_spans(s)
    cands = []
    for word, ant in ANTONYMS.items():
        for m in re.finditer(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", s, flags=re.I if word[0].islower() else 0):
            tok = m.group(0)
            if in_spans(m.start(), spans):
                continue
            if tok[0].isupper() and m.start() != 0:
                continue  # part of a name or title
            if tok[0].isupper() and word[0].islower() and m.start() != 0:
                continue
            # the antonym must not already be in the sentence (e.g. "best of times and the worst")
            if re.search(r"(?<![\w-])" + re.escape(ant) + r"(?![\w-])", s, flags=re.I):
                continue
            window = s[max(0, m.start() - 20) : m.end() + 20]
            if any(re.search(b, window) for b in ANTONYM_BLOCK):
                continue
            if word.lower() in STOP and word not in ("more", "less", "many", "Most"):
                continue
            rep = ant
            after = s[m.end() : m.end() + 30].split()
            if (
                word.lower() == "more"
                and after
                and (
                    after[0] == "than"
                    or (after[0].endswith("s") and not after[0].endswith(("ous", "ss")))
                    or after[0] in ("people", "salespeople")
                )
            ):
                rep = "fewer"
            if tok[0].isupper():
                rep = capitalise(rep)
            cands.append((m.start(), m.end(), tok, rep))
    if not cands:
        return
    a, b, tok, rep = rng.choice(sorted(cands))
    head = s[:a]
    art = re.search(r"\b([Aa]n?) $", head)
    if art:
        want = "an" if rep[0].lower() in "aeiou" and not rep.lower().startswith(("use", "uni", "eu")) else "a"
        if art.group(1).lower() != want:
            want = want if art.group(1)[0] == "a" else capitalise(want)
            head = head[: art.start(1)] + want + " "
    new = head + rep + s[b:]
    yield new, f"antonym: '{tok}' -> '{rep}'"


# ---------------------------------------------------------------------------
# Numbers, units, magnitudes, dates, ordinals
# ---------------------------------------------------------------------------

WORD_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "twelve": 12}
NUM_WORD = {v: k for k, v in WORD_NUM.items()}
NUM_WORD.update({7: "seven", 8: "eight", 20: "twenty", 15: "fifteen"})
SINGULAR_UNITS = {"millisecond": "milliseconds", "second": "seconds", "year": "years", "day": "days"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
QUANT = r"(?:\d[\d,]*\+?|{}|few hundred|several|a few)".format("|".join(WORD_NUM))


def fmt(n, like):
    return f"{n:,}" if "," in like else str(n)


def alt_numbers(n):
    if n == 1:
        return [2, 5, 10]
    if n <= 20:
        return sorted({max(2, n // 2), n + 5, n * 2} - {n})
    base = [n * 5 // 4, n * 2 // 3, n * 2]
    out = []
    for v in base:
        for sig in (1, 2):
            digits = len(str(v)) - sig
            r = int(round(v, -digits)) if digits > 0 else v
            if r != n:
                break
        if r != n and r not in out:
            out.append(r)
    return out


def number_changes(s, rng):
    """Yield (subtype, new_sentence, note) for every quantity of s that can be changed."""
    spans = quote_spans(s)
    out = []

    def add(subtype, a, b, rep, note):
        if not in_spans(a, spans):
            out.append((subtype, s[:a] + rep + s[b:], note))

    # plain numbers (not years, not part of names like v1, llama2, K8s, 101-level)
    for m in re.finditer(r"(?<![\w$.,-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w+-]|\.\d|,\d)(\s+\w+)?", s):
        num, nxt = m.group(1), (m.group(2) or "")
        n = int(num.replace(",", ""))
        if 1900 <= n <= 2100:
            continue
        new = rng.choice(alt_numbers(n))
        rep = fmt(new, num)
        unit = nxt.strip()
        if n == 1 and unit in SINGULAR_UNITS:
            rep_full = rep + " " + SINGULAR_UNITS[unit]
            add("number", m.start(1), m.end(2), rep_full, f"{num} {unit} -> {rep_full}")
        else:
            add("number", m.start(1), m.end(1), rep, f"{num} -> {rep}")
        # magnitude: a factor of ten (or a hundred) on the same figure
        if n >= 100:
            mag = n // 10 if n % 10 == 0 else n * 10
            add("magnitude", m.start(1), m.end(1), fmt(mag, num), f"{num} -> {fmt(mag, num)}")
    # digit ranges such as 1-2 seconds
    for m in re.finditer(r"(?<![\w-])(\d+)-(\d+)(?= (?:seconds|minutes))", s):
        lo, hi = int(m.group(1)), int(m.group(2))
        rep = "%d-%d" % (lo + 2, hi + 3)
        add("number", m.start(), m.end(), rep, f"{m.group(0)} -> {rep}")
    # ordinal numbers written with digits (10th anniversary)
    for m in re.finditer(r"\b(\d+)(st|nd|rd|th)\b(?= anniversary)", s):
        n = int(m.group(1))
        rep = "%dth" % (n // 2 if n > 4 else n + 4)
        add("number", m.start(), m.end(), rep, f"{m.group(0)} -> {rep}")
    # cardinal number words
    for m in re.finditer(r"\b({})\b(?= (days|layers|years|keynote|big))".format("|".join(WORD_NUM)), s, flags=re.I):
        n = WORD_NUM[m.group(1).lower()]
        rep = NUM_WORD[n * 2] if n * 2 in NUM_WORD else NUM_WORD[n + 1]
        if m.group(1)[0].isupper():
            rep = capitalise(rep)
        add("number", m.start(), m.end(), rep, f"{m.group(1)} -> {rep}")
    # magnitudes written as k / s / B / times / words
    for pat, fn in [
        (r"\b(\d+)k\+", lambda m: ("%sk+" % (int(m.group(1)) * 10), None)),
        (r"\b(\d+)\+ nodes", lambda m: ("%d+ nodes" % (int(m.group(1)) // 10), None)),
        (r"\b(\d+)s of\b", lambda m: ("%ds of" % (int(m.group(1)) * 10), None)),
        (r"\$(\d+)B\b", lambda m: (f"${m.group(1)}M", None)),
        (r"\babout (\d+) times\b", lambda m: ("about %d times" % (int(m.group(1)) // 10), None)),
        (r"\btens of\b", lambda m: ("hundreds of", None)),
        (r"\bfew hundred\b", lambda m: ("few thousand", None)),
    ]:
        for m in re.finditer(pat, s):
            rep = fn(m)[0]
            add("magnitude", m.start(), m.end(), rep, f"{m.group(0)} -> {rep}")
    # units (only where a quantity precedes them)
    for unit, rep_unit in [
        ("milliseconds", "seconds"),
        ("millisecond", "second"),
        ("seconds", "minutes"),
        ("nodes", "clusters"),
        ("people", "companies"),
        ("participants", "companies"),
        ("years", "months"),
        ("days", "weeks"),
        ("annual", "quarterly"),
    ]:
        for m in re.finditer(rf"({QUANT})(\(!\))? {unit}\b" if unit != "annual" else r"\bin annual\b", s):
            if unit == "annual":
                a = m.start() + 3
                add("unit", a, a + len(unit), rep_unit, "annual -> quarterly revenue")
                continue
            a = m.end() - len(unit)
            add("unit", a, m.end(), rep_unit, f"{m.group(1)} {unit} -> {m.group(1)} {rep_unit}")
    for m in re.finditer(r"\$(\d+)B\b", s):
        add("unit", m.start(), m.end(), f"€{m.group(1)}B", f"{m.group(0)} -> €{m.group(1)}B (currency)")
    # dates
    for m in re.finditer(r"(?<![\w.])((?:19|20)\d\d)(s?)\b", s):
        y = int(m.group(1))
        rep = ("%d" % (y - 10) if m.group(2) else "%d" % (y - 1)) + m.group(2)
        add("date", m.start(), m.end(), rep, f"{m.group(0)} -> {rep}")
    for m in re.finditer(r"\b({})\b".format("|".join(MONTHS)), s):
        i = MONTHS.index(m.group(1))
        rep = MONTHS[(i - 2) % 12]  # two months back: never the true month of a neighbouring event
        add("date", m.start(), m.end(), rep, f"{m.group(0)} -> {rep}")
    for m in re.finditer(r"\bearlier this year\b", s):
        add("date", m.start(), m.end(), "last year", "earlier this year -> last year")
    for m in re.finditer(r"\bin December last year\b", s):
        add("date", m.start(), m.end(), "in December two years ago", "last year -> two years ago")
    # ordinals
    for m in re.finditer(r"\b(first|second|third)( (?:keynote|time|day)\b| to announce\b)", s):
        nxt = {"first": "second", "second": "third", "third": "fourth"}[m.group(1)]
        add("ordinal", m.start(), m.end(1), nxt, f"{m.group(1)}{m.group(2)} -> {nxt}{m.group(2)}")
    for m in re.finditer(r"\bday (two|three)\b", s):
        rep = "day " + {"two": "three", "three": "two"}[m.group(1)]
        add("ordinal", m.start(), m.end(), rep, f"{m.group(0)} -> {rep}")
    return out


# ---------------------------------------------------------------------------
# Invented details (everything below is made up: none of it is in the recaps)
# ---------------------------------------------------------------------------

# (what the sentence must mention for the clause to read naturally, clause)
ADDITIONS_GENERIC = [
    (
        r"interest|adoption|becoming|growing|trend|mainstream|companies|vendors|enterprises|developers|end users",
        ", according to a CNCF survey of 2,000 developers",
    ),
    (None, ", a point that was repeated in the closing keynote on Friday"),
    (None, ", according to a post-event report from the CNCF"),
    (
        r"interest|growing|becoming|trend|mainstream|shift|moving|changing",
        ", a trend that Gartner had predicted two years earlier",
    ),
    (r"sessions|talks|attend|audience|feedback|people", ", according to a show of hands during the Wednesday keynote"),
    (None, ", as confirmed in a CNCF press release issued after the conference"),
    (
        r"theme|focus|topic|emphasi|highlight|front and center|center stage",
        ", and the organisers said the topic would get its own track at the next KubeCon",
    ),
    (
        r"companies|enterprises|organizations|vendors|community",
        ", a message that resonated especially with the banks and telecom operators in attendance",
    ),
    (r"talks|sessions|keynote", ", with most of those sessions led by Google engineers"),
    (
        r"theme|focus|front and center|center stage|hot topic|emphasi|highlight|showcased|mentions",
        ", and roughly a third of all keynote time went to this topic",
    ),
    (
        r"becoming|growing|trend|shift|moving|mainstream|adoption|changing",
        ", a shift that the CNCF's annual survey had already measured in 2023",
    ),
    (r"vendors|sponsor|booth|companies|money|cost", ", according to the sponsors interviewed on the show floor"),
]
ADDITIONS_TOPIC = [
    (r"\b(SpinKube|Kaito|k8sgpt)\b", ", and {m} reached general availability during the event"),
    (r"\bBackstage\b", ", and Spotify announced a paid enterprise edition of Backstage at the conference"),
    (r"WebAssembly|WASM|Wasm", ", and the Bytecode Alliance announced a new WASI release at the event"),
    (r"[Ss]ustainab|green|CO2", ", and the CNCF pledged to make the next KubeCon carbon neutral"),
    (r"[Ss]ecurity|supply chain", ", following a major supply-chain attack on a CNCF project earlier that month"),
    (r"[Pp]latform engineering", ", and the CNCF announced a new platform engineering certification at the event"),
    (r"[Oo]bservability|OpenTelemetry", ", with OpenTelemetry announcing its graduation from the CNCF on stage"),
    (r"NVIDIA|GPU", ", and NVIDIA gave away free GPU cloud credits to every attendee"),
    (r"Dapr", ", and Dapr announced its 2.0 release on the main stage"),
]
PARTIAL_CLAUSES = [
    ", while the CNCF announced that KubeCon would return to Paris in 2026",
    ", and most attendees said they had already moved their AI training jobs onto Kubernetes",
    ", while Docker announced it was donating Docker Compose to the CNCF",
    ", and Kubernetes 2.0 was previewed during the opening keynote",
    ", while several speakers predicted the end of service meshes within two years",
    ", and the Linux Foundation reported a 40 percent rise in first-time attendees",
    ", while the keynote stage was dominated by mainframe vendors",
    ", and sponsors said lead quality was the best it had ever been",
    ", while the CNCF TOC declared WebAssembly production-ready",
    ", and Red Hat announced it would stop selling OpenShift on bare metal",
    ", while the Backstage maintainers announced a full rewrite in Rust",
    ", and the conference app crashed on the first morning",
    ", while most end users said cost was no longer a concern",
    ", and AWS used its keynote slot to launch a managed Wasm service",
    ", while the hallway track focused mostly on Windows containers",
    ", and half of the sessions were held in French",
    ", while the CNCF admitted fewer new projects to the sandbox than in any year before",
]
SPLIT_MARKERS = [", and ", ", but ", "; ", ", which ", ", while ", " — ", ", making ", ", with "]


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------


# Generated items that a read-through of the output rejected: (subtype, start of the sentence).
REVIEWED_EXCLUDE = [
    # flips the author's hedge ("This is anecdotal"), not anything about the event
    ("negation", "This is anecdotal"),
    # every recap says AI dominated the event: crediting these to another author is not clearly wrong
    ("attribution", "Large language models (LLMs) and Generative AI were front and center"),
    ("attribution", "In conclusion, KubeCon 2024 showcased"),
    ("attribution", "LLMs and GenAI took center stage"),
    # Haintz gives WebAssembly a whole section, so "Haintz noted Wasm was front and center" is too close to true
    ("attribution", "Wasm was once again front and center"),
]


def generate(rng, sents_by_doc, attributor, doc_words):
    claims = []
    used = set()

    def emit(label, subtype, claim, doc, passage, attributed_to, note=""):
        if any(subtype == kind and passage.startswith(start) for kind, start in REVIEWED_EXCLUDE):
            return False
        claim = clean(claim)
        key = claim.lower()
        if key in used:
            return False
        used.add(key)
        claims.append(
            {
                "label": label,
                "subtype": subtype,
                "claim": claim,
                "doc": doc,
                "passage": [passage],
                "attributed_to": attributed_to,
                "origin": "generated",
                "note": note,
            }
        )
        return True

    def eligible(s):
        return (
            bool(re.search(r"[.!]$|[.!][)”\"’]$", s))
            and not s.endswith(":")
            and not DANGLING.search(s)
            and not NOT_A_CLAIM.search(s)
        )

    pool = [(d, s) for d, ss in sents_by_doc.items() for s in ss if eligible(s)]

    def shuffled():
        p = list(pool)
        rng.shuffle(p)
        return p

    def maybe_attribute(doc, text, first_person, prob=0.5):
        norm, forms = DOCS[doc]
        if first_person or rng.random() >= prob:
            return capitalise(Attributor.CONNECTIVE.sub("", text)), ""
        return attributor.frame(rng, rng.choice(forms), text), norm

    # verbatim (supported)
    n = 0
    per_doc = collections.Counter()
    for doc, s in shuffled():
        if n >= 20:
            break
        if per_doc[doc] >= 5:
            continue
        fp = bool(FIRST_PERSON.search(s))
        claim, who = maybe_attribute(doc, clean(s), fp, prob=0.6)
        if emit("supported", "verbatim", claim, doc, s, who):
            n += 1
            per_doc[doc] += 1

    # contradicted: negation and antonym
    counts = collections.Counter()
    for doc, s in shuffled():
        if counts["negation"] >= 22 and counts["antonym"] >= 22:
            break
        fp = bool(FIRST_PERSON.search(s))
        kinds = ["negation", "antonym"]
        rng.shuffle(kinds)
        for kind in kinds:
            if counts[kind] >= 22:
                continue
            gen = negations(s) if kind == "negation" else antonyms(s, rng)
            for new, note in gen:
                if not differs(new, s):
                    continue
                claim, who = maybe_attribute(doc, clean(new), fp, prob=0.5)
                if emit("contradicted", kind, claim, doc, s, who, note):
                    counts[kind] += 1
                break
            else:
                continue
            break  # one perturbation per sentence

    # changed_number: every sentence that holds a quantity; one change per subtype, and the
    # same edit (e.g. '10 years -> 10 months') on at most two sentences
    note_uses = collections.Counter()
    for doc, ss in sents_by_doc.items():
        for s in ss:
            if not eligible(s):
                continue
            changes = number_changes(s, rng)
            by_sub = collections.OrderedDict()
            for sub, new, note in changes:
                by_sub.setdefault(sub, []).append((new, note))
            fp = bool(FIRST_PERSON.search(s))
            for sub, opts in by_sub.items():
                new, note = rng.choice(opts)
                if not differs(new, s) or note_uses[note] >= 2:
                    continue
                note_uses[note] += 1
                claim, who = maybe_attribute(doc, clean(new), fp, prob=0.5)
                emit("changed_number", sub, claim, doc, s, who, note)

    # wrong attribution: third-person sentences whose content no other recap states
    n = 0
    per_doc = collections.Counter()
    for doc, s in shuffled():
        if n >= 30:
            break
        if FIRST_PERSON.search(s) or per_doc[doc] >= 9 or len(s.split()) < 8:
            continue
        if re.search(r"12,000|web server|10th anniversary|10 years|Salt Lake", s, flags=re.I):
            continue
        # only credit it to a recap that says nothing similar (the AI sections of the
        # Gardener and OpsRamp posts, for one, say much the same thing)
        wrongs = [d for d in DOCS if d != doc and overlap(s, doc_words[d]) < 0.3]
        if not wrongs:
            continue
        wrong_doc = rng.choice(wrongs)
        norm, forms = DOCS[wrong_doc]
        claim = attributor.frame(rng, rng.choice(forms), clean(s))
        if emit(
            "wrong_attribution",
            "attribution",
            claim,
            doc,
            s,
            norm,
            f"credited to {norm}; the sentence is from {DOCS[doc][0]}",
        ):
            n += 1
            per_doc[doc] += 1

    # unsupported additions
    n = 0
    generic = list(ADDITIONS_GENERIC)
    rng.shuffle(generic)
    gi = 0
    topic_used = set()
    for doc, s in shuffled():
        if n >= 20:
            break
        if not s.endswith(".") or s.endswith((").", "”.", "etc.")) or len(s.split()) > 30:
            continue
        if FIRST_PERSON.search(s) or re.search(r"\byou\b|\byour\b", s, flags=re.I):
            continue  # invented facts read naturally only after third-person statements
        base = clean(s)[:-1]
        extra = None
        for pat, add in ADDITIONS_TOPIC:
            m = re.search(pat, s)
            if add not in topic_used and m:
                extra = add.format(m=m.group(0))
                topic_used.add(add)
                break
        if extra is None:
            # a clause whose topic the sentence mentions, else one that fits any statement
            for topical in (True, False):
                for k in range(len(generic)):
                    need, clause = generic[(gi + k) % len(generic)]
                    if (need is not None) == topical and (need is None or re.search(need, s)):
                        extra = clause
                        gi += k + 1
                        break
                if extra is not None:
                    break
        fp = bool(FIRST_PERSON.search(s))
        # no "According to X, …, according to a survey" double frames
        claim, who = maybe_attribute(doc, base + extra + ".", fp, prob=0.0 if "according to" in extra else 0.5)
        if emit("unsupported_addition", "addition", claim, doc, s, who, "added: '{}'".format(extra.lstrip(", "))):
            n += 1

    # partly supported: one true clause + one invented clause
    n = 0
    clauses = list(PARTIAL_CLAUSES)
    rng.shuffle(clauses)
    for doc, s in shuffled():
        if n >= 20:
            break
        text = clean(s)
        cut = None
        for mk in SPLIT_MARKERS:
            i = text.find(mk)
            if i > 0:
                head = text[:i]
                if (
                    len(head.split()) >= 6
                    and head.count(",") == 0
                    and head.count("(") == head.count(")")
                    and head.count("“") == head.count("”")
                    and not re.match(
                        r"(If|When|Although|While|As|With|Given|Due|Even|Instead|Alongside|Apart|Besides|Walking|Kicking|Continuing|Having|In|On|For|After)\b",
                        head,
                    )
                ):
                    cut = head
                    break
        if cut is None or FIRST_PERSON.search(cut) or re.search(r"\byou\b", cut, flags=re.I):
            continue
        extra = clauses[n % len(clauses)]
        fp = bool(FIRST_PERSON.search(cut))
        claim, who = maybe_attribute(doc, cut + extra + ".", fp, prob=0.5)
        if emit(
            "partly_supported",
            "partial",
            claim,
            doc,
            s,
            who,
            "kept: '{}'; invented: '{}'".format(cut, extra.lstrip(", ")),
        ):
            n += 1
    return claims


# ---------------------------------------------------------------------------
# Checks, merge, report
# ---------------------------------------------------------------------------


def split_of(cid):
    return "dev" if int(hashlib.sha256(("recap-eval-split:" + cid).encode()).hexdigest()[:8], 16) % 100 < 60 else "test"


def check(claims, texts):
    ids = [c["id"] for c in claims]
    assert len(ids) == len(set(ids)), "duplicate ids"
    seen = set()
    for c in claims:
        assert list(c) == FIELDS, (c["id"], list(c))
        assert c["label"] in LABEL_SUBTYPES, c
        assert c["subtype"] in LABEL_SUBTYPES[c["label"]], c
        assert c["doc"] in DOCS, c
        assert c["origin"] in ("hand", "generated"), c
        assert c["attributed_to"] in ATTRIBUTIONS, c
        assert re.match(r"^[hg]\d{3}$", c["id"]) and c["id"][0] == c["origin"][0], c
        assert (c["claim"] and "[" not in c["claim"]) or "[developer]" in c["claim"], c
        assert isinstance(c["passage"], list) and c["passage"], c
        lines = texts[c["doc"]].split("\n")
        for p in c["passage"]:
            assert p and texts[c["doc"]].find(p) >= 0, ("passage not in doc", c["id"], p)
            assert "\n" not in p and any(line.find(p) >= 0 for line in lines), ("passage crosses lines", c["id"])
        if c["label"] != "supported":
            assert c["note"], ("perturbation without a note", c["id"])
            for p in c["passage"]:
                assert differs(c["claim"], p), ("claim equals its passage", c["id"])
        if c["label"] == "wrong_attribution":
            assert c["attributed_to"] and c["attributed_to"] != DOCS[c["doc"]][0], c
        elif c["attributed_to"]:
            assert c["attributed_to"] == DOCS[c["doc"]][0], ("attribution must be the true author", c["id"])
        key = c["claim"].lower()
        assert key not in seen, ("duplicate claim", c["id"])
        seen.add(key)


def main():
    rng = random.Random(SEED)
    texts = {d: doc_text(d) for d in DOCS}
    sents_by_doc = collections.OrderedDict((d, sentences(d)) for d in DOCS)
    all_sents = [s for ss in sents_by_doc.values() for s in ss]
    attributor = Attributor(lower_words(all_sents), proper_words(all_sents))
    doc_words = {d: [content_words(s) for s in sents_by_doc[d]] for d in DOCS}
    generated = generate(rng, sents_by_doc, attributor, doc_words)
    out = []
    for i, c in enumerate(generated, 1):
        row = collections.OrderedDict([("id", "g%03d" % i)])
        for f in FIELDS[1:]:
            row[f] = c[f]
        out.append(row)

    hand = []
    with open(HAND, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                obj = json.loads(line, object_pairs_hook=collections.OrderedDict)
                assert obj.get("origin") == "hand", ("hand-written line without origin=hand", n)
                hand.append(collections.OrderedDict((f, obj[f]) for f in FIELDS))
    merged = sorted(out + hand, key=lambda c: c["id"])
    check(merged, texts)
    assert len(merged) >= 220, len(merged)

    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        for c in merged:
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")

    def show(title, key):
        cnt = collections.Counter(key(c) for c in merged)
        print(title)
        for k in sorted(cnt):
            print("  %-28s %4d" % (k, cnt[k]))

    print(
        "wrote %s: %d claims (%d hand-written, %d generated)"
        % (OUT.relative_to(ROOT), len(merged), len(hand), len(out))
    )
    show("per label:", lambda c: c["label"])
    show("per label/subtype:", lambda c: c["label"] + "/" + c["subtype"])
    show("per label/origin:", lambda c: c["label"] + "/" + c["origin"])
    show("per origin:", lambda c: c["origin"])
    show("per doc:", lambda c: c["doc"])
    show("split:", lambda c: split_of(c["id"]))
    show("split/label:", lambda c: split_of(c["id"]) + "/" + c["label"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
