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
`source.resolved` gives the name, its offsets and `sent_idx`.
"""

from __future__ import annotations

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
