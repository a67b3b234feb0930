"""What kind of source: person, organisation, government body, document or data,
anonymous, or unknown.

The tagger's parse has no named-entity recognizer (it is left out for speed), so the kind
is read from the source's head word, the words of its phrase and their parts of speech,
with the small lexicons below: an unnamed individual ("an official", "sources", "people
familiar with the talks") is anonymous; a head naming a paper, poll or statement is a
document; government and organisation words name bodies, also inside a name ("the State
Department", "Acme Corp."); titles and personal pronouns mark a person; any other proper
name is a person, the commonest case in news attributions.
"""

from __future__ import annotations

PERSON, ORGANISATION, GOVERNMENT, DOCUMENT, ANONYMOUS, UNKNOWN = (
    "person", "organisation", "government", "document", "anonymous", "unknown")

_PERSONAL_PRONOUNS = frozenset("he she i me him her you".split())
_GROUP_PRONOUNS = frozenset("they we them us".split())
# Individuals and groups of people a story may leave unnamed.
_UNNAMED = frozenset("""official officials source sources person people aide aides staffer
staffers insider insiders diplomat diplomats spokesman spokeswoman spokesperson
spokespeople representative representatives adviser advisers advisor advisors someone
somebody witness witnesses observer observers analyst analysts expert experts critic
critics supporter supporters resident residents employee employees worker workers member
members lawmaker lawmakers officer officers investigator investigators one those others
many some several""".split())
_PEOPLE = _UNNAMED | frozenset("""voter voters man men woman women mother father wife
husband son daughter friend friends neighbour neighbor neighbours neighbors student
students teacher teachers doctor doctors lawyer lawyers attorney attorneys president
senator governor mayor minister secretary chairman chairwoman chair director executive
chief leader leaders candidate candidates nominee founder professor economist scientist
researcher researchers reporter reporters journalist journalists activist activists
protester protesters democrat democrats republican republicans conservative conservatives
liberal liberals fan fans parent parents victim victims survivor survivors pollster
pollsters strategist strategists donor donors judge justice prosecutor prosecutors
ambassador general commander host author writer editor columnist owner manager
farmer farmers engineer engineers nurse nurses police officer soldier soldiers worker""".split())
_TITLES = frozenset("""mr mr. mrs mrs. ms ms. miss dr dr. sen sen. rep rep. gov gov. gen
gen. lt. col. sgt. capt. prof prof. rev rev. sir dame lord lady president senator
governor mayor secretary minister judge justice pope king queen prince princess""".split())
_DOCUMENTS = frozenset("""report reports study studies poll polls survey surveys statement
statements data document documents record records letter letters memo memos analysis
figures figure estimate estimates census filing filings complaint lawsuit indictment
transcript transcripts book article story video ad ads website site research release
review audit email emails e-mail tweet tweets post posts message messages note notes
paper papers footage recording records documents findings ruling order decision
testimony affidavit manifesto platform guidance guidelines map chart table index model
forecast projections numbers statistics tally count""".split())
_GOVERNMENT = frozenset("""government administration ministry department pentagon
congress senate parliament assembly legislature police court courts agency commission
council cabinet military army navy embassy consulate cia fbi nsa irs fda epa kremlin
whitehouse state county city municipality authorities authority prosecutors regulator
regulators bureau office""".split())
_ORGANISATIONS = frozenset("""company companies group groups campaign campaigns party
parties committee organization organisation firm firms network networks newspaper paper
magazine union unions association foundation institute center centre bank banks
corporation corp corp. inc inc. llc ltd ltd. co co. coalition club university college
league alliance pac society press news times post journal reuters ap afp cnn bbc fox
nbc abc cbs msnbc npr bloomberg politico breitbart outlet station channel team
charity nonprofit think-tank tank trust fund legion dnc rnc nations""".split())


# Words naming a news outlet ("the Associated Press", "the Harbour Gazette", "the outlet").
_OUTLETS = frozenset("""press news times post journal gazette herald tribune chronicle
telegraph guardian daily reuters ap afp cnn bbc fox nbc abc cbs msnbc npr bloomberg politico
breitbart outlet outlets newspaper newspapers magazine network networks station channel
wire agency""".split())


def is_outlet(tokens) -> bool:
    """Whether a phrase names a news outlet (by any of its words)."""
    return any(t.lower_ in _OUTLETS for t in tokens)


