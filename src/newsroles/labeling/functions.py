"""Labeling functions: small named functions that vote one label or abstain.

Each takes a sentence record (a mapping with at least ``text``, ``quote_open_start`` and
``has_quote_marks``; see newsroles.stages.prepare) and returns a label id from
``newsroles.LABEL2ID`` or ``ABSTAIN``. They are grouped by what they look at. They are
heuristics for weak labels and for the `rules` model, never a source of gold labels.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from newsroles import LABEL2ID

ABSTAIN = -1
QUOTE, ATTRIBUTION, POLICY, BACKGROUND = (
    LABEL2ID[k] for k in ("quote", "attribution", "policy_statement", "background")
)


_WORD = re.compile(r"[a-z]+")


def sentence_words(sentence: Mapping) -> frozenset:
    """The sentence's lower-cased words (computed once per record by apply_lfs)."""
    words = sentence.get("_words")
    return words if words is not None else frozenset(_WORD.findall(sentence["text"].lower()))


@dataclass(frozen=True)
class LabelingFunction:
    name: str
    label: int  # the one label this function can vote
    group: str
    func: Callable[[Mapping], bool]
    doc: str
    # Words of which at least one must occur for the function to fire: a cheap set test
    # that skips the regular expression on most sentences (it never changes a vote).
    needs: frozenset = frozenset()

    def __call__(self, sentence: Mapping) -> int:
        if self.needs and self.needs.isdisjoint(sentence_words(sentence)):
            return ABSTAIN
        return self.label if self.func(sentence) else ABSTAIN


REGISTRY: dict[str, LabelingFunction] = {}


def labeling_function(label: int, group: str, needs: str = ""):
    """Register a predicate as a labeling function voting `label` when it holds.

    `needs`: space-separated words, one of which every match of the predicate contains.
    """

    def wrap(func: Callable[[Mapping], bool]) -> Callable[[Mapping], bool]:
        name = func.__name__
        REGISTRY[name] = LabelingFunction(
            name, label, group, func, (func.__doc__ or "").strip(), frozenset(needs.split())
        )
        return func

    return wrap


def get_functions(names: list[str] | None = None) -> list[LabelingFunction]:
    if not names or names == ["all"]:
        return list(REGISTRY.values())
    from newsroles.errors import NewsrolesError

    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise NewsrolesError(f"unknown labeling function(s): {', '.join(unknown)}")
    return [REGISTRY[n] for n in names]


@functools.cache
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


# --- shared vocabulary ------------------------------------------------------------------

