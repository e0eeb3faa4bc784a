"""Names in running text: people, organisations and projects, told apart by context.

A run of capitalised words is a name when it is not a topic word ("Generative AI", "Data Scientists"),
not a place ("in Paris") and not a sentence's first word unless the document also uses it mid-sentence.
What it is comes from the words around it: "<Name> from <Org> presented" (a person and an
organisation), "the <Name> team", "using <Name>", a list headed by "companies" or "tools".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from index import patterns as P
from index.doctext import Sentence

_TOKEN = re.compile(r"[^\s,;:()\[\]“”\"!?—–]+")
_JOINERS = {"&", "+", "of", "de", "for"}
_PARTICLES = {"de", "van", "von", "da", "di", "del", "le"}
_LEADING_WORDS = {"as", "my", "if", "when", "then", "so", "but", "while", "and", "or", "the", "a", "an", "with", "by"}
DEFAULT_KIND = "project"
HEAD_WINDOW = 10  # words before a name searched for the noun heading its list


@dataclass
class Run:
    """Consecutive capitalised tokens in one sentence: sentence.text[start:end]."""

    sentence: int
    start: int
    end: int
    text: str
    initial: bool  # the sentence's first word (or the first after a colon or an opening quote)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        cut = len(word)
        for suffix in ("’s", "'s", ".", "…", "’", "'"):
            if word[:cut].endswith(suffix) and cut > len(suffix) + 1:
                cut -= len(suffix)
        out.append((m.start(), m.start() + cut, word[:cut]))
    return out


def _capitalised(word: str) -> bool:
    if P.DESCRIPTIVE.search(word):
        return False
    return word[:1].isupper() or (word[:1].islower() and any(c.isupper() or c.isdigit() for c in word[1:]))


def runs_of(sentence: Sentence, index: int) -> list[Run]:
    """The runs of capitalised words in the sentence's unmasked text."""
    cached = sentence.cache.get("runs")
    if isinstance(cached, list):
        return cached
    runs = _runs(sentence.masked(), index)
    sentence.cache["runs"] = runs
    return runs


def _runs(text: str, index: int) -> list[Run]:
    tokens = _tokens(text)
    runs: list[Run] = []
    k = 0
    while k < len(tokens):
        word = tokens[k][2]
        if not _capitalised(word):
            k += 1
            continue
        j = k
        while j + 1 < len(tokens):
            gap = text[tokens[j][1] : tokens[j + 1][0]]
            nxt = tokens[j + 1][2]
            if gap == " " and _capitalised(nxt):
                j += 1
            elif gap == " " and nxt in _JOINERS and j + 2 < len(tokens) and _capitalised(tokens[j + 2][2]):
                j += 2
            else:
                break
        start, end = tokens[k][0], tokens[j][1]
        before = text[:start].rstrip()
        initial = not before or before[-1] in ':“"‘—' or (k == 0)
        runs.append(Run(index, start, end, text[start:end], initial))
        k = j + 1
    return runs


def _trim(run: Run) -> Run | None:
    """The run without topic words at its ends; None when nothing but topic words is left."""
    words = run.text.split(" ")
    while words and (words[0].casefold() in P.GENERIC | _LEADING_WORDS | _JOINERS or _generic_slash(words[0])):
        words = words[1:]
    while (
        words
        and (words[-1].casefold() in P.GENERIC | _JOINERS or _generic_slash(words[-1]))
        and not (len(words) > 1 and words[-1] == "AI")
    ):
        words = words[:-1]
    if not words:
        return None
    text = " ".join(words)
    start = run.start + run.text.find(text)
    return Run(run.sentence, start, start + len(text), text, run.initial and start == run.start)


def _generic_slash(word: str) -> bool:
    """ "AI/LLMs", "CI/CD": topic words joined by a slash."""
    return "/" in word and any(part.casefold() in P.GENERIC for part in word.split("/"))


# -- people ------------------------------------------------------------------------------------------


def _person_shaped(text: str) -> bool:
    words = text.split(" ")
    names = [w for w in words if w not in _PARTICLES]
    if not 2 <= len(names) <= 4 or words[0] in _PARTICLES:
        return False
    if P.ORG_SUFFIX.search(text) or any(w.casefold() in P.GENERIC for w in names):
        return False
    return all(w[0].isupper() and w[1:] == w[1:].lower().replace("’g", "’G") and len(w) > 1 for w in names)


