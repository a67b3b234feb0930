"""Pronouns and descriptions to names: "he", "she", "they", "the spokeswoman", "the
company" as a source resolve to the nearest compatible named source earlier in the article
(a salience rule: the most recently named speaker wins, no coreference model).

Compatible means: "he" and "she" a person known to be of that gender (from a title, "Mr."
or "Ms.", a gendered noun in the phrase, "spokeswoman", or an earlier "she" resolved to
the same surname), else the nearest person of gender unknown; "they" a body (organisation or government) or a group of
people ("Smith and Jones", "Democrats"); a description ("the senator", "the agency") a
named source of its kind, one whose phrase holds the same noun first ("Jane Roe, the
agency's spokeswoman" for "the spokeswoman"); a description of a document or of a
thing the lexicons do not know ("the report", "the spot") stands for no name. Only the
last eight sentences are searched: further back, most resolutions read were wrong. The pronoun keeps its own span as the source;
`source.resolved` gives the name, its offsets, `sent_idx` and `rule` (`salience` here).

First-person sources ("I", "we") are resolved after all of context.py's rules have run
(resolve_speakers, below): to an interview's interviewee, or to the speaker of the
quotation they lie in; the same pass drops template leftovers as sources.
"""

from __future__ import annotations

import re

from newsroles.attribution.cues import TIME_WORDS
from newsroles.attribution.kinds import (
    ANONYMOUS,
    GOVERNMENT,
    ORGANISATION,
    PERSON,
    is_name,
    source_kind,
)

_MALE = frozenset("""he him mr mr. sir spokesman chairman congressman businessman man
father husband son brother king prince lord actor""".split())
_FEMALE = frozenset("""she her mrs mrs. ms ms. miss madam spokeswoman chairwoman
congresswoman businesswoman woman mother wife daughter sister queen princess lady
actress""".split())
_BODIES = (ORGANISATION, GOVERNMENT)
_REACH = 8  # sentences back a pronoun or description may look for its name


def _gender(words) -> str | None:
    words = set(words)
    if words & _MALE and not words & _FEMALE:
        return "m"
    if words & _FEMALE and not words & _MALE:
        return "f"
    return None


def name_tokens(head, tokens) -> list:
    """The name in a source phrase: the run of proper nouns holding the head, else the
    first such run ("the director, James Comey" -> "James Comey")."""
    runs, run = [], []
    for t in tokens:
        if (is_name(t) and t.lower_ not in TIME_WORDS) or (
                run and t.text == "." and t.i == run[-1].i + 1):
            run.append(t)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    if not runs:
        return []
    return next((r for r in runs if any(t.i == head.i for t in r)), runs[0])


class Mention:
    """A named source: its name span, kind, gender if known and plural or not."""

    __slots__ = ("span", "kind", "gender", "plural", "words", "sent")

    def __init__(self, span: dict, kind: str, gender, plural: bool, words, sent: int):
        self.span, self.kind, self.gender = span, kind, gender
        self.plural, self.words, self.sent = plural, frozenset(words), sent

    @property
    def surname(self) -> str:
        return self.span["text"].split()[-1].lower()


class Salience:
    """The article's named sources so far, most recent last."""

    def __init__(self):
        self.mentions: list[Mention] = []
        self.genders: dict[str, str] = {}  # surname -> gender learnt from a resolved pronoun

    def add(self, head, tokens, name_span: dict, kind: str, sent: int) -> None:
        words = [t.lower_ for t in tokens]
        plural = head.tag_ in ("NNS", "NNPS") or any(t.dep_ == "cc" for t in tokens)
        self.mentions.append(Mention(name_span, kind, _gender(words), plural, words, sent))

    def _gender_of(self, m: Mention):
        return m.gender or self.genders.get(m.surname)

    def resolve(self, head, tokens, sent: int) -> Mention | None:
        """The named mention a pronoun or description source stands for, or None."""
        word = head.lower_
        recent = [m for m in reversed(self.mentions) if sent - m.sent <= _REACH]
        if head.pos_ == "PRON":
            if word in ("he", "she"):
                gender = "m" if word == "he" else "f"
                people = [m for m in recent if m.kind == PERSON and not m.plural]
                # One known to be of that gender first, then one of gender unknown.
                found = next((m for m in people if self._gender_of(m) == gender),
                             next((m for m in people if self._gender_of(m) is None), None))
                if found is not None:
                    self.genders.setdefault(found.surname, gender)
                return found
            if word == "they":
                return next((m for m in recent if m.kind in _BODIES or m.plural), None)
            return None
        if not _is_description(head, tokens):
            return None
        kind = source_kind(head, tokens)
        if kind not in (PERSON, ANONYMOUS, *_BODIES):
            return None  # "the report", "the spot": no name to stand for
        wanted = (PERSON,) if kind in (PERSON, ANONYMOUS) else (kind,)
        gender = _gender([word])

        def fits(m: Mention) -> bool:
            return m.kind in wanted and (gender is None or self._gender_of(m) in (None, gender))

        same_noun = next((m for m in recent if word in m.words and fits(m)), None)
        return same_noun or next((m for m in recent if fits(m)), None)