_REPORT_VERBS = (
    r"said|says|say|told|tells|stated|states|claimed|claims|confirmed|confirms|denied|denies|"
    r"warned|warns|argued|argues|insisted|insists|added|adds|noted|notes|explained|explains|"
    r"revealed|reveals|alleged|alleges|wrote|writes|tweeted|posted|reported|reports|"
    r"announced|announces|acknowledged|acknowledges|admitted|admits|estimated|estimates|"
    r"indicated|indicates|suggested|suggests|believed|believes|asserted|asserts|maintained|"
    r"maintains|predicted|predicts|concluded|concludes|described|describes|agreed|"
    r"explained|commented|remarked|testified|recalled|recalls|emphasized|emphasised|stressed"
)
_QUOTED_SPAN = re.compile(r"[“\"«]([^”\"»]{1,600})[”\"»]")
_SPEECH_NEAR_QUOTE = _rx(
    rf"\b({_REPORT_VERBS}|called|calling|describing|dubbed|termed|added|asked|replied|"
    r"responded|according to|in a statement|in a post|in a tweet|quoted)\b"
)
_REPORT_CLAUSE = _rx(
    rf"\b({_REPORT_VERBS})\s+(on \w+\s+|in \w+\s+|yesterday\s+|today\s+|last \w+\s+)?"
    r"(that|he|she|they|it|we|i|there|this|these|those|the|a|an|his|her|their|its|"
    r"[A-Z][a-z]+)\b"
)
_PARENTHETICAL = _rx(
    rf",\s*(?:[\w’'.-]+\s+){{0,7}}(?:{_REPORT_VERBS}|told [\w\s]+?)(?:\s+[\w’'.-]+){{0,6}}\s*\.?$"
)
_AUTHORITY = (
    r"(government|governments|administration|parliament|congress|senate|house|legislature|"
    r"assembly|council|cabinet|ministry|minister|department|agency|court|courts|judge|jury|"
    r"justice|justices|tribunal|president|governor|mayor|prime minister|chancellor|king|queen|"
    r"police|prosecutors?|attorney general|commission|committee|authorities|state|states|"
    r"officials|federal|city|county|party|union|united nations|un|who|eu|nato|regulators?|"
    r"democrats|republicans|lawmakers|legislators|sheriff|army|military|navy|queen|pope|"
    r"trump|biden|johnson|pelosi|obama|putin|erdoğan|erdogan|macron|merkel|trudeau|"
    r"(?:president|governor|judge|minister|mayor|secretary|senator) [A-Z][a-z]+)"
)
_ACT_VERBS = (
    r"signed|vetoed|ruled|sentenced|banned|bans|declared|declares|enacted|passed|approved|"
    r"approves|ordered|orders|issued|issues|imposed|appointed|nominated|dismissed|pardoned|"
    r"commuted|overturned|struck down|upheld|indicted|charged|legalized|legalised|ratified|"
    r"repealed|lifted|sued|subpoenaed|impeached|suspended|adopted|introduced|proposed|"
    r"unveiled|authorized|authorised|granted|rejected|blocked|extended|postponed|"
    r"implemented|launched|convicted|fined|acquitted|withdrew|sanctioned|outlawed|"
    r"mandated|allocated|awarded|recognized|recognised|voted"
)
_ACT_NOUNS = (
    r"law|laws|bill|bills|act|ruling|verdict|sentence|order|orders|decree|declaration|"
    r"regulation|regulations|ban|sanctions?|treaty|agreement|deal|budget|plan|programme|"
    r"program|policy|policies|measure|measures|restrictions?|emergency|state of emergency|"
    r"curfew|lockdown|moratorium|resolution|amendment|articles of impeachment|subpoena|"
    r"injunction|indictment|charges?|pardons?|commutations?|appointment|veto|mandate|tariffs?|"
    r"clemency|resignation|parliament|articles|motion|nomination|opinion|decision|appeal|"
    r"ceasefire|embargo|constitution|referendum|investigation|inquiry|initiative|efforts|"
    r"coalition|mourning"
)


# --- quotation marks and the carried quotation state -------------------------------------


@labeling_function(QUOTE, "quotation")
def lf_quote_continuation(s):
    """Starts inside a quotation opened in an earlier sentence (multi-sentence quote)."""
    return bool(s["quote_open_start"])


@labeling_function(QUOTE, "quotation")
def lf_quoted_clause(s):
    """A double-quoted span of four or more words: a source's words, not a title."""
    return any(len(m.group(1).split()) >= 4 for m in _QUOTED_SPAN.finditer(s["text"]))


@labeling_function(QUOTE, "quotation")
def lf_quoted_fragment_with_speech(s):
    """Any double-quoted fragment next to a speech verb ("called it "a non-starter"")."""
    return bool(_QUOTED_SPAN.search(s["text"])) and bool(_SPEECH_NEAR_QUOTE.search(s["text"]))


@labeling_function(QUOTE, "quotation")
def lf_opens_with_quote(s):
    """The sentence begins with an opening quotation mark."""
    return s["text"].lstrip().startswith(("“", '"', "«"))


@labeling_function(QUOTE, "quotation")
def lf_single_quoted_speech(s):
    """A ‘single-quoted’ clause of four or more words beside a speech verb."""
    m = re.search(r"[‘']([^’']{10,400})[’'](?!\w)", s["text"])
    return bool(m) and len(m.group(1).split()) >= 4 and bool(_SPEECH_NEAR_QUOTE.search(s["text"]))