def _person_runs(sentence: Sentence, index: int) -> list[Run]:
    out = []
    for run in runs_of(sentence, index):
        words = run.text.split(" ")
        while words and words[0].casefold() in _LEADING_WORDS | {"friends", "friend", "buddy"}:
            words = words[1:]
        text = " ".join(words)
        if _person_shaped(text):
            start = run.start + run.text.find(text)
            out.append(Run(index, start, start + len(text), text, run.initial and start == run.start))
    return out


def find_people(sentences: list[Sentence]) -> list[tuple[int, str]]:
    """(sentence index, full name) of each person named with a cue; their names are masked."""
    candidates = [(s, r) for i, s in enumerate(sentences) if not s.heading for r in _person_runs(s, i)]
    people: set[str] = set()
    for sentence, run in candidates:
        after, before = sentence.text[run.end :], sentence.text[: run.start]
        if P.PERSON_AFTER.match(after) or P.PERSON_BEFORE.search(before) or re.match(r",\s+presented", after):
            people.add(run.text)
    # People listed with a person ("Nikhita Raghunath and Aparna Subramanian did …").
    for sentence, run in candidates:
        if run.text not in people and any(
            r.text in people and re.fullmatch(r"[\s,]*(?:and\s+)?", _between(sentence.text, run, r))
            for s2, r in candidates
            if s2 is sentence and r is not run
        ):
            people.add(run.text)
    found = [(r.sentence, r.text) for s, r in candidates if r.text in people]
    for sentence, run in candidates:
        if run.text in people:
            sentence.take(run.start, run.end)
    found.extend(_first_names_listed(sentences))
    return found


def _between(text: str, a: Run, b: Run) -> str:
    return text[a.end : b.start] if a.end <= b.start else text[b.end : a.start]


def _first_names_listed(sentences: list[Sentence]) -> list[tuple[int, str]]:
    """ "with Bilgin, Mauricio, and Mark from Diagrid": first names listed before "from <Org>"."""
    pattern = re.compile(r"\bwith\s+((?:[A-Z][a-z]+,?\s+)+and\s+[A-Z][a-z]+)\s+from\s+[A-Z]")
    out = []
    for i, sentence in enumerate(sentences):
        for match in pattern.finditer(sentence.masked()):
            for name in re.findall(r"[A-Z][a-z]+", match.group(1)):
                out.append((i, name))
            sentence.take(match.start(1), match.end(1))
    return out


# -- organisations and projects ----------------------------------------------------------------------


def _lowercase_words(sentences: list[Sentence]) -> set[str]:
    return {w for s in sentences for w in re.findall(r"\b[a-z][a-z-]+\b", s.text)}


def _is_topic(run: Run, lower: set[str], text_after: str) -> bool:
    """Every word also used in lowercase in this document: a topic in title case ("Internal Developer
    Platforms"), unless it is named as a versioned document ("… Best Practices (v1)")."""
    words = [w for w in run.text.split(" ") if w not in _JOINERS]
    if any(not w.isalpha() or (w[1:] != w[1:].lower()) for w in words):
        return False  # "OpenTelemetry", "CNCF", "k8sgpt": shapes no common word has
    if P.ORG_SUFFIX.search(run.text) and len(words) > 1:
        return False
    if re.match(r"\s*\(v\d", text_after):
        return False
    return all(_common(w.casefold(), lower) for w in words)


def _common(word: str, lower: set[str]) -> bool:
    return word in lower or word.removesuffix("s") in lower or f"{word}s" in lower


