"""Reporting: verbs with a clause or an infinitive, parentheticals ("..., officials
said."), citations ("according to"), hedges ("reportedly"), reported stances."""

from __future__ import annotations

import re

from newsroles.labeling.base import (
    ATTRIBUTION,
    labeling_function,
)
from newsroles.labeling.vocab import (
    ACT_NOUN_LEMMAS,
    COURT_WORDS,
    PARENTHETICAL,
    REPORT_LEMMAS,
    REPORT_VERBS,
    STANCE_LEMMAS,
    rx,
)

# --- reporting: verbs with a clause, parentheticals, citations, hedges --------------------


# The text-only reporting functions below also serve as features of the linear model,
# where no parse is at hand. When the label stage gives them the parse, they also check
# that the reporting verb heads the main clause: "the main clause decides" (the spec).
_PASSIVE_REPORTS = frozenset("say report believe think allege rumor rumour consider regard "
                             "understand claim find know announce cite name project confirm "
                             "identify attribute ascribe describe estimate expect".split())


_COURT_VERBS = frozenset("rule find determine decide conclude hold order".split())


# Reporting verbs that cite content with a noun phrase too ("the WHO reported 1,051,635
# cases", "Roscosmos announced the death of ...", "warned of flash floods").
_OBJECT_REPORTS = frozenset("report warn estimate acknowledge confirm describe suggest cite "
                            "attribute liken reveal predict claim deny indicate forecast note "
                            "mention outline identify find show ascribe name vow pledge promise "
                            "state question dispute reiterate".split())
_ANNOUNCED_FACTS = frozenset("death passing discovery detection diagnosis".split())
# Verbs that report with a to-infinitive ("vowed to ...", "urged Y to ..."); the others
# need a clause ("agreed that ...", not "agreed to help").
_INFINITIVE_REPORTS = frozenset("promise vow pledge threaten urge ask call demand warn "
                                "encourage advise swear expect claim appear seem suggest "
                                "propose recommend".split())
# "found" and "showed" cite a source when a study or its like found it.
_FINDERS = frozenset("study studies report reports research researchers scientists survey poll "
                     "polls analysis data investigation investigators paper review team "
                     "findings footage video photos results they we".split())
_STANCE_OBJECTS = frozenset("condolence condolences concern support regret sympathy opposition "
                            "preference dissatisfaction willingness hope doubt gratitude tribute "
                            "outrage anger disappointment frustration skepticism scepticism "
                            "satisfaction confidence fear alarm solidarity defense defence "
                            "apology thanks view views opinion opinions response stance belief "
                          "beliefs sentiment position".split())
_NOT_SAYING = frozenset("refuse decline fail want try".split())


def _clause_reports(c) -> bool:
    lemma, comp = c["lemma"], c["comp"]
    if lemma in ("find", "show") and _FINDERS.isdisjoint(c["subj"].split()):
        return False  # "a search found a weapon", "that showed an increase"
    if lemma == "report" and (comp == "miss" or c["obj"] == "missing"):
        return False  # "reported missing" names an event (guidelines rule 18)
    if comp and c["comp_dep"] == "xcomp" and lemma not in _INFINITIVE_REPORTS and not (
            c["passive"] and lemma in _PASSIVE_REPORTS):  # "was reported to have killed"
        comp = ""
    if lemma in REPORT_LEMMAS and (comp or lemma in ("say", "tell")):
        return not c["passive"] or lemma in _PASSIVE_REPORTS
    if c["passive"] and lemma in _PASSIVE_REPORTS and (c["obj"] or "by" in c["preps"]
                                                        or "agent" in c["preps"]):
        return True  # "are considered sacred by Hindus", "was announced by the university"
    if lemma in _OBJECT_REPORTS and (c["obj"] or "of" in c["preps"]) and not c["passive"]:
        return c["obj"] not in ACT_NOUN_LEMMAS  # "announced restrictions" is the act
    if lemma == "announce" and c["obj"] in _ANNOUNCED_FACTS:
        return True  # "announced the death of ..." reports a fact with its source
    if lemma in STANCE_LEMMAS:
        return True
    if c["obj"] in _STANCE_OBJECTS and lemma in ("express", "voice", "offer", "extend", "pay",
                                                  "send", "convey", "come", "lend", "share",
                                                  "hold", "take", "espouse", "adopt",
                                                  "maintain"):
        return True
    if lemma == "have" and c["obj"] in ("response", "view", "opinion", "reaction", "theory"):
        return True  # "had the same response"
    # A reporting parenthetical parsed as the complement: "..., Florida Highway Patrol
    # described, ..."
    return comp in ("say", "tell", "describe", "report", "add", "note", "claim", "confirm",
                    "write") and lemma not in _NOT_SAYING and c["comp_i"] > c["i"]