@labeling_function(QUOTE, "quotation")
def lf_interview_answer(s):
    """An interviewee's answer in a transcript: the source's own words."""
    return s.get("interview_turn") == "answer"


@labeling_function(BACKGROUND, "quotation")
def lf_interview_question(s):
    """An interviewer's question in a transcript: the writer's words."""
    return s.get("interview_turn") == "question" and not _QUOTED_SPAN.search(s["text"])


_TITLE_QUOTE = re.compile(r"[“\"‘']((?:[A-Z0-9][\w&’'-]*\s?){1,4})[”\"’'](?!\w)")


@labeling_function(BACKGROUND, "quotation")
def lf_title_in_quotes(s):
    """Only capitalised one-to-four-word names in quotes (titles, nicknames), no speech verb."""
    text = s["text"]
    spans = list(_QUOTED_SPAN.finditer(text))
    return (
        bool(_TITLE_QUOTE.search(text))
        and all(len(m.group(1).split()) <= 4 for m in spans)
        and not _SPEECH_NEAR_QUOTE.search(text)
        and not s["quote_open_start"]
    )


# --- reporting: verbs with a clause, parentheticals, citations, hedges --------------------


@labeling_function(ATTRIBUTION, "reporting",
                   needs="acknowledged acknowledges added adds admits admitted agreed alleged alleges announced announces argued argues asserted asserts believed believes claimed claims commented concluded concludes confirmed confirms denied denies described describes emphasised emphasized estimated estimates explained explains indicated indicates insisted insists maintained maintains noted notes posted predicted predicts r recalled recalls remarked reported reports revealed reveals said say says stated states stressed suggested suggests tells testified told tweeted warned warns writes wrote")
def lf_reporting_verb_clause(s):
    """A reporting verb followed by a clause ("X said (that) ...", "X confirmed the ...")."""
    text = s["text"]
    m = _REPORT_CLAUSE.search(text)
    if not m:
        return False
    # "announced the ban" states an act, not speech: leave it to the policy functions.
    if m.group(1).lower().startswith("announc") and m.group(3).lower() != "that":
        return False
    return not re.search(r",\s*(saying|claiming|citing|adding)\b", text[: m.start()])


@labeling_function(ATTRIBUTION, "reporting",
                   needs="said says told stated states tweeted wrote")
def lf_said(s):
    """The plainest reporting verbs, anywhere: said, says, told, stated."""
    return bool(_rx(r"\b(said|says|told|stated|states|tweeted|wrote)\b").search(s["text"]))


@labeling_function(ATTRIBUTION, "reporting",
                   needs="acknowledged acknowledges added adds admits admitted agreed alleged alleges announced announces argued argues asserted asserts believed believes claimed claims commented concluded concludes confirmed confirms denied denies described describes emphasised emphasized estimated estimates explained explains indicated indicates insisted insists maintained maintains noted notes posted predicted predicts r recalled recalls remarked reported reports revealed reveals said say says stated states stressed suggested suggests tells testified told tweeted warned warns writes wrote told")
def lf_reporting_parenthetical(s):
    """Ends with a reporting parenthetical: "..., officials said." """
    return bool(_PARENTHETICAL.search(s["text"].rstrip()))


@labeling_function(ATTRIBUTION, "reporting",
                   needs="according")
def lf_according_to(s):
    """Cites a source with "according to"."""
    return "according to" in s["text"].lower()


@labeling_function(ATTRIBUTION, "reporting",
                   needs="reportedly allegedly purportedly said reported reports")
def lf_hedge(s):
    """Hedges that attribute without a named source: reportedly, allegedly, is said to."""
    return bool(
        _rx(r"\b(reportedly|allegedly|purportedly|(is|are|was|were) said to|"
            r"(is|are|was|were) reported to|by reports|reports (say|suggest|indicate))\b")
        .search(s["text"])
    )


@labeling_function(ATTRIBUTION, "reporting",
                   needs="vow vowed vows pledge pledged pledges promise promised promises threatened threatens urged urges called asked")