def _kind_cue(sentence: Sentence, run: Run, people: set[str]) -> str | None:
    text = sentence.text
    before, after = text[: run.start], text[run.end :]
    low_before = before.casefold()
    if P.ORG_SUFFIX.search(run.text) and (len(run.text.split()) > 1 or run.text.endswith("Corp")):
        return "organisation"
    if re.match(r"[’']s\s+(?:[A-Z]|recent|new)", after):
        return "organisation"
    if re.search(r"\b(?:[A-Z][\w-]*)[’']s\s+$", before) or re.search(r"\(ex-$|\bex-$", before):
        return "project"
    following = re.match(r"\s+([a-z]+)\b", after)
    if following and following.group(1) in P.AFTER_NAME:
        return P.AFTER_NAME[following.group(1)]
    for phrase, kind in P.BEFORE_NAME.items():
        if low_before.endswith(phrase + " "):
            return kind
    if (re.search(r"\b(?:from|at)\s+$", before) and not re.search(r"\bfrom\s+$", before[-30:])) or re.search(
        r"(?:[A-Z][a-z]+|folks|representatives|friends)\s+(?:from|at)\s+$", before
    ):
        return "organisation"
    if run.initial and P.ORG_VERBS.match(after):
        return "organisation"
    # A list's head noun, a few words before it: "popular projects in the ecosystem, including <Name>".
    clause = re.split(r"[.;:!?]", before)[-1].casefold()
    words = re.findall(r"[a-z]+", clause)[-HEAD_WINDOW:]
    heads = [P.LIST_HEADS[w] for w in words if w in P.LIST_HEADS]
    return heads[-1] if heads else None


def _listed_lowercase(sentence: Sentence, index: int) -> list[Run]:
    """ "models such as falcon and llama2": lowercase names listed where one of them has a digit or capital."""
    out = []
    pattern = re.compile(r"\b(?:such as|like|including)\s+((?:[a-z][\w-]*,?\s+)*(?:and|or)\s+[a-z][\w-]*)")
    for match in pattern.finditer(sentence.masked()):
        names = [w for w in re.split(r",?\s+(?:and|or)\s+|,\s+", match.group(1)) if w]
        if any(re.search(r"\d|[A-Z]", w) for w in names) and all(len(w.split()) == 1 for w in names):
            for name in names:
                at = sentence.text.find(name, match.start(1))
                out.append(Run(index, at, at + len(name), name, False))
    return out


def find_names(sentences: list[Sentence], people: list[tuple[int, str]]) -> list[tuple[int, str, str, list[str]]]:
    """(sentence index, name, kind, aliases) for the organisations and projects named."""
    lower = _lowercase_words(sentences)
    person_names = {name for _, name in people}
    mid = {r.text for i, s in enumerate(sentences) if not s.heading for r in runs_of(s, i) if not r.initial}
    seen: list[tuple[Run, str | None]] = []
    trimmed = [
        [t for r in runs_of(s, i) if (t := _trim(r)) is not None] + _listed_lowercase(s, i) if not s.heading else []
        for i, s in enumerate(sentences)
    ]
    # A place in one sentence is a place in all ("held in Paris" … "at the Paris event").
    places = {r.text for i, runs in enumerate(trimmed) for r in runs if _is_place(sentences[i].text, r)}
    for i, sentence in enumerate(sentences):
        cues: list[tuple[Run, str | None]] = []
        for run in trimmed[i]:
            after = sentence.text[run.end :]
            if _is_topic(run, lower, after) or run.text in places or _scare_quoted(sentence.text, run):
                continue
            if _defines_topic(sentence.text, run):
                continue
            if run.text.split(" ")[0] in places:
                continue  # "Paris Expo Porte de Versailles": a place's venue
            if run.initial and run.text not in mid and not P.ORG_VERBS.match(after) and not _shaped(run.text):
                continue
            cues.append((run, _kind_cue(sentence, run, person_names)))
        seen.extend(_share_list_cues(sentence.text, cues))
    return _resolve(seen, sentences)


def _defines_topic(text: str, run: Run) -> bool:
    """ "LLMs (Large Language Models)", "Internal Developer Platforms (IDPs)": a topic word spelled out."""
    before = re.search(r"(?:^|\s)(?![A-Z])\S*\s+(\S+)\s*\($", text[: run.start])
    after = re.match(r"\s*\((\S+?)\)", text[run.end :])
    return any(m is not None and m.group(1).casefold() in P.GENERIC for m in (before, after))


def _scare_quoted(text: str, run: Run) -> bool:
    """“FinOps”, “Data-Science-Experience.”: a term in quotes is a term, not a name."""
    return text[run.start - 1 : run.start] in '“"‘' and re.match(r"[.,]?[”\"’]", text[run.end :]) is not None


