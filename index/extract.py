"""Find the items a recap names (talks, keynotes, events, projects, organisations, people,
announcements, recordings), with every sentence that mentions them, by patterns over the cleaned text.

Precision first: a name is taken only when its shape or its context says what it is (a quoted
title-case title next to "talk" or "keynote", a link, "… Day", "…Con", "<Name> from <Org>", a name
in a list headed by "companies" or "tools"); anything else is left out. Every mention is a sentence
span of the document's own text, so `quote == text[start:end]` always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index import patterns as P
from index.clean import Structure
from index.doctext import Sentence, document_sentences
from index.events import find_events
from index.items import Item, Mention, normalise_name
from index.names import abbreviates, find_names, find_people


@dataclass
class Found:
    """One name found in one sentence, before the document's finds are grouped into items."""

    name: str
    kind: str
    sentence: int
    aliases: list[str] = field(default_factory=list)
    speaker: str = ""
    organisation: str = ""
    url: str = ""
    exact: bool = False  # mentions are the sentences it was found in, not every sentence naming it


def extract_items(text: str, struct: Structure, source_id: str, conference: str = "") -> list[Item]:
    """The items `text` names, each with its mentions (sentences of `text`)."""
    sentences = document_sentences(text, struct)
    found: list[Found] = []
    for i, sentence in enumerate(sentences):
        found.extend(_links(sentence, i))
    for i, sentence in enumerate(sentences):
        if not sentence.heading:
            found.extend(_titles(sentence, i))
        found.extend(_events(sentence, i, conference))
        found.extend(_media(sentence, i))
        found.extend(_keynotes(sentence, i, found))
        found.extend(_announcements(sentence, i))
    people = find_people(sentences)
    found.extend(Found(name, "person", i, _first_name(name, sentences)) for i, name in people)
    found.extend(Found(name, kind, i, aliases) for i, name, kind, aliases in find_names(sentences, people))
    _attach_speakers(found, sentences)
    return _items(found, sentences, source_id)


def _attach_speakers(found: list[Found], sentences: list[Sentence]) -> None:
    """A talk's or keynote's speakers are the people its sentence names; its organisation, the one
    named "at <Org>" or "from <Org>" there ("the talk, “…” by Samantha Coffman at Spotify")."""
    for talk in (f for f in found if f.kind in {"talk", "keynote"} and not f.speaker):
        text = sentences[talk.sentence].text
        people = [f.name for f in found if f.sentence == talk.sentence and f.kind == "person" and " " in f.name]
        orgs = [
            f.name
            for f in found
            if f.sentence == talk.sentence
            and f.kind == "organisation"
            and re.search(rf"\b(?:at|from)\s+(?:the\s+)?{re.escape(f.name)}\b", text)
        ]
        talk.speaker = ", ".join(dict.fromkeys(people))
        talk.organisation = talk.organisation or ", ".join(dict.fromkeys(orgs))
        descriptor = f"{orgs[0]} {talk.kind}" if len(orgs) == 1 else ""
        # "the previously mentioned Deutsche Bahn keynote" names it by its organisation, unless that
        # already names another talk ("the Spotify talk, “How Spotify …”").
        if descriptor and not any(descriptor in f.aliases for f in found if f is not talk):
            talk.aliases.append(descriptor)


def _first_name(name: str, sentences: list[Sentence]) -> list[str]:
    """A person's first name, as an alias, when the document also calls them by it alone ("Samantha presented")."""
    first = name.split(" ")[0]
    if " " not in name or len(first) < 3:
        return []
    alone = re.compile(rf"\b{re.escape(first)}\b(?!\s+[A-Z])")
    return [first] if any(alone.search(s.text) for s in sentences) else []


# -- links, titles, events, media, keynotes, announcements ------------------------------------------


def _links(sentence: Sentence, i: int) -> list[Found]:
    out: list[Found] = []
    for match in P.MARKDOWN_LINK.finditer(sentence.text):
        sentence.take(match.start(3) - 1, match.end())  # the target is no name
        if match.group(1):  # an image: its alt text is a caption, not a link to an item
            continue
        label, url = match.group(2).strip(), match.group(3)
        if not url.startswith(("http://", "https://")):
            continue
        name = re.sub(r"^(?:the|this|a|an|following|these)\s+", "", label, flags=re.IGNORECASE)
        video = bool(re.search(r"(?:youtube\.com|youtu\.be|vimeo\.com)", url))
        if video and name.casefold() in {"playlist", "video", "recording", "here", "this", "link"}:
            name = _video_name(sentence.text, match.start())
        if not name:
            continue
        base = re.sub(r"\s+(?:project|application|app|website|site)$", "", name)
        aliases = [label] if base != label and name != base else []
        out.append(Found(base, "recording" if video else "project", i, aliases, url=url, exact=video))
        sentence.take(match.start(), match.end())
    for match in P.URL.finditer(sentence.text):
        sentence.take(match.start(), match.end())
    return out