def lf_commitment_to(s):
    """Promises and threats: "vowed/pledged/promised/threatened to ..."."""
    return bool(
        _rx(r"\b(vow|vowed|vows|pledge|pledged|pledges|promise|promised|promises|threatened|"
            r"threatens|urged|urges|called on|asked)\b[^.]{0,40}?\bto\b").search(s["text"])
    )


@labeling_function(ATTRIBUTION, "reporting",
                   needs="called calls calling demanded demands criticised criticized criticizes criticises praised praises condemned condemns welcomed welcomes endorsed endorses opposed opposes supported accused accuses blamed blames slammed expressed paid")
def lf_reported_stance(s):
    """A reported stance: called for, demanded, criticised, praised, condemned, endorsed."""
    return bool(
        _rx(r"\b(called for|calls for|calling for|demanded|demands|critici[sz]ed|criticizes|"
            r"praised|praises|condemned|condemns|welcomed|welcomes|endorsed|endorses|"
            r"opposed|opposes|supported the|accused|accuses|blamed|blames|slammed|"
            r"expressed|paid tribute|paid tributes)\b").search(s["text"])
    )


@labeling_function(ATTRIBUTION, "reporting",
                   needs="told")
def lf_told_audience(s):
    """"told reporters / the press / state media ..."."""
    return bool(
        _rx(r"\btold (reporters|the press|journalists|media|state media|the media|"
            r"[A-Z][\w]+ (News|Times|Post)|cnn|bbc|reuters|the associated press|ap|afp)\b")
        .search(s["text"])
    )


@labeling_function(ATTRIBUTION, "reporting",
                   needs="found finds showed shows suggests suggested indicated indicates concluded reported estimated")
def lf_study_finding(s):
    """A study, report or data presented as the source of a finding."""
    return bool(
        _rx(r"\b(study|report|data|survey|research|researchers|scientists|analysis|"
            r"investigators|paper)\b[^.]{0,60}\b(found|finds|showed|shows|suggests|suggested|"
            r"indicated|indicates|concluded|reported|estimated)\b").search(s["text"])
    )


# --- official acts of public authorities -------------------------------------------------


_ACT_BY_AUTHORITY = _rx(rf"\b{_AUTHORITY}\b[^.;]{{0,80}}?\b({_ACT_VERBS})\b(?!\s+that\b)")


@labeling_function(POLICY, "official_act",
                   needs="acquitted adopted allocated appointed approved approves authorised authorized awarded banned bans blocked charged commuted convicted declared declares dismissed down enacted extended fined granted impeached implemented imposed indicted introduced issued issues launched legalised legalized lifted mandated nominated ordered orders outlawed overturned pardoned passed postponed proposed r ratified recognised recognized rejected repealed ruled sanctioned sentenced signed struck subpoenaed sued suspended unveiled upheld vetoed voted withdrew")
def lf_authority_act(s):
    """A public authority as actor with an official-act verb (signed, ruled, banned ...)."""
    return bool(_ACT_BY_AUTHORITY.search(s["text"]))


@labeling_function(POLICY, "official_act",
                   needs="sentenced convicted charged indicted acquitted pardoned impeached fined appointed sworn elected nominated banned ordered suspended removed granted")