def is_capitals(token) -> bool:
    """A word in capitals ("TAPPER"): a name in a transcript, whatever tag the parser
    gave it."""
    return len(token.text) > 1 and token.text.isalpha() and token.text.isupper()


def is_name(token) -> bool:
    return token.pos_ == "PROPN" or is_capitals(token)


def _lower_words(tokens) -> list[str]:
    return [t.lower_ for t in tokens]


def source_kind(head, tokens) -> str:
    """The kind of the source headed by `head` (a spaCy token) with phrase `tokens`."""
    if head is None:
        return UNKNOWN
    word = head.lower_
    words = _lower_words(tokens)
    named = any(is_name(t) for t in tokens)
    if head.pos_ == "PRON":
        return PERSON if word in _PERSONAL_PRONOUNS else UNKNOWN
    if not named and word in _UNNAMED:
        return ANONYMOUS
    if word in _DOCUMENTS:
        return DOCUMENT
    # The head's own name ("the State Department", "Acme Corp."), not a name it is
    # attached to ("Fox News's Bill Melugin", "Seth McKee, a scientist at Tech University").
    name_words = [head.lower_] + [t.lower_ for t in head.lefts if t.dep_ in ("compound", "nmod")]
    if word in _GOVERNMENT or "white" in name_words and "house" in name_words:
        return GOVERNMENT
    if word in _ORGANISATIONS or set(name_words) & _ORGANISATIONS:
        return ORGANISATION
    if set(name_words) & _GOVERNMENT:
        return GOVERNMENT
    if is_capitals(head) and any(t.lower_ == "the" for t in head.lefts):
        return ORGANISATION  # "the NAACP": an acronym with an article names a body
    if is_name(head) or word in _PEOPLE or set(words) & _TITLES:
        return PERSON
    return UNKNOWN


# Shares and crowds of people, as polls and reports count them ("a third of voters",
# "a majority", "the crowd"): they hold views too.
_COLLECTIVES = frozenset("""percent majority majorities minority plurality half third
quarter crowd crowds audience audiences hundreds thousands dozens millions politicians
opponents millennials superdelegates delegates operatives developers families camp
board""".split())


def _unknown_name(token) -> bool:
    """A capitalised noun with no article: a surname the tagger did not know ("Okafor
    rallied ...", "Okafors has ..." read as a plural); after the first word, any
    capitalised noun."""
    return token.pos_ == "NOUN" and token.text.istitle() and (token.i > 0 or (
        (token.tag_ == "NN" or token.tag_ == "NNS" and _with_singular_verb(token))
        and not any(c.dep_ == "det" for c in token.children)))


def _with_singular_verb(token) -> bool:
    """ "Okafors has ...": a plural noun as the subject of a verb in the singular is a name
    (not "Taxes will rise")."""
    verb = token.head
    return token.dep_ == "nsubj" and (verb.tag_ == "VBZ" or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ == "VBZ" for c in verb.children))


# Endings of nouns for people by what they do or are ("backers", "rivals", "migrants",
# "historians"), beyond the lexicons above.
_AGENT_ENDINGS = ("er", "ers", "or", "ors", "ist", "ists", "ian", "ians", "ant", "ants")


def _agent_noun(token) -> bool:
    return token.pos_ == "NOUN" and token.lower_.endswith(_AGENT_ENDINGS) \
        and token.lower_ not in _DOCUMENTS


def holds_views(head, tokens) -> bool:
    """Whether the phrase can be the holder of a view: a person, a body, or a group or
    unnamed individual (not "the poll", "his victory"); a capitalised noun is a name the
    tagger did not know ("Trump" tagged a noun); a noun ending as "-er", "-ist", "-ant"
    names someone by what they do ("backers", "rivals")."""
    if head is not None and head.pos_ == "PRON":
        return head.lower_ in _PERSONAL_PRONOUNS or head.lower_ in _GROUP_PRONOUNS
    if head is not None and head.lower_ in _DOCUMENTS:
        return False
    if head is not None and (head.lower_ in _COLLECTIVES or _unknown_name(head)
                             or _agent_noun(head)):
        return True
    return source_kind(head, tokens) in (PERSON, ORGANISATION, GOVERNMENT, ANONYMOUS)
