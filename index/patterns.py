"""The word lists and patterns the item extractor (`index.extract`) reads a sentence with.

Kept apart from the extraction logic so that a pattern can be read, and changed, in one place.
Every list here is general English or general cloud vocabulary, never a name from the recaps:
names are found by shape and context (capitals, quotes, links, "… Day", "…Con", "from <Org>").
"""

from __future__ import annotations

import re

# A capitalised name token: "Backstage", "OpenTelemetry", "K8s", "k8sgpt", "eBPF", "Mia-Platform", "O’Grady".
NAME_TOKEN = r"(?:[A-Z][\w’'.&-]*[\w]|[A-Z]|[a-z]+[A-Z0-9][\w-]*)"
# A person's name: two to four title-case words, lowercase particles allowed inside ("Daniel de Repentigny").
PERSON = re.compile(
    r"\b[A-Z][a-zà-ÿšžćčđ]+(?:[ ](?:(?:de|van|von|da|di|del|le)[ ])?[A-Z][a-zà-ÿšžćčđ]*"
    r"(?:[’'][A-Z][a-z]+)?[a-zà-ÿšžćčđ]*){1,3}"
)
MARKDOWN_LINK = re.compile(r"(!?)\[([^\]\n]+)\]\(([^)\s]+)(?:\s+\"[^\"\n]*\")?\)")
URL = re.compile(r"https?://\S+")
# A quoted title: “…” (or "…"), possibly left open at the end of a line.
QUOTED = re.compile(r"[“\"]([^”\"\n]{6,200})(?:[”\"]|(?=\n)|$)")
NUMERONYM = re.compile(r"\b([A-Za-z])(\d{1,2})([a-z])\b")

# Words that start a title in lowercase or stay lowercase inside one.
TITLE_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "vs.",
        "via",
        "with",
        "without",
        "beyond",
        "over",
        "our",
        "your",
    ]
)

# Acronyms and capitalised words that name a topic, a role or a kind of thing, not an item.
GENERIC = frozenset(
    [
        "ai",
        "ml",
        "llm",
        "llms",
        "genai",
        "api",
        "apis",
        "cpu",
        "cpus",
        "gpu",
        "gpus",
        "idp",
        "idps",
        "ci",
        "cd",
        "saas",
        "paas",
        "iaas",
        "faas",
        "devops",
        "finops",
        "mlops",
        "devsecops",
        "sre",
        "sbom",
        "sboms",
        "cve",
        "cves",
        "oss",
        "roi",
        "gtm",
        "sdr",
        "vc",
        "vcs",
        "icp",
        "zirp",
        "cde",
        "cdes",
        "esb",
        "esbs",
        "http",
        "https",
        "ui",
        "ux",
        "dx",
        "it",
        "r&d",
        "poc",
        "pocs",
        "tl;dr",
        "tl",
        "ftw",
        "cto",
        "ceo",
        "cfo",
        "cio",
        "vp",
        "eu",
        "na",
        "us",
        "uk",
        "usa",
        "emea",
        "apac",
        "q&a",
        "faq",
        "webapp",
        "webapps",
        "i",
        "we",
        "you",
        "he",
        "she",
        "they",
        "it",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "my",
        "our",
        "their",
        "his",
        "her",
        "its",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "web",
        "tweet",
        "tweets",
        "internet",
        "native",
        "ecosystem",
        "community",
        "sandbox",
        "generative",
        "large",
        "data",
        "scientists",
        "executive",
        "director",
        "key",
        "takeaways",
        "takeaway",
        "introduction",
        "conclusion",
        "bonus",
        "status",
        "quo",
        "next",
        "steps",
        "wrapping",
        "anecdotally",
        "jokes",
        "french",
        "english",
        "european",
        "american",
    ]
)