def _video_name(text: str, before: int) -> str:
    """A bare "playlist" link is named by what the sentence says it holds: an event's sessions
    ("the WASM pre-conference day ... following playlist") or the site the talks are on ("YouTube")."""
    head = text[:before]
    event = P.PRE_DAY.search(head) or P.EVENT_PHRASE.search(head)
    if event:
        return f"{event.group(1)} playlist"
    site = re.search(r"\b(YouTube|Vimeo)\b", head)
    return site.group(1) if site else ""


def _title_case(title: str) -> bool:
    words = re.findall(r"[\w’'-]+", title)
    if len(words) < 3:
        return False
    content = [w for w in words[1:] if w.casefold() not in P.TITLE_SMALL and not w[0].isdigit()]
    return bool(content) and words[0][0].isupper() and all(w[0].isupper() for w in content)


def _titles(sentence: Sentence, i: int) -> list[Found]:
    out: list[Found] = []
    text = sentence.text
    for match in P.QUOTED.finditer(text):
        title = match.group(1).strip().rstrip(",")
        if not _title_case(title) or P.SECTION_CUE.match(text[match.end() :]) or title.endswith("?"):
            continue
        around = text[: match.start()] + " " + text[match.end() :]
        acronym = re.search(r"\s*\(([A-Za-z][A-Za-z0-9]+)\)$", title)
        if acronym:  # "Kubernetes AI Toolchain Operator (Kaito)": a product and its short name
            name, aliases, kind = title[: acronym.start()], [acronym.group(1)], "project"
        elif P.BOOK_CUE.search(around) or re.search(r"[’']s\s*$", text[: match.start()].rstrip("( ")):
            name, aliases, kind = title, [], "project"
        elif P.KEYNOTE_CUE.search(around):
            name, aliases, kind = title, [], "keynote"
        else:
            name, aliases, kind = title, [], "talk"
        descriptor = P.ORG_KEYNOTE.search(text[: match.start()][-40:])
        if descriptor and kind in {"talk", "keynote"}:
            aliases.append(f"{descriptor.group(1).strip()} {descriptor.group(2)}")
        out.append(Found(name.strip(), kind, i, aliases))
        sentence.take(match.start(), match.end())
    return out


def _events(sentence: Sentence, i: int, conference: str) -> list[Found]:
    return [Found(name, "event", i, aliases) for name, aliases in find_events(sentence, conference)]


def _media(sentence: Sentence, i: int) -> list[Found]:
    out: list[Found] = []
    for match in P.MEDIA.finditer(sentence.masked()):
        if match.group(1):
            words = match.group(1).split()
            owner = ""
            if "’s" in match.group(1) or "'s" in match.group(1):
                cut = next(k for k, w in enumerate(words) if w.endswith(("’s", "'s")))
                owner, words = " ".join(words[: cut + 1])[:-2], words[cut + 1 :]
            while words and words[0].casefold() in {"the", "a", "an", "on", "my"}:
                words = words[1:]
            if not words:
                continue
            name = " ".join(words) + " " + match.group(2)
            host = re.match(r"\s+with\s+(" + P.PERSON.pattern[2:] + ")", sentence.text[match.end() :])
            speaker = owner or (host.group(1) if host else "")
            aliases = [" ".join(words)] if len(words) > 1 else []
            out.append(Found(name, "recording", i, aliases, speaker=speaker))
            # A show's one-word title ("All-in") is no name of its own; a brand ("InfoQ") names its publisher.
            if len(words) > 1 or not any(c.isupper() for c in words[0][1:]):
                sentence.take(match.start(1) + match.group(1).find(words[0]), match.start(2))
        else:
            owner = match.group(3).strip()[:-2] if match.group(3) else ""
            name = f"{match.group(3).strip()} {match.group(4)}"
            out.append(Found(name, "project", i, speaker=owner))
    return out


def _keynotes(sentence: Sentence, i: int, found: list[Found]) -> list[Found]:
    titled = [f for f in found if f.sentence == i and f.kind == "keynote"]
    out: list[Found] = []
    for match in P.KEYNOTE_DESCRIPTOR.finditer(sentence.text):
        if titled:
            titled[0].aliases.append(match.group(1))
        else:
            out.append(Found(match.group(1), "keynote", i))
    for match in P.KEYNOTE_BY.finditer(sentence.text):
        if not titled:
            out.append(Found(f"{match.group(1)} keynote", "keynote", i, speaker=match.group(1), exact=True))
    return out