def _is_description(head, tokens) -> bool:
    """ "the spokeswoman", "the senator", "the company": a definite noun phrase, no name."""
    return (head.pos_ == "NOUN" and head.tag_ == "NN"
            and any(t.lower_ in ("the", "this") and t.head.i == head.i for t in tokens)
            and not any(is_name(t) for t in tokens))


# First person: whom "I" and "we" stand for. An article's sentences are read in order as
# turns: a speaker label ("((Dorsa Derakhshani))", a Wikinews template left in the text;
# "Natasha Gownaris:", "NG:", "Q:", "A:") opens a turn that goes on, across paragraphs,
# until the next label; an unlabelled paragraph asking a question after an answer is the
# interviewer's, an unlabelled paragraph after a question the interviewee's (where the
# article names one). In an interviewee's turn "I" is the interviewee; elsewhere "I" is
# the speaker of the quotation it lies in (the sentence before introduced it: "X said:",
# or opened a quotation that goes on). `resolved.rule` records which.

FIRST_PERSON = frozenset("i me my mine myself we us our ours ourselves".split())
_PLURAL_FIRST = frozenset("we us our ours ourselves".split())
_INTERVIEWERS = frozenset("q question interviewer interviewers wn wikinews".split())
_ANSWERS = frozenset("a answer".split())
# "you know", "you can see": in an interview the generic you of whoever speaks the turn.
SECOND_PERSON = frozenset("you your yours yourself yourselves".split())
_WORD = r"[A-Z][\w.'’-]*"
_TEMPLATE = re.compile(r"\s*\(\(([^()]{1,60})\)\)")  # "((Zara Kay))", "((hi))"
_LANGUAGE = re.compile(r"\s*\(\([a-z]{2,3}(?:-[a-z]+)?\)\)")  # "((hi))Hindi language"
# A news story's "in an interview with X" is no interview article: the article must say so.
_INTERVIEW_WORDS = re.compile(r"Wikinews|questions|correspondent", re.I)
_COLON_LABEL = re.compile(rf"\s*({_WORD}(?: {_WORD}){{0,3}}):\s")
_NAME_RUN = re.compile(rf"\b{_WORD}(?: {_WORD}){{1,2}}\b")
# Where the article says whom it interviewed: "Wikinews interviewed X", "X answered".
_NAME = rf"({_WORD}(?: {_WORD}){{0,2}})"
_INTERVIEWED = re.compile(
    rf"(?:interview(?:ed|s)?|interview with|caught up with|reached out to|spoke (?:to|with)"
    rf"|talk(?:ed|s)? (?:to|with)|contacted)\s+(?:[a-z-]+\s+){{0,3}}?{_NAME}"
    rf"|{_NAME} (?:answered|agreed to answer|discussed|talk(?:ed|s)? (?:to|with)"
    rf"|told Wikinews|tells Wikinews)")


class Turn:
    """Who speaks a run of sentences: the interviewer or a named speaker (`name`, a span
    of the article), found by `rule`."""

    __slots__ = ("interviewer", "name", "rule", "interview")

    def __init__(self, interviewer: bool, name: dict | None, rule: str, interview=True):
        self.interviewer, self.name, self.rule = interviewer, name, rule
        self.interview = interview  # False: a transcript's label in a news story


def is_junk_source(text: str) -> bool:
    """Not a speaker at all: a template's leftovers ("((hi))Hindi language"), a language
    name, punctuation."""
    bare = text.strip()
    return (not any(c.isalnum() for c in bare) or _LANGUAGE.match(bare) is not None
            or bare.lower().endswith(" language") or bare.startswith("(("))


def _is_interviewer(name: str) -> bool:
    low = name.lower()
    return low in _INTERVIEWERS or "wikinews" in low


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