def reports_in_main_clause(s) -> bool:
    """True without a parse; with one: a main clause reports speech, thought or a stance."""
    p = s.get("_parse")
    if p is None:
        return True
    question = s["text"].rstrip().endswith("?")
    for c in p["main"]:
        if c["neg"] or (question and c["subj"] == "you"):
            continue
        if c["lemma"] in _COURT_VERBS and not COURT_WORDS.isdisjoint(c["subj"].split()):
            continue  # a court's finding is its decision (guidelines rule 16)
        if _clause_reports(c):
            return True
    return False


# What reports_in_main_clause can find in the parse: a sentence holding none of these lemmas
# (in any inflection) or words has no reporting main clause (labeling.gate).
REPORTING_KEY_LEMMAS = (REPORT_LEMMAS | STANCE_LEMMAS | _PASSIVE_REPORTS | _OBJECT_REPORTS
                        | _INFINITIVE_REPORTS)
REPORTING_KEY_WORDS = _STANCE_OBJECTS | frozenset("response view opinion reaction theory".split())


# Verbs in lower case only: "States" (a noun) and "Said" (a name) are not reports.
_SAID = re.compile(r"\b(said|says|told|stated|tweeted|wrote)\b")
_REPORT_CLAUSE_LOWER = re.compile(
    r"\b(" + REPORT_VERBS.replace("|states|", "|").replace("|reports|", "|") + r")\s+"
    r"(on \w+\s+|in \w+\s+|yesterday\s+|today\s+|last \w+\s+)?"
    r"(that|he|she|they|it|we|i|there|this|these|those|the|a|an|his|her|their|its|[A-Z][a-z]+)\b"
)


@labeling_function(ATTRIBUTION, "reporting",
                   needs="acknowledged acknowledges added adds admits admitted agreed alleged alleges announced announces argued argues asserted asserts believed believes claimed claims commented concluded concludes confirmed confirms denied denies described describes emphasised emphasized estimated estimates explained explains indicated indicates insisted insists maintained maintains noted notes posted predicted predicts r recalled recalls remarked reported revealed reveals said say says stated stressed suggested suggests tells testified told tweeted warned warns writes wrote",
                   parse_optional=True)
def lf_reporting_verb_clause(s):
    """A reporting verb followed by a clause ("X said (that) ...", "X confirmed the ...")."""
    text = s["text"]
    m = _REPORT_CLAUSE_LOWER.search(text)
    if not m:
        return False
    # "announced the ban" states an act, not speech: leave it to the policy functions.
    if m.group(1).startswith("announc") and m.group(3).lower() != "that":
        return False
    if re.search(r",\s*(saying|claiming|citing|adding)\b", text[: m.start()]):
        return False
    return reports_in_main_clause(s)


@labeling_function(ATTRIBUTION, "reporting", needs="said says told stated tweeted wrote",
                   parse_optional=True)
def lf_said(s):
    """The plainest reporting verbs, in the main clause: said, says, told, stated."""
    return bool(_SAID.search(s["text"])) and reports_in_main_clause(s)


@labeling_function(ATTRIBUTION, "reporting",
                   needs="acknowledged acknowledges added adds admits admitted agreed alleged alleges announced announces argued argues asserted asserts believed believes claimed claims commented concluded concludes confirmed confirms denied denies described describes emphasised emphasized estimated estimates explained explains indicated indicates insisted insists maintained maintains noted notes posted predicted predicts r recalled recalls remarked reported reports revealed reveals said say says stated states stressed suggested suggests tells testified told tweeted warned warns writes wrote told",
                   parse_optional=True)