# Nouns that say what the names listed after them are ("companies using …, including A, B and C").
LIST_HEADS: dict[str, str] = {
    **dict.fromkeys(
        [
            "companies",
            "vendors",
            "organizations",
            "organisations",
            "firms",
            "startups",
            "enterprises",
            "providers",
            "sponsors",
            "booths",
            "hyperscalers",
            "folks",
        ],
        "organisation",
    ),
    **dict.fromkeys(
        [
            "projects",
            "tools",
            "tooling",
            "frameworks",
            "languages",
            "portals",
            "platforms",
            "operators",
            "runtimes",
            "libraries",
            "products",
            "specifications",
            "mentions",
            "offerings",
        ],
        "project",
    ),
}
# A word right after a name that says what it is ("the Syntasso team", "the kube-green project").
AFTER_NAME: dict[str, str] = {
    **dict.fromkeys(
        ["team", "crew", "folks", "booth", "booths", "founders", "staff", "podcast", "newsletter"], "organisation"
    ),
    **dict.fromkeys(
        [
            "project",
            "application",
            "framework",
            "platform",
            "operator",
            "tool",
            "cluster",
            "clusters",
            "setups",
            "runtime",
            "runtimes",
            "library",
            "chart",
            "charts",
            "containers",
            "packages",
            "offering",
            "orchestrator",
            "api",
        ],
        "project",
    ),
}
# A word right before a name.
BEFORE_NAME: dict[str, str] = {
    "using": "project",
    "implementing": "project",
    "adopting": "project",
    "open source": "project",
    "embracing": "project",
    "at the": "organisation",
    "folks at": "organisation",
    "folks at the": "organisation",
    "executive director of": "organisation",
    "hosted by the": "organisation",
    "hosted by": "organisation",
}
# Verbs after a sentence's subject that a company, not a tool, does.
ORG_VERBS = re.compile(
    r"^\s+(?:also\s+|even\s+)?(?:showcased|announced|discussed|went|took|unveiled|launched|acquired)\b"
)
# After a name: the words that make it a person.
PERSON_AFTER = re.compile(
    r"^(?:,?\s+(?:from|at)\s+[A-Z]|\s+(?:also\s+|recently\s+|astutely\s+)*(?:presented|observed|pointed|said|says|noted"
    r"|spoke|did|ran|shared|explained|argued|wrote|co-chaired|gave|talked)\b|,\s+(?:who|co-creator|co-founder|founder"
    r"|executive|director|ceo|cto|author|host)\b|[’']s\s+(?:excellent\s+|recent\s+)?(?:work|book|newsletter|podcast"
    r"|blog|talk|[“\"]|[A-Z]))"
)
# Before a name: the words that make it a person.
PERSON_BEFORE = re.compile(
    r"(?:\b(?:by|with|friends?|buddy|colleague|ex-colleague|speaker|host|as|including|statement by)\s+"
    r"(?:(?!the\b)[\w-]+\s+)?)$"
)
# Compounds that describe rather than name ("AI-powered", "K8s-based", "non-AI", "post-ZIRP"), and versions.
DESCRIPTIVE = re.compile(
    r"(?:-(?:based|powered|themed|focused|native|driven|enabled|like|related|ready|first|heavy|centric|specific"
    r"|backed|funded|owned|led|sized|scale|grade|friendly|aware)$"
    r"|^(?:non|post|pre|anti|multi|cross|co|ex)-|^v\d+(?:\.\d+)*$|^I[’'](?:ve|m|ll|d)$"
    r"|^[A-Z](?:/[A-Z])+$)",  # "series A/B": letters, not a name
    re.IGNORECASE,
)
# Nouns that complete a name before them ("NVIDIA Blackwell chips", "DORA metrics", "SLSA framework").
NAME_NOUNS = frozenset({"chips", "metrics", "framework"})
# Org-like endings of a multiword name.
ORG_SUFFIX = re.compile(
    r"\b(?:Foundation|Group|Nations|Inc|Corp|Corporation|Ltd|GmbH|Labs|TAG|Institute|Association|Council|AI"
    r"|Company|Bank|University)\b|[a-z]Corp\b"
)