class _Speakers:
    """The people an article names as speakers or interviewees so far, to read initials
    ("NG" is Natasha Gownaris) and an "A:" label."""

    def __init__(self):
        self.named: list[dict] = []  # interviewees, most recent last
        self.seen: list[dict] = []   # every run of capitalised words, most recent last
        self.interview = False  # whether the article has shown itself an interview

    def read(self, text: str, base: int, idx) -> None:
        for m in _NAME_RUN.finditer(text):
            self.seen.append(_at(m.group(), base + m.start(), idx))
        if not _INTERVIEW_WORDS.search(text):
            return
        for m in _INTERVIEWED.finditer(text):
            group = 1 if m.group(1) else 2
            name = m.group(group)
            if not _is_interviewer(name) and name.split()[0] not in ("The", "A", "An") \
                    and not name.endswith(("'s", "’s")):
                self.named.append(self.full(_at(name, base + m.start(group), idx)))
                self.interview = True

    def full(self, name: dict) -> dict:
        """The longest earlier mention of a surname ("Siegel" -> "Michael Siegel")."""
        last = name["text"].split()[-1]
        longer = [s for s in self.seen if s["text"].split()[-1] == last]
        return max(longer, key=lambda s: len(s["text"]), default=name)

    def by_initials(self, label: str) -> dict | None:
        for pool in (self.named, self.seen):
            found = next((s for s in reversed(pool) if len(s["text"].split()) > 1
                          and _initials(s["text"]) == label), None)
            if found is not None:
                return found
        return None

    def knows(self, name: str) -> bool:
        """Whether an earlier name is or ends in `name` ("Gownaris", not "Said Ellis")."""
        return any(s["text"] == name or s["text"].endswith(" " + name)
                   for s in self.seen + self.named)

    def interviewee(self) -> dict | None:
        return self.named[-1] if self.named else None


def _at(text: str, start: int, idx) -> dict:
    return {"text": text, "start": start, "end": start + len(text), "sent_idx": idx}


def _label_turn(text: str, base: int, idx, speakers: _Speakers) -> Turn | None:
    """The turn a speaker label opening the sentence starts, or None."""
    if _LANGUAGE.match(text):
        return None  # "((hi))Hindi language: ...": a translation of the turn going on
    m = _TEMPLATE.match(text) or _COLON_LABEL.match(text)
    if m is None:
        return None
    name = m.group(1).strip()
    if m.re is _TEMPLATE:
        speakers.interview = True  # Wikinews' speaker templates mark its interviews
    if _is_interviewer(name):
        speakers.interview = True
        return Turn(True, None, "interviewer")
    if name.lower() in _ANSWERS:
        return Turn(False, speakers.interviewee(), "interviewee")
    if name.isupper() and 1 < len(name) <= 4 and name.isalpha():
        full = speakers.by_initials(name)
        return Turn(False, full, "initials") if full else None
    if m.re is _COLON_LABEL and not speakers.knows(name) and not name.isupper():
        return None  # "Update: ...", "Image: ...": no one the article has named
    span = _at(name, base + m.start(1) + len(m.group(1)) - len(m.group(1).lstrip()), idx)
    speakers.named.append(span)
    return Turn(False, span, "speaker_label", speakers.interview)


def interview_turns(sents) -> list[Turn | None]:
    """Each sentence's turn (None outside an interview or transcript). Without paragraphs
    (pre-split input) only labels change turns."""
    speakers, turns, turn = _Speakers(), [], None
    asking = _question_paragraphs(sents)
    for k, s in enumerate(sents):
        text, base, idx = _where(s, k)
        labelled = _label_turn(text, base, idx, speakers)
        fresh = s.paragraph is not None and (k == 0 or sents[k - 1].paragraph != s.paragraph)
        if labelled is not None:
            turn = labelled
        elif turn is not None and turn.interview and fresh and not _LANGUAGE.match(text):
            if not turn.interviewer and s.paragraph in asking:
                turn = Turn(True, None, "interviewer")  # an unlabelled question
            elif turn.interviewer and speakers.interviewee() is not None:
                turn = Turn(False, speakers.interviewee(), "interviewee")
        speakers.read(text, base, idx)
        turns.append(turn)
    return turns


def _question_paragraphs(sents) -> set:
    """Paragraphs all of whose sentences ask ("Do I think so? Yes." is an answer)."""
    ends: dict = {}
    for s in sents:
        if s.paragraph is not None:
            asks = s.record["text"].rstrip().endswith("?")
            ends[s.paragraph] = ends.get(s.paragraph, True) and asks
    return {p for p, asks in ends.items() if asks}


def _where(s, k: int):
    r = s.record
    start = r.get("start")
    return r["text"], start if start is not None and start >= 0 else 0, r.get("sent_idx", k)