def _shaped(text: str) -> bool:
    """A shape only names have: inner capitals or digits ("OpenTOFU", "K8s"), or a hyphenated coinage."""
    shaped = any(c.isupper() or c.isdigit() for word in text.split(" ") for c in word[1:])
    return shaped and text.casefold() not in P.GENERIC


def _is_place(text: str, run: Run) -> bool:
    """ "held in Paris", "in Salt Lake City, Utah": a name after "in" (or listed after such a name)."""
    before = text[: run.start]
    if re.search(r"\bin\s+$", before):
        return not _shaped(run.text)
    return bool(re.search(r"\b(?:in|at)\s+(?:[A-Z][a-z]+\s+){0,3}[A-Z][a-z]+,\s+$", before))


def _share_list_cues(text: str, cues: list[tuple[Run, str | None]]) -> list[tuple[Run, str | None]]:
    """Names listed together ("Snyk, Wiz, Aqua") are of one kind: the first cue found among them."""
    out = list(cues)
    for k in range(1, len(out)):
        (prev, prev_kind), (run, kind) = out[k - 1], out[k]
        gap = text[prev.end : run.start]
        listed = re.fullmatch(r"[\s,()!]*(?:and|or|soon to be|now)?[\s,()!]*", gap)
        if listed and kind is None and prev_kind is not None:
            out[k] = (run, prev_kind)
    for k in range(len(out) - 2, -1, -1):
        (run, kind), (nxt, next_kind) = out[k], out[k + 1]
        if (
            kind is None
            and next_kind is not None
            and re.fullmatch(r"[\s,()!]*(?:and|or)?[\s,()!]*", text[run.end : nxt.start])
        ):
            out[k] = (run, next_kind)
    return out


def _resolve(seen: list[tuple[Run, str | None]], sentences: list[Sentence]) -> list[tuple[int, str, str, list[str]]]:
    votes: dict[str, Counter[str]] = {}
    for run, kind in seen:
        votes.setdefault(run.text, Counter())[kind or ""] += 1
    kinds = {}
    for name, tally in votes.items():
        cued = [(n, k) for k, n in tally.items() if k]
        kinds[name] = max(cued)[1] if cued else DEFAULT_KIND
    out = []
    for run, _ in seen:
        for name, aliases in _completed(run, sentences[run.sentence].text):
            out.append((run.sentence, name, kinds[run.text], aliases))
    return out


def _completed(run: Run, text: str) -> list[tuple[str, list[str]]]:
    """The name as the text completes it: "NVIDIA Blackwell chips", "DORA/SPACE metrics" (two names),
    "WebAssembly (WASM)" and "DRA API (Dynamic Resource Allocation)" (a name and its other spelling)."""
    after = text[run.end :]
    parts = run.text.split("/") if re.fullmatch(r"[A-Z]{2,}(?:/[A-Z]{2,})+", run.text) else [run.text]
    noun = re.match(r"\s+([a-z]+)\b", after)
    if noun and noun.group(1) in P.NAME_NOUNS:
        return [(f"{p} {noun.group(1)}", [p]) for p in parts]
    aliases: list[str] = []
    paren = re.match(r"\s*\(((?:ex-)?[A-Z][\w -]+)\)", after)
    if paren and len(parts) == 1:
        inner = paren.group(1)
        initials = "".join(w[0] for w in inner.split())
        if inner.startswith("ex-") or (inner.isupper() and inner[0] == run.text[0]) or initials == run.text.split()[0]:
            aliases.append(inner.removeprefix("ex-"))
    return [(p, aliases) for p in parts]


def abbreviates(short: str, names: Iterable[str]) -> str | None:
    """The name `short` abbreviates: a numeronym ("K8s" for "Kubernetes") or camel-case syllables
    ("PlatEngDay" for "Platform Engineering Day")."""
    numeronym = P.NUMERONYM.fullmatch(short)
    parts = re.findall(r"[A-Z][a-z]*", short)
    for name in names:
        if name == short:
            continue
        if numeronym:
            first, count, last = numeronym.groups()
            word = name.split(" ")[0]
            if len(word) == int(count) + 2 and word[0].casefold() == first.casefold() and word[-1] == last:
                return name
        words = name.split(" ")
        camel = " " not in short and len(parts) == len(words) > 1 and short == "".join(parts)
        if camel and all(w.startswith(p) for w, p in zip(words, parts, strict=True)):
            return name
    return None