EVENT_WORDS = r"(?:Day|Days|Con|Summit|Forum|Conference|Hackathon|Meetup)"
# "Platform Engineering Day", "Cilium + eBPF Day", "App Developer Con"
EVENT_PHRASE = re.compile(
    rf"\b((?:[A-Z][\w-]*|[a-z]+[A-Z]\w*)(?:\s+(?:[A-Z][\w-]*|[a-z]+[A-Z]\w*|\+|&))*\s+{EVENT_WORDS})\b"
)
CAMEL_EVENT = re.compile(r"\b([A-Z][a-z]+(?:[A-Z][a-z]*)+(?:Con|Day|Summit))\b")
PRE_DAY = re.compile(r"\b((?:[A-Z][\w]*\s+)+(?:pre-conference|co-located|colocated)\s+days?)\b")
GATHERING = re.compile(
    r"\b((?:[A-Z][\w]*(?:-themed)?\s+)(?:labs|meetups|hackathons|workshops|summits))\s+(?:running|held|happening|took)"
)
SERIES_QUALIFIERS = re.compile(
    r"^(?:\s*(?:\+|/)\s*[A-Z][A-Za-z]*Con)?(?P<quals>(?:\s+(?:EU|NA|Europe|North America|Asia|China|India|Japan|Paris"
    r"|Chicago|\d{4}|[A-Z][a-z]+(?=\s+\d{4})))*)(?P<year>\s+in\s+\d{4})?"
)
REGIONS = {"eu": "europe", "europe": "europe", "na": "north america", "north america": "north america"}

MEDIA = re.compile(
    r"\b((?:[A-Z][\w-]*\s+){1,4})(podcast|newsletter|webinar|livestream)\b|\b((?:[A-Z][\w’'-]*\s+){1,3})[’']s\s+"
    r"(newsletter|podcast|blog)\b"
)
KEYNOTE_DESCRIPTOR = re.compile(
    r"\b(?:the\s+)?((?:opening|closing|final|day\s+(?:one|two|three|four)|first|second|third)\s+keynote)\b(?!s)"
)
KEYNOTE_BY = re.compile(r"\bkeynote\s+by\s+(" + PERSON.pattern[2:] + ")")
ORG_KEYNOTE = re.compile(
    r"\b(?:the\s+)?(?:previously\s+mentioned\s+)?((?:(?!(?:The|A|An|This|That|Our|My)\s)[A-Z][\w]+\s+){1,3})(keynote|talk)\b"
)

KEYNOTE_CUE = re.compile(r"\bkeynote\b(?!\s+(?:room|stage|time|hall|slot))", re.IGNORECASE)
TALK_CUE = re.compile(r"\b(?:talk|talks|presented|presentation|session|spoke|panel|lightning)\b", re.IGNORECASE)
BOOK_CUE = re.compile(r"\b(?:book|signing|paper|report|whitepaper|article)\b", re.IGNORECASE)
SECTION_CUE = re.compile(r"^\s*(?:section|chapter|heading|label)\b", re.IGNORECASE)

ANNOUNCEMENT = re.compile(
    r"\b(?:announc(?:e|ed|es|ing)|submitted to the|joined the CNCF|acqui-?hir\w*|unveil(?:ed|s)?|is already underway"
    r"|(?:new|next) version)\b"
)

RECOMMENDS = re.compile(
    r"\b(?:favou?rite|highly recommend\w*|recommend(?:ed|s)?|standout|stand-out|worth (?:watching|a watch|attending)"
    r"|must[- ]see|excellent|thoroughly enjoyed|enjoyed|leads the pack|stealing the show|huge fan|can[’']t go wrong"
    r"|check out|great talk|fantastic|brilliant|tip my hat|awesome|astutely|strong references)\b",
    re.IGNORECASE,
)
CRITICAL = re.compile(
    r"\b(?:grumbles?|lost on|disappoint\w*|lack of|killer use case|discomfort|overhyped|underwhelming|complain\w*"
    r"|borderline hostile|chagrin)\b",
    re.IGNORECASE,
)
