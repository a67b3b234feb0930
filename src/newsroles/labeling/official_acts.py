"""Official acts of public authorities: signed, vetoed, ruled, sentenced, banned, declared,
announced + the act; charges, verdicts, votes; what a specific law provides."""

from __future__ import annotations

import re

from newsroles.labeling.base import (
    POLICY,
    labeling_function,
)
from newsroles.labeling.vocab import (
    ACT_LEMMAS,
    ACT_NOUN_LEMMAS,
    ACT_NOUNS,
    ACT_VERBS,
    AUTHORITY,
    AUTHORITY_WORDS,
    COURT_WORDS,
    REPORT_LEMMAS,
    SPEECH_NEAR_QUOTE,
    STRONG_ACT_LEMMAS,
    rx,
)

# --- official acts of public authorities -------------------------------------------------


_ACT_BYAUTHORITY = rx(rf"\b{AUTHORITY}\b[^.;]{{0,80}}?\b({ACT_VERBS})\b(?!\s+that\b)")


@labeling_function(POLICY, "official_act",
                   needs="acquitted adopted allocated appointed approved approves authorised authorized awarded banned bans blocked charged commuted convicted declared declares dismissed down enacted extended fined granted impeached implemented imposed indicted introduced issued issues launched legalised legalized lifted mandated nominated ordered orders outlawed overturned pardoned passed postponed proposed r ratified recognised recognized rejected repealed ruled sanctioned sentenced signed struck subpoenaed sued suspended unveiled upheld vetoed voted withdrew")
def lf_authority_act(s):
    """A public authority as actor with an official-act verb (signed, ruled, banned ...)."""
    return bool(_ACT_BYAUTHORITY.search(s["text"]))


@labeling_function(POLICY, "official_act",
                   needs="sentenced convicted charged indicted acquitted pardoned impeached fined appointed sworn elected nominated banned ordered suspended removed granted")
