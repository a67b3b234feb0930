"""Shared vocabulary of the labeling functions: reporting verbs, public authorities,
official acts (as regular-expression alternations for the text, and as lemma sets for the
parse)."""

from __future__ import annotations

import functools
import re


@functools.cache
def rx(pattern: str) -> CaselessPattern:
    return CaselessPattern(pattern)


class CaselessPattern:
    """A case-insensitive pattern. Python's re.IGNORECASE is about five times slower on
    these long alternations than the same pattern, its letters lower-cased, on the
    lower-cased text, so it runs that way. The two match the same spans, except where
    IGNORECASE folds letters that lower() keeps apart (dotless ı with i, long ſ with s,
    and a few Greek and Cyrillic forms) or where lower() changes the text's length (İ):
    such texts take the IGNORECASE pattern. On the quick way a match's groups hold the
    lower-cased text.

    Several labeling functions search the same sentence for the same pattern one after
    another, so search() remembers its last text and answer (a tuple swapped in whole,
    so a reader never pairs one text with another's answer)."""

    __slots__ = ("pattern", "_caseless", "_lowered", "_last")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._caseless = re.compile(pattern, re.IGNORECASE)
        # Lower-case the letters, not escapes (\S, \B, \W keep their meaning).
        lowered = re.sub(r"\\.|[^\\]+", lambda m: m.group(0) if m.group(0)[0] == "\\"
                         else m.group(0).lower(), pattern)
        self._lowered = re.compile(lowered)
        self._last = (None, None)

    def _pick(self, text: str) -> tuple[re.Pattern, str]:
        if text.isascii() or not _FOLDED_APART.search(text):
            low = text.lower()
            if len(low) == len(text):
                return self._lowered, low
        return self._caseless, text

    def search(self, text: str):
        last_text, last_match = self._last
        if last_text is text:
            return last_match
        pattern, subject = self._pick(text)
        found = pattern.search(subject)
        self._last = (text, found)
        return found

    def match(self, text: str):
        pattern, text = self._pick(text)
        return pattern.match(text)

    def finditer(self, text: str):
        pattern, text = self._pick(text)
        return pattern.finditer(text)

    def findall(self, text: str):
        pattern, text = self._pick(text)
        return pattern.findall(text)


# Letters IGNORECASE matches with others that lower() leaves different (from CPython's
# re._casefix table).
_FOLDED_APART = re.compile("[µıſͅΐΰβεθικμπρςσφϐϑϕϖϰϱϵвдостъѣᲀᲁᲂᲃᲄᲅᲆᲇᲈṡẛιΐΰꙋﬅﬆ]")

REPORT_VERBS = (
    r"said|says|say|told|tells|stated|states|claimed|claims|confirmed|confirms|denied|denies|"
    r"warned|warns|argued|argues|insisted|insists|added|adds|noted|notes|explained|explains|"
    r"revealed|reveals|alleged|alleges|wrote|writes|tweeted|posted|reported|reports|"
    r"announced|announces|acknowledged|acknowledges|admitted|admits|estimated|estimates|"
    r"indicated|indicates|suggested|suggests|believed|believes|asserted|asserts|maintained|"
    r"maintains|predicted|predicts|concluded|concludes|described|describes|agreed|"
    r"explained|commented|remarked|testified|recalled|recalls|emphasized|emphasised|stressed"
)
QUOTED_SPAN = re.compile(r"[“\"«]([^”\"»]{1,600})[”\"»]")
SPEECH_NEAR_QUOTE = rx(
    rf"\b({REPORT_VERBS}|called|calling|describing|dubbed|termed|added|asked|replied|"
    r"responded|according to|in a statement|in a post|in a tweet|quoted)\b"
)
REPORT_CLAUSE = rx(
    rf"\b({REPORT_VERBS})\s+(on \w+\s+|in \w+\s+|yesterday\s+|today\s+|last \w+\s+)?"
    r"(that|he|she|they|it|we|i|there|this|these|those|the|a|an|his|her|their|its|"
    r"[A-Z][a-z]+)\b"
)
PARENTHETICAL = rx(
    rf",\s*(?:[\w’'.-]+\s+){{0,7}}(?:{REPORT_VERBS}|told [\w\s]+?)(?:\s+[\w’'.-]+){{0,6}}\s*\.?$"
)
AUTHORITY = (
    r"(government|governments|administration|parliament|congress|senate|house|legislature|"
    r"assembly|council|cabinet|ministry|minister|department|agency|court|courts|judge|jury|"
    r"justice|justices|tribunal|president|governor|mayor|prime minister|chancellor|king|queen|"
    r"police|prosecutors?|attorney general|commission|committee|authorities|state|states|"
    r"officials|federal|city|county|party|union|united nations|un|who|eu|nato|regulators?|"
    r"democrats|republicans|lawmakers|legislators|sheriff|army|military|navy|queen|pope|"
    r"trump|biden|johnson|pelosi|obama|putin|erdoğan|erdogan|macron|merkel|trudeau|"
    r"(?:president|governor|judge|minister|mayor|secretary|senator) [A-Z][a-z]+)"
)
ACT_VERBS = (
    r"signed|vetoed|ruled|sentenced|banned|bans|declared|declares|enacted|passed|approved|"
    r"approves|ordered|orders|issued|issues|imposed|appointed|nominated|dismissed|pardoned|"
    r"commuted|overturned|struck down|upheld|indicted|charged|legalized|legalised|ratified|"
    r"repealed|lifted|sued|subpoenaed|impeached|suspended|adopted|introduced|proposed|"
    r"unveiled|authorized|authorised|granted|rejected|blocked|extended|postponed|"
    r"implemented|launched|convicted|fined|acquitted|withdrew|sanctioned|outlawed|"
    r"mandated|allocated|awarded|recognized|recognised|voted"
)
ACT_NOUNS = (
    r"law|laws|bill|bills|act|ruling|verdict|sentence|order|orders|decree|declaration|"
    r"regulation|regulations|ban|sanctions?|treaty|agreement|deal|budget|plan|programme|"
    r"program|policy|policies|measure|measures|restrictions?|emergency|state of emergency|"
    r"curfew|lockdown|moratorium|resolution|amendment|articles of impeachment|subpoena|"
    r"injunction|indictment|charges?|pardons?|commutations?|appointment|veto|mandate|tariffs?|"
    r"clemency|resignation|parliament|articles|motion|nomination|opinion|decision|appeal|"
    r"ceasefire|embargo|constitution|referendum|investigation|inquiry|initiative|efforts|"
    r"coalition|mourning"
)