def _announcements(sentence: Sentence, i: int) -> list[Found]:
    if sentence.heading:
        return []
    match = P.ANNOUNCEMENT.search(sentence.text)
    if not match:
        return []
    # Name it by its clause: from the subject before the verb to the end of the clause.
    head = sentence.text[: match.start()]
    subject = list(re.finditer(r"\b[A-Z][\w-]*", head))
    begin = subject[-1].start() if subject else match.start()
    tail = re.split(r"[,;:.!?(]|\s+(?:and|which|on|at|during|with)\s", sentence.text[match.end() :])[0]
    name = (sentence.text[begin : match.end()] + tail).strip()
    name = " ".join(name.split()[:10])
    return [Found(name, "announcement", i, exact=True)]


# -- grouping finds into items, and finding every sentence that names each -------------------------


def _items(found: list[Found], sentences: list[Sentence], source_id: str) -> list[Item]:
    groups: dict[str, Found] = {}
    order: list[Found] = []
    mentions: dict[int, set[int]] = {}
    for f in found:
        keys = {normalise_name(n) for n in [f.name, *f.aliases]} - {""}
        target = next((groups[k] for k in keys if k in groups), None)
        if target is None:
            target = f
            order.append(f)
        elif target is not f:
            _join(target, f)
        mentions.setdefault(id(target), set()).add(f.sentence)
        for key in keys | {normalise_name(n) for n in target.aliases}:
            groups[key] = target
    _alias_numeronyms(order, mentions)
    names = _mention_spans(order, sentences)
    items = []
    for f in order:
        idx = mentions[id(f)] if f.exact else mentions[id(f)] | names.get(id(f), set())
        items.append(_item(f, sorted(idx), sentences, source_id))
    return items


def _join(target: Found, other: Found) -> None:
    for alias in [other.name, *other.aliases]:
        if normalise_name(alias) != normalise_name(target.name) and alias not in target.aliases:
            target.aliases.append(alias)
    target.speaker = target.speaker or other.speaker
    target.organisation = target.organisation or other.organisation
    target.url = target.url or other.url


def _alias_numeronyms(order: list[Found], mentions: dict[int, set[int]]) -> None:
    """'K8s' is 'Kubernetes', 'PlatEngDay' is 'Platform Engineering Day': an abbreviation found as
    its own name joins the name it abbreviates."""
    for f in list(order):
        long = abbreviates(f.name, [g.name for g in order if g.kind == f.kind or f.kind != "event"])
        target = next((g for g in order if g.name == long), None)
        if target is not None and target is not f:
            _join(target, f)
            mentions[id(target)] |= mentions.pop(id(f), set())
            order.remove(f)


def _mention_spans(order: list[Found], sentences: list[Sentence]) -> dict[int, set[int]]:
    """For each find, the sentences naming it (not inside a longer name of another find)."""
    by_spelling: dict[str, list[tuple[str, Found]]] = {}
    for f in order:
        for name in {f.name, *f.aliases}:
            if len(name) >= 2:
                by_spelling.setdefault(name.casefold(), []).append((name, f))
    if not by_spelling:
        return {}
    # One pattern, longest spelling first: at each place the longest name wins ("Cilium + eBPF Day"
    # over "Cilium"), and a name inside a longer one is not a mention of it.
    alternatives = "|".join(re.escape(n) for n in sorted(by_spelling, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w]|-\w)", re.IGNORECASE)
    out: dict[int, set[int]] = {}
    for i, sentence in enumerate(sentences):
        for match in pattern.finditer(sentence.text):
            got = match.group(0)
            for name, f in by_spelling.get(got.casefold(), []):
                if _same_case(name, got):
                    out.setdefault(id(f), set()).add(i)
    return out


def _same_case(name: str, got: str) -> bool:
    """Same case where the name has capitals ("Score" is not "score"); "WASM" and "Wasm" are one."""
    return name[0].isupper() == got[0].isupper() and not (name.islower() and not got.islower())


def _item(f: Found, indices: list[int], sentences: list[Sentence], source_id: str) -> Item:
    mentions = []
    for i in indices:
        s = sentences[i]
        mentions.append(
            Mention(
                source_id=source_id,
                start=s.start,
                end=s.end,
                quote=s.text,
                recommends=bool(P.RECOMMENDS.search(s.text)),
                critical=bool(P.CRITICAL.search(s.text)),
                section=s.section,
            )
        )
    aliases = list(dict.fromkeys(a for a in f.aliases if normalise_name(a) != normalise_name(f.name)))
    return Item(f.name, f.kind, aliases, f.speaker, f.organisation, f.url, mentions)