def lf_reporting_parenthetical(s):
    """Ends with a reporting parenthetical: "..., officials said." """
    return bool(PARENTHETICAL.search(s["text"].rstrip())) and reports_in_main_clause(s)


_MID_PARENTHETICAL = re.compile(
    r",\s*(?:[\w’'.-]+\s+){0,6}(?:said|says|stated|told|added|suggested|noted|explained|"
    r"reported|claimed|confirmed|insisted|argued|warned)(?:\s+[\w’'.-]+){0,7},\s"
)


@labeling_function(ATTRIBUTION, "reporting",
                   needs="said says stated told added suggested noted explained reported claimed confirmed insisted argued warned")
def lf_mid_sentence_parenthetical(s):
    """A reporting parenthetical between commas inside the sentence: "around 50 gallons of
    diesel fuel, officials said, spilled and ignited"."""
    return bool(_MID_PARENTHETICAL.search(s["text"]))


_SPEECH_NOUNS = frozenset("statement statements complaint complaints rumor rumors rumour rumours "
                          "allegation allegations claim claims criticism support sentiment "
                          "expressions condolences praise calls warnings discussion speculation "
                          "attributions reports messages tributes reaction reactions".split())
_SPEECH_NOUN_VERBS = frozenset("come circulate surface emerge make share grow mount pour be "
                               "follow spread".split())


@labeling_function(ATTRIBUTION, "reporting", parse=True, key_words=_SPEECH_NOUNS)
def lf_speech_noun_subject(s):
    """Speech named by a noun is the subject: "Rumors circulated he was ...", "Support for
    mail-in voting came from Senator Klobuchar", "Similar sentiment was shared by ..."."""
    return any(c["lemma"] in _SPEECH_NOUN_VERBS and not c["neg"]
               and not _SPEECH_NOUNS.isdisjoint(c["subj"].split()[:4])
               for c in main_clauses(s))


@labeling_function(ATTRIBUTION, "reporting", needs="view opinion words estimation assessment")
def lf_in_the_view_of(s):
    """A source's view as the frame of the sentence: "In his view, ...", "in her opinion"."""
    return bool(rx(r"\bin (his|her|their|its|the \w+'s|\w+'s) (view|opinion|words|estimation|"
                   r"assessment)\b").search(s["text"]))


@labeling_function(ATTRIBUTION, "reporting",
                   needs="according")
def lf_according_to(s):
    """Cites a source with "according to"."""
    return "according to" in s["text"].lower()


@labeling_function(ATTRIBUTION, "reporting",
                   needs="reportedly allegedly purportedly ostensibly alleged said reported reports believed thought rumored rumoured regarded considered seen credited")
def lf_hedge(s):
    """Hedges that attribute without a named source, anywhere in the sentence (guidelines
    rule 18): reportedly, allegedly, is said to, is believed to, widely regarded as."""
    return bool(
        rx(r"\b(reportedly|allegedly|purportedly|ostensibly|alleged|"
           r"(is|are|was|were|been) (said|reported|believed|thought|rumou?red) to|"
           r"by (some |many |other |varying |conflicting |local |media |press )?reports|"
           r"reports (say|suggest|indicate)|"
           r"(widely|generally) (regarded|considered|seen) as|(is|was|are|were) considered "
           r"(to be |one of |the )|is credited with|was credited with)\b")
        .search(s["text"])
    )


@labeling_function(ATTRIBUTION, "reporting",
                   needs="vow vowed vows pledge pledged pledges promise promised promises threatened threatens urged urges called asked")
def lf_commitment_to(s):
    """Promises and threats: "vowed/pledged/promised/threatened to ..."."""
    return bool(
        rx(r"\b(vow|vowed|vows|pledge|pledged|pledges|promise|promised|promises|threatened|"
            r"threatens|urged|urges|called on|asked)\b[^.]{0,40}?\bto\b").search(s["text"])
    )


@labeling_function(ATTRIBUTION, "reporting",
                   needs="called calls calling demanded demands criticised criticized criticizes criticises praised praises condemned condemns welcomed welcomes endorsed endorses opposed opposes supported accused accuses blamed blames slammed expressed paid",
                   parse_optional=True)