def resolve_speakers(sents) -> None:
    """After every rule of context.py has run on an article's sentences (its _Sentence
    objects, in order): first-person sources get the speaker they stand for, a
    second-person one in an interview is none (the turn's speaker, if any, follows), template
    leftovers and punctuation are no source, a "((Name))" label is cut to the name, an
    interview's answer naming no one (or its interviewer) takes the interviewee
    (`via` "speaker_turn"), and the salience rule's resolutions say so (`rule`)."""
    turns = interview_turns(sents)
    by_idx = {s.idx: s for s in sents if s.reported}
    for i, (s, turn) in enumerate(zip(sents, turns)):
        if not s.reported:
            continue
        answer = turn.name if turn is not None and not turn.interviewer else None
        source = _cut_template(s.source)
        if source is not None and (is_junk_source(source["text"])
                                   or answer and _is_interviewer(source["text"])):
            source = None
        if (source is not None and turn is not None and turn.interview
                and source["text"].strip().lower() in SECOND_PERSON):
            source = s.cue = None  # the answer's speaker below; a question's no one
        if source is None and answer is not None and turn.interview:
            source = {**answer, "via": "speaker_turn", "type": PERSON}
        elif source is not None and (turn is None or not turn.interviewer) and (
                _is_first_person(source["text"]) or source["text"].lower() in _ANSWERS):
            source = _first_person(source, answer, sents, i, by_idx)
        elif source is not None and answer is not None and _stands_for(source, answer):
            source = {**source, "resolved": {**answer, "rule": "initials"}, "type": PERSON}
        elif source is not None and source.get("resolved"):
            source["resolved"].setdefault("rule", "salience")
        s.source = source


def _cut_template(source: dict | None) -> dict | None:
    """ "((Gregory Kurtzer))  CentOS" -> "Gregory Kurtzer"."""
    if source is None or _LANGUAGE.match(source["text"]):
        return source
    m = _TEMPLATE.match(source["text"])
    if m is None:
        return source
    name = m.group(1).strip()
    start = source["start"] + source["text"].index(name, m.start(1))
    return {**source, "text": name, "start": start, "end": start + len(name)}


def _stands_for(source: dict, name: dict) -> bool:
    """ "NG" for Natasha Gownaris ("MS" for Professor Michael Siegel)."""
    label = source["text"].strip()
    return label.isupper() and label.isalpha() and len(label) > 1 \
        and _initials(name["text"]).endswith(label) and label != name["text"]


def _is_first_person(text: str) -> bool:
    return text.strip().lower() in FIRST_PERSON


def _first_person(source, answer, sents, i, by_idx) -> dict:
    """The source with `resolved`: the interviewee in an answer, else the speaker of the
    quotation the sentence lies in; unchanged where there is none."""
    if answer is not None:
        speaker, rule, kind = answer, "interviewee", PERSON
    else:
        speaker, kind = _quotation_speaker(sents, i, by_idx)
        rule = "quotation_speaker"
    if speaker is None:
        return source
    if source["text"].strip().lower() in _PLURAL_FIRST and answer is None:
        body = _body_of(by_idx.get(speaker.get("sent_idx")), speaker)
        if body is not None:
            speaker, rule, kind = body, "speaker_organisation", ORGANISATION
    resolved = {k: speaker[k] for k in ("text", "start", "end", "sent_idx")}
    return {**source, "resolved": {**resolved, "rule": rule}, "type": kind}


def _quotation_speaker(sents, i, by_idx):
    """The named speaker whose quotation sentence i goes on: the sentence its carried
    source came from, else the sentence just before when it ends in a colon ("X said:")
    or opens a quotation still open. (name span, kind) or (None, None)."""
    s = sents[i]
    donor = by_idx.get(s.source.get("sent_idx"))
    if donor is not None and donor is not s:
        return _name_of(donor, by_idx)
    before = sents[i - 1] if i else None
    if before is not None and before.reported and before.source is not None and (
            before.introduces or before.open_end):
        return _name_of(before, by_idx)
    return None, None


def _name_of(s, by_idx):
    """The name a sentence's source gives: its resolution, else the name in the sentence
    it was found in."""
    source = s.source
    if source is None:
        return None, None
    if source.get("resolved"):
        return source["resolved"], source.get("type")
    s = by_idx.get(source.get("sent_idx"), s)
    head, tokens = s.found.get("head"), s.found.get("tokens")
    if head is None or _is_first_person(head.text):
        return None, None
    name = name_tokens(head, tokens)
    if not name:
        return None, None
    start = s.base + name[0].idx
    text = s.record["text"][name[0].idx:name[-1].idx + len(name[-1].text)]
    return _at(text, start, s.idx), source.get("type") or PERSON


def _body_of(s, speaker: dict) -> dict | None:
    """The organisation named in the speaker's phrase ("Jeff Rathke, a spokesman for the
    State Department" -> "State Department"), for "we": a run of names, not the
    speaker's, with a body's word in it."""
    if s is None or s.found is None:
        return None
    runs, current = [], []
    for t in [*(s.found.get("tokens") or []), None]:
        if t is not None and is_name(t):
            current.append(t)
        elif current:
            runs.append(current)
            current = []
    for run in runs:
        start = s.base + run[0].idx
        if speaker["start"] <= start < speaker["end"]:
            continue  # the speaker's own name
        if any(source_kind(t, [t]) in _BODIES for t in run):
            text = s.record["text"][run[0].idx:run[-1].idx + len(run[-1].text)]
            return _at(text, start, s.idx)
    return None