# --- lemma sets for the parse ---------------------------------------------------------------

# Verbs that report speech or thought when they take a clause or an infinitive.
REPORT_LEMMAS = frozenset("""
say tell state claim confirm deny warn argue insist add note explain reveal allege write
tweet post report announce acknowledge admit estimate indicate suggest believe assert
maintain predict conclude describe agree comment remark testify recall emphasize emphasise
stress think expect hope fear know feel reply respond answer ask question dispute contend
declare promise vow pledge threaten urge assure concede disclose inform mention observe
point reiterate repeat speculate suspect worry doubt complain caution advise recommend
propose demand acknowledge blog publish find show hint caution encourage reaffirm
clarify signal plead vow swear forecast project estimate discuss
""".split())
# Reported stances: a source's position, with or without a clause after it.
STANCE_LEMMAS = frozenset("""
criticize criticise praise condemn welcome endorse accuse blame slam applaud
denounce decry commend thank congratulate apologize apologise lament mourn hail
disagree defend credit challenge rebuke deplore express rail
""".split())
# Official acts (as the main verb of a public authority, or passive).
ACT_LEMMAS = frozenset("""
sign veto rule sentence ban declare enact pass approve order issue impose appoint nominate
dismiss pardon commute overturn uphold indict charge legalize legalise ratify repeal lift
sue subpoena impeach suspend adopt introduce unveil authorize authorise grant reject block
extend postpone implement convict fine acquit withdraw sanction outlaw mandate allocate
award recognize recognise vote confirm elect fire revoke deport extradite designate
prohibit restrict require allow permit exempt close reopen raise cut fund institute
adjourn select license licence pick decide choose establish create set promulgate decree
invest allocate reduce increase expand appropriate approve nominate recall withdraw
expel arrest_warrant
""".split())
# Acts only a public authority performs: any subject will do ("He vetoed the bill").
STRONG_ACT_LEMMAS = frozenset("""
veto pardon commute enact ratify decree sentence indict convict acquit impeach subpoena
legalize legalise outlaw repeal overturn uphold promulgate adjourn extradite deport
""".split())
ACT_NOUN_LEMMAS = frozenset("""
law bill act ruling verdict sentence order decree declaration regulation ban sanction
treaty agreement deal budget plan programme program policy measure restriction emergency
curfew lockdown moratorium resolution amendment subpoena injunction indictment charge pardon
commutation appointment veto mandate tariff clemency resignation motion nomination decision
ceasefire embargo referendum initiative rule rules guideline warning advisory directive
legislation ordinance statute executive
""".split())
AUTHORITY_WORDS = frozenset("""
government governments administration parliament congress senate house legislature assembly
council cabinet ministry minister ministers department agency court courts judge judges jury
justice justices tribunal president governor mayor chancellor king queen police prosecutor
prosecutors commission committee authorities authority state states officials official
federal city county party union nations eu nato regulator regulators democrats republicans
lawmakers legislators sheriff army military navy pope premier secretary senator senators
representatives mps parliamentarians ministry regime junta province provincial municipal
municipality prefecture kremlin pentagon fbi cia fda cdc who imf un usgs noaa nhc nasa epa
parties ministries agencies countries country nation nations republic kingdom emirates
embassy navy coast guard prosecution prosecutors electoral fec supreme tribunal
""".split())
COURT_WORDS = frozenset("court courts judge judges jury justice justices tribunal magistrate "
                        "panel".split())