def lf_reported_stance(s):
    """A reported stance: called for, demanded, criticised, praised, condemned, endorsed;
    "received criticism", "came under fire" (guidelines rule 20)."""
    return bool(
        rx(r"\b(called for|calls for|calling for|demanded|demands|critici[sz]ed|criticizes|"
           r"praised|praises|condemned|condemns|welcomed|welcomes|endorsed|endorses|"
           r"(?<!as )opposed|opposes|supported the|accused|accuses|blamed|blames|slammed|"
           r"expressed|paid tribute|paid tributes|(received|drew|faced|attracted) "
           r"(\w+ )?(criticism|condemnation|praise|backlash)|came under (fire|criticism))\b")
        .search(s["text"])
    ) and reports_in_main_clause(s) is not False


@labeling_function(ATTRIBUTION, "reporting",
                   needs="told")
def lf_told_audience(s):
    """"told reporters / the press / state media ..."."""
    return bool(
        rx(r"\btold (reporters|the press|journalists|media|state media|the media|"
            r"[A-Z][\w]+ (News|Times|Post)|cnn|bbc|reuters|the associated press|ap|afp)\b")
        .search(s["text"])
    )


@labeling_function(ATTRIBUTION, "reporting",
                   needs="found finds showed shows suggests suggested indicated indicates concluded reported estimated",
                   parse_optional=True)
def lf_study_finding(s):
    """A study, report or data presented as the source of a finding."""
    return bool(
        rx(r"\b(study|report|data|survey|research|researchers|scientists|analysis|"
            r"investigators|paper)\b[^.]{0,60}\b(found|finds|showed|shows|suggests|suggested|"
            r"indicated|indicates|concluded|reported|estimated)\b").search(s["text"])
    )




# --- the main clause, from the parse ---------------------------------------------------------


def main_clauses(s) -> list[dict]:
    return s["_parse"]["main"]


@labeling_function(ATTRIBUTION, "reporting", parse=True, key_lemmas=REPORTING_KEY_LEMMAS,
                   key_words=REPORTING_KEY_WORDS)
def lf_main_clause_reports(s):
    """The main clause (or one coordinated with it) reports speech, thought or a finding:
    a reporting verb with a clause or an infinitive ("X said (that) ...", "X vowed to
    ..."), with a cited noun phrase ("the WHO reported 1,051,635 cases"), in the passive
    ("is considered ... by"), or as a parenthetical ("..., officials told state media.")."""
    return reports_in_main_clause(s)


@labeling_function(ATTRIBUTION, "reporting", parse=True, key_lemmas=REPORT_LEMMAS)
def lf_parenthetical_source(s):
    """A reporting parenthetical around the content: "The plan, he said, will fail." or
    "..., officials said." (the reporting verb comes after its clause)."""
    for c in main_clauses(s):
        if c["lemma"] in REPORT_LEMMAS and 0 <= c["comp_i"] < c["i"]:
            return True
        if c["comp"] in REPORT_LEMMAS and c["comp_i"] > c["i"] and c["comp"] in ("say", "tell"):
            return True
    return False


_CRITICISM = frozenset("criticism praise condemnation backlash call calls rebuke scrutiny "
                       "applause acclaim outrage".split())


@labeling_function(ATTRIBUTION, "reporting", parse=True,
                   key_lemmas=STANCE_LEMMAS | {"call", "ask", "push", "press", "lobby"},
                   key_words=_CRITICISM)
def lf_main_clause_stance(s):
    """The main clause reports a stance: "X criticised / praised / condemned ...", "X called
    for ...", or passively "received criticism", "drew condemnation" (guidelines rule 20)."""
    question = s["text"].rstrip().endswith("?")
    for c in main_clauses(s):
        if c["neg"] or (question and c["subj"] == "you"):
            continue
        if c["lemma"] in STANCE_LEMMAS:
            return True
        if c["lemma"] in ("call", "ask", "push", "press", "lobby") and (
                "for" in c["preps"] or "on" in c["preps"] or c["comp"]):
            return True
        if c["lemma"] in ("receive", "draw", "face", "attract", "earn") and c["obj"] in _CRITICISM:
            return True
    return False