def lf_judicial_passive(s):
    """Someone was sentenced, convicted, charged, indicted, pardoned, impeached or fined."""
    return bool(
        _rx(r"\b(was|were|been|is|are|be|being)\s+(formally\s+|later\s+|also\s+)?"
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
        _rx(rf"\b(declared|declares|announced|announces|issued|issues|unveiled|unveils|"
            rf"introduced|signed|passed|approved|imposed|lifted|extended)\s+"
            rf"(a|an|the|its|his|her|their|new|two|several)?\s*([\w-]+\s+){{0,3}}"
            rf"({_ACT_NOUNS})\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act",
                   needs="convicted sentenced acquitted indicted charged pardon pardoned pardons commuted commutation commutations clemency guilty prison suspended death ruled overturned upheld")
def lf_judicial_outcome(s):
    """A court's or prosecutor's decision: convicted, sentenced to, pardoned, clemency."""
    return bool(_JUDICIAL.search(s["text"]))


_JUDICIAL = _rx(
    r"\b(convicted|sentenced|acquitted|indicted|charged with|pardon(ed|s)?|commuted|"
    r"commutations?|clemency|found guilty|(life|\d+ years?|\w+ years?|months?) in prison|"
    r"suspended sentence|death penalty|ruled (that|in favou?r|against)|overturned|upheld)\b"
)


@labeling_function(POLICY, "official_act",
                   needs="resignation appointed named sworn installed removed dismissed dissolved")
def lf_office_change(s):
    """Appointments, resignations and swearing-in as official acts."""
    return bool(
        _rx(r"\b(announced|tendered|submitted|accepted|rejected|declined) (his|her|their|the)? ?"
            r"(\w+ )?resignation\b|\b(was|were|been|be) (appointed|named|sworn in|installed|"
            r"removed from office|dismissed)\b|\bsworn in as\b|\bappointed (him|her|\w+ \w+) "
            r"(as )?\w+|\bdissolved (the )?(\w+ ){0,3}parliament\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act", needs="counts count charges charge")
def lf_charges_faced(s):
    """The charges or counts a defendant faces: the prosecution's formal act."""
    return bool(
        _rx(r"\b(face[sd]?|facing)\b[^.]{0,30}\b(counts?|charges?)\b|\bcounts? of\b|"
            r"\bcharges (included|involved|include|were)\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act",
                   needs="carry carries carried parole bail penalty fine")
def lf_penalty_provision(s):
    """What an offence or a sentence carries: prison terms, parole, bail, penalties."""
    return bool(
        _rx(r"\b(carry|carries|carried)\b[^.]{0,20}\b(prison|sentence|penalty|fine|term)|"
            r"\beligible for parole\b|\b(granted|denied|not granted) bail\b|"
            r"\b(maximum|minimum) (penalty|sentence|fine)\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act", needs="act provisions provision")
def lf_named_statute(s):
    """A named statute or its provisions ("the National Emergencies Act", "Act, 1972")."""
    text = s["text"]
    return bool(
        re.search(r"\b[Pp]rovisions? of\b|\b(?:[A-Z][a-z]+ ){1,5}Act\b", text)
    ) and not _SPEECH_NEAR_QUOTE.search(text)


@labeling_function(POLICY, "official_act", needs="motion bill vote bid measure resolution")
def lf_motion_outcome(s):
    """A motion, bill or vote in a legislature that passed or failed."""
    return bool(
        _rx(r"\b(motion|bill|vote|bid|measure|resolution)\b[^.]{0,60}\b(failed|passed|"
            r"fails|passes|was defeated|was rejected)\b").search(s["text"])
    )


@labeling_function(POLICY, "official_act",
                   needs="mandatory compulsory prohibited illegal outlawed banned forbidden required made law laws constitution rule rules")
def lf_rule_in_force(s):
    """What a rule makes required, banned or allowed ("mandatory", "prohibited", "illegal")."""
    text = s["text"]
    return bool(
        _rx(r"\b(mandatory|compulsory|prohibited|illegal|outlawed|banned|forbidden|"
            r"required by law|made \w+ (mandatory|illegal|free)|(law|laws|constitution|rules?) "
            r"(forbids?|prohibits?|requires?|allows?|bans?|limits?))\b").search(text)
    ) and not _SPEECH_NEAR_QUOTE.search(text)


@labeling_function(POLICY, "official_act",
                   needs="require requires ban bans prohibit prohibits allow allows provide provides limit limits permit permits make makes mandate mandates would will must")
def lf_law_provides(s):
    """What a specific law, ruling or order provides ("the law bans ...", "under the ruling")."""
    return bool(
        _rx(rf"\b(under the|the) ({_ACT_NOUNS})\b[^.]{{0,40}}\b(requires?|bans?|prohibits?|"
            r"allows?|provides?|limits?|permits?|makes?|mandates?|would|will|must)\b")
        .search(s["text"])
    )


@labeling_function(POLICY, "official_act",
                   needs="voted votes vote")
def lf_legislature_vote(s):
    """A legislature or court votes on a measure ("The House voted 232 to 196 to ...")."""
    return bool(
        _rx(r"\b(house|senate|parliament|congress|assembly|legislature|lawmakers|council|"
            r"cabinet|committee|representatives|mps|court|justices)\b[^.]{0,60}"
            r"\b(voted|votes|vote)\b[^.]{0,40}\b(to|for|against|in favou?r)\b").search(s["text"])
    )


# --- background: events, biography, statistics, results ----------------------------------


@labeling_function(BACKGROUND, "background",
                   needs="died dies dead death deaths born killed kills aged funeral survived")
def lf_death_or_birth(s):
    """Deaths, births and ages: obituary and casualty facts."""
    return bool(
        _rx(r"\b(died|dies|dead|death|deaths|was born|born in|killed|kills|aged \d+|"
            r"funeral|survived by)\b").search(s["text"])
    )


@labeling_function(BACKGROUND, "background",
                   needs="attack b blaze bomb collapsed crash crashed crashes earthquake erupted exploded explosion fire fires flood flooding hurricane injured landfall quake rescued rescuers shooting shot stabbed storm typhoon wind winds")
def lf_incident(s):
    """Physical events: crashes, fires, storms, explosions, collapses, quakes."""
    return bool(
        _rx(r"\b(crash|crashed|crashes|fire|fires|blaze|storm|hurricane|typhoon|earthquake|"
            r"quake|exploded|explosion|collapsed|flood|flooding|landfall|wind|winds|injured|"
            r"rescued|rescuers|erupted|shooting|shot|stabbed|bomb|attack)\b").search(s["text"])
    )


@labeling_function(BACKGROUND, "background",
                   needs="served serving elected graduated career member born studied worked began became previously former formerly grew married")
def lf_biography(s):
    """Career and biography ("served as", "was first elected", "graduated", "career")."""
    return bool(
        _rx(r"\b(served as|serving as|was first elected|graduated|career|was a member|"
            r"born|studied|worked as|began (his|her)|became|previously|former|formerly|"
            r"grew up|married)\b").search(s["text"])
    )


@labeling_function(BACKGROUND, "background",
                   needs="won wins winning secured defeated delegates percent vote seats primary primaries caucus caucuses nominee candidate campaign")
def lf_election_result(s):
    """Election results, delegates and vote shares (results are background)."""
    return bool(
        _rx(r"\b(won|wins|winning|secured|defeated|delegates|percent of the vote|% of the vote|"
            r"seats|primary|primaries|caucus|caucuses|nominee|candidate|campaign)\b")
        .search(s["text"])
    )


@labeling_function(BACKGROUND, "background")
def lf_statistics(s):
    """Figures: two or more numbers and no reporting cue."""
    text = s["text"]
    return len(re.findall(r"\d[\d,.]*", text)) >= 2 and not _SPEECH_NEAR_QUOTE.search(text)


@labeling_function(BACKGROUND, "background",
                   needs="arrested raided searched detained evacuated rescue search protest protests protesters marched rally gathered attended")
def lf_operation_on_ground(s):
    """Operations, not decisions: arrests, raids, searches, evacuations, rescues."""
    return bool(
        _rx(r"\b(arrested|raided|searched|detained|evacuated|rescue|search|protest|protests|"
            r"protesters|marched|rally|gathered|attended)\b").search(s["text"])
    )


@labeling_function(BACKGROUND, "background",
                   needs="since history historic known located capital population founded")
def lf_history_or_context(s):
    """History and explanation: since, history, known as, located, founded, population."""
    return bool(
        _rx(r"\b(since|history|historic|known as|located|capital|population|founded)\b")
        .search(s["text"])
    )