def lf_judicial_passive(s):
    """Someone was sentenced, convicted, charged, indicted, pardoned, impeached or fined."""
    return bool(
        rx(r"\b(was|were|been|is|are|be|being)\s+(formally\s+|later\s+|also\s+)?"
            r"(sentenced|convicted|charged|indicted|acquitted|pardoned|impeached|fined|"
            r"appointed|sworn in|elected speaker|nominated|banned|ordered|suspended|"
            r"removed from office|granted)\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act",
                   needs="declared declares announced announces issued issues unveiled unveils introduced signed passed approved imposed lifted extended")
def lf_act_as_object(s):
    """A speech verb whose object is the act: "declared a state of emergency", "announced
    restrictions", "issued a decree"."""
    return bool(
        rx(rf"\b(declared|declares|announced|announces|issued|issues|unveiled|unveils|"
            rf"introduced|signed|passed|approved|imposed|lifted|extended)\s+"
            rf"(a|an|the|its|his|her|their|new|two|several)?\s*([\w-]+\s+){{0,3}}"
            rf"({ACT_NOUNS})\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act",
                   needs="convicted sentenced acquitted indicted charged pardon pardoned pardons commuted commutation commutations clemency guilty prison suspended death ruled overturned upheld")
def lf_judicial_outcome(s):
    """A court's or prosecutor's decision: convicted, sentenced to, pardoned, clemency."""
    return bool(_JUDICIAL.search(s["text"]))


_JUDICIAL = rx(
    r"\b(convicted|sentenced|acquitted|indicted|charged with|pardon(ed|s)?|commuted|"
    r"commutations?|clemency|found (not[- ])?guilty|(life|\d+ years?|\w+ years?|months?) in prison|"
    r"suspended sentence|death penalty|ruled (that|in favou?r|against)|(overturned|upheld) (the |a |his |her |their )?(\w+ )?(ruling|conviction|decision|verdict|sentence|ban|law|order))\b"
)


@labeling_function(POLICY, "official_act",
                   needs="resignation appointed named sworn installed removed dismissed dissolved")
def lf_office_change(s):
    """Appointments, resignations and swearing-in as official acts."""
    return bool(
        rx(r"\b(announced|tendered|submitted|accepted|rejected|declined) (his|her|their|the)? ?"
            r"(\w+ )?resignation\b|\b(was|were|been|be) (appointed|named|sworn in|installed|"
            r"removed from office|dismissed)\b|\bsworn in as\b|\bappointed (him|her|\w+ \w+) "
            r"(as )?\w+|\bdissolved (the )?(\w+ ){0,3}parliament\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act", needs="counts count charges charge")
def lf_charges_faced(s):
    """The charges or counts a defendant faces: the prosecution's formal act."""
    return bool(
        rx(r"\b(face[sd]?|facing)\b[^.]{0,30}\b(counts?|charges?)\b|\bcounts? of\b|"
            r"\bcharges (included|involved|include|were)\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act",
                   needs="carry carries carried parole bail penalty fine")
def lf_penalty_provision(s):
    """What an offence or a sentence carries: prison terms, parole, bail, penalties."""
    return bool(
        rx(r"\b(carry|carries|carried)\b[^.]{0,20}\b(prison|sentence|penalty|fine|term)|"
            r"\beligible for parole\b|\b(granted|denied|not granted) bail\b|"
            r"\b(maximum|minimum) (penalty|sentence|fine)\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act", needs="act provisions provision")
def lf_named_statute(s):
    """A named statute or its provisions ("the National Emergencies Act", "Act, 1972")."""
    text = s["text"]
    return bool(
        re.search(r"\b[Pp]rovisions? of\b|\b(?:[A-Z][a-z]+ ){1,5}Act\b", text)
    ) and not SPEECH_NEAR_QUOTE.search(text)


@labeling_function(POLICY, "official_act", needs="motion bill vote bid measure resolution")
def lf_motion_outcome(s):
    """A motion, bill or vote in a legislature that passed or failed."""
    return bool(
        rx(r"\b(motion|bill|vote|bid|measure|resolution)\b[^.]{0,60}\b(failed|passed|"
            r"fails|passes|was defeated|was rejected)\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act",
                   needs="mandatory compulsory prohibited illegal outlawed banned forbidden required made law laws constitution rule rules")
def lf_rule_in_force(s):
    """What a rule makes required, banned or allowed ("mandatory", "prohibited", "illegal")."""
    text = s["text"]
    return bool(
        rx(r"\b(mandatory|compulsory|prohibited|illegal|outlawed|banned|forbidden|"
            r"required by law|made \w+ (mandatory|illegal|free)|(law|laws|constitution|rules?) "
            r"(forbids?|prohibits?|requires?|allows?|bans?|limits?))\b").search(text)
    ) and not SPEECH_NEAR_QUOTE.search(text)


@labeling_function(POLICY, "official_act",
                   needs="require requires ban bans prohibit prohibits allow allows provide provides limit limits permit permits make makes mandate mandates would will must")
def lf_law_provides(s):
    """What a specific law, ruling or order provides ("the law bans ...", "under the ruling")."""
    return bool(
        rx(rf"\b(under the|the) ({ACT_NOUNS})\b[^.]{{0,40}}\b(requires?|bans?|prohibits?|"
            r"allows?|provides?|limits?|permits?|makes?|mandates?|would|will|must)\b")
        .search(s["text"])
    )


@labeling_function(POLICY, "official_act",
                   needs="voted votes vote")
def lf_legislature_vote(s):
    """A legislature or court votes on a measure ("The House voted 232 to 196 to ...")."""
    return bool(
        rx(r"\b(house|senate|parliament|congress|assembly|legislature|lawmakers|council|"
            r"cabinet|committee|representatives|mps|court|justices)\b[^.]{0,60}"
            r"\b(voted|votes|vote)\b[^.]{0,40}\b(to|for|against|in favou?r)\b").search(s["text"])
    )




# --- the main clause, from the parse ---------------------------------------------------------


# Acts whose named (proper-noun) subject is nearly always a state or an official.
_STATE_ACTS = frozenset("ban sanction impose declare enact approve ratify pass sue recognize "
                        "recognise veto sign expel outlaw legalize legalise annex".split())


_DECISIONS = frozenset("decide agree plan vote move choose".split())


def _authority(subject: str, proper_noun: bool = False) -> bool:
    words = re.findall(r"[a-z]+", subject)
    return proper_noun or not AUTHORITY_WORDS.isdisjoint(words + [w[:-1] for w in words])


@labeling_function(POLICY, "official_act", parse=True,
                   key_lemmas=ACT_LEMMAS | _STATE_ACTS | _DECISIONS)
def lf_main_clause_authority_act(s):
    """The main clause's subject is a public authority (or a named actor) and its verb an
    official act: "The governor signed the measure into law", "He vetoed the bill"; a
    "decided/agreed/planned to ..." of an authority too (its decision)."""
    for c in s["_parse"]["main"]:
        if c["neg"] or c["passive"]:
            continue
        act = c["lemma"] in ACT_LEMMAS and not c["comp"]
        decision = c["lemma"] in _DECISIONS and c["comp"]
        named = c["subj_propn"] and c["lemma"] in _STATE_ACTS
        if (act or decision) and _authority(c["subj"], named):
            return True
        if c["lemma"] in STRONG_ACT_LEMMAS:
            return True
    return False


@labeling_function(POLICY, "official_act", parse=True, key_words=COURT_WORDS)
def lf_court_finding(s):
    """A court or judge that ruled, found or determined something in its case (guidelines
    rule 16): the court's decision, not reported speech."""
    return any(
        c["lemma"] in ("rule", "find", "determine", "decide", "conclude", "hold", "order")
        and not c["neg"] and not COURT_WORDS.isdisjoint(re.findall(r"[a-z]+", c["subj"]))
        for c in s["_parse"]["main"]
    )


_PASSIVE_ACTS = frozenset("""sentence charge indict convict acquit pardon impeach fine appoint
nominate ban order suspend approve pass sign ratify enact declare veto repeal overturn uphold
outlaw prohibit require grant deny extradite deport designate sanction award confirm
dismiss remove prosecute jail imprison instruct""".split())


@labeling_function(POLICY, "official_act", parse=True, key_lemmas=_PASSIVE_ACTS)
def lf_main_clause_passive_act(s):
    """The main clause reports an act done by an authority in the passive: "was sentenced to",
    "were charged with", "the bill was passed"."""
    return any(c["lemma"] in _PASSIVE_ACTS and c["passive"] and not c["neg"]
               for c in s["_parse"]["main"])


_SPEECH_ACTS = frozenset("declare announce issue unveil introduce sign pass approve impose lift "
                         "extend propose adopt launch enact implement file broker mediate "
                         "negotiate conclude reach hold conduct call schedule initiate".split())
_ACT_OBJECTS = ACT_NOUN_LEMMAS | frozenset("accord accords referendum vote hearing lawsuit suit "
                                           "peace election stay".split())


@labeling_function(POLICY, "official_act", parse=True, key_lemmas=_SPEECH_ACTS)
def lf_main_clause_act_object(s):
    """A speech verb whose object is the act itself: "declared a state of emergency",
    "announced restrictions on flights", "issued a decree" (no clause after the verb)."""
    return any(c["lemma"] in _SPEECH_ACTS and c["obj"] in _ACT_OBJECTS and not c["comp"]
               and not c["neg"] for c in s["_parse"]["main"])


_PROVIDING_NOUNS = frozenset("law laws ruling rulings bill bills act agreement amendment decision "
                             "order directive treaty accord accords regulation regulations rules "
                             "constitution decree ban measure policy sanctions verdict sentence "
                             "subpoena injunction ordinance statute legislation deal "
                             "resolution".split())


@labeling_function(POLICY, "official_act", parse=True, key_words=_PROVIDING_NOUNS)
def lf_act_noun_subject(s):
    """A specific law, ruling, agreement or order is the subject and says what it does:
    "The agreement seeks to remove tariffs", "The law is to take effect", "The court's
    decision cannot be appealed" (what a specific act provides)."""
    from newsroles.labeling.reporting import reports_in_main_clause

    if s["_parse"]["main"] and reports_in_main_clause(s):
        return False
    return any(not _PROVIDING_NOUNS.isdisjoint(c["subj"].split()[:6])
               and c["lemma"] not in REPORT_LEMMAS for c in s["_parse"]["main"])
