"""Background signals: events and incidents, biography, statistics, results, history,
operations on the ground; and main clauses that state a plain fact."""

from __future__ import annotations

import re

from newsroles.labeling.base import (
    BACKGROUND,
    DIGITS,
    labeling_function,
)
from newsroles.labeling.reporting import REPORTING_KEY_LEMMAS, REPORTING_KEY_WORDS
from newsroles.labeling.vocab import (
    ACT_LEMMAS,
    REPORT_LEMMAS,
    SPEECH_NEAR_QUOTE,
    STANCE_LEMMAS,
    rx,
)

# --- background: events, biography, statistics, results ----------------------------------


@labeling_function(BACKGROUND, "background",
                   needs="died dies dead death deaths born killed kills aged funeral survived")
def lf_death_or_birth(s):
    """Deaths, births and ages: obituary and casualty facts."""
    return bool(
        rx(r"\b(died|dies|dead|death|deaths|was born|born in|killed|kills|aged \d+|"
            r"funeral|survived by)\b").search(s["text"])
    )


@labeling_function(BACKGROUND, "background",
                   needs="attack b blaze bomb collapsed crash crashed crashes earthquake erupted exploded explosion fire fires flood flooding hurricane injured landfall quake rescued rescuers shooting shot stabbed storm typhoon wind winds")
def lf_incident(s):
    """Physical events: crashes, fires, storms, explosions, collapses, quakes."""
    return bool(
        rx(r"\b(crash|crashed|crashes|fire|fires|blaze|storm|hurricane|typhoon|earthquake|"
            r"quake|exploded|explosion|collapsed|flood|flooding|landfall|wind|winds|injured|"
            r"rescued|rescuers|erupted|shooting|shot|stabbed|bomb|attack)\b").search(s["text"])
    )


@labeling_function(BACKGROUND, "background",
                   needs="served serving elected graduated career member born studied worked began became previously former formerly grew married")
def lf_biography(s):
    """Career and biography ("served as", "was first elected", "graduated", "career")."""
    return bool(
        rx(r"\b(served as|serving as|was first elected|graduated|career|was a member|"
            r"born|studied|worked as|began (his|her)|became|previously|former|formerly|"
            r"grew up|married)\b").search(s["text"])
    )


@labeling_function(BACKGROUND, "background",
                   needs="won wins winning secured defeated delegates percent vote seats primary primaries caucus caucuses nominee candidate campaign")
def lf_election_result(s):
    """Election results, delegates and vote shares (results are background)."""
    return bool(
        rx(r"\b(won|wins|winning|secured|defeated|delegates|percent of the vote|% of the vote|"
            r"seats|primary|primaries|caucus|caucuses|nominee|candidate|campaign)\b")
        .search(s["text"])
    )


@labeling_function(BACKGROUND, "background", marks=DIGITS)
def lf_statistics(s):
    """Figures: two or more numbers and no reporting cue."""
    text = s["text"]
    return len(re.findall(r"\d[\d,.]*", text)) >= 2 and not SPEECH_NEAR_QUOTE.search(text)


@labeling_function(BACKGROUND, "background",
                   needs="arrested raided searched detained evacuated rescue search protest protests protesters marched rally gathered attended")
def lf_operation_on_ground(s):
    """Operations, not decisions: arrests, raids, searches, evacuations, rescues."""
    return bool(
        rx(r"\b(arrested|raided|searched|detained|evacuated|rescue|search|protest|protests|"
            r"protesters|marched|rally|gathered|attended)\b").search(s["text"])
    )


@labeling_function(BACKGROUND, "background",
                   needs="since history historic known located capital population founded")
def lf_history_or_context(s):
    """History and explanation: since, history, known as, located, founded, population."""
    return bool(
        rx(r"\b(since|history|historic|known as|located|capital|population|founded)\b")
        .search(s["text"])
    )


# --- the main clause, from the parse ---------------------------------------------------------


def _plain_without_parse(s) -> bool:
    """No word of any parse-reading function: nothing reported or enacted can be in the
    main clause, so it is a plain fact unless quoted."""
    return not (s["has_quote_marks"] or s["quote_open_start"])


@labeling_function(BACKGROUND, "background", parse=True, unparsed=_plain_without_parse,
                   key_lemmas=REPORTING_KEY_LEMMAS | ACT_LEMMAS, key_words=REPORTING_KEY_WORDS)
def lf_main_clause_plain_fact(s):
    """Nothing reported, nothing quoted, no act: no main or subordinate clause is a reporting
    verb or stance, none is an official act, and there are no quotation marks."""
    from newsroles.labeling.reporting import reports_in_main_clause

    p = s["_parse"]
    if s["has_quote_marks"] or s["quote_open_start"] or p["sub_reports"] or not p["main"]:
        return False
    return not reports_in_main_clause(s) and all(c["lemma"] not in ACT_LEMMAS for c in p["main"])


@labeling_function(BACKGROUND, "background", parse=True, key_lemmas=ACT_LEMMAS | REPORT_LEMMAS)
def lf_non_act(s):
    """A non-act in the main clause: "had not announced any plans", "did not say whether"
    (guidelines hard case 3)."""
    return any(c["neg"] and (c["lemma"] in ACT_LEMMAS or c["lemma"] in REPORT_LEMMAS)
               for c in s["_parse"]["main"]) and not s["has_quote_marks"]


_ADDONS = frozenset("say claim cite add argue insist note explain warn".split())


@labeling_function(BACKGROUND, "background", parse=True, key_lemmas=_ADDONS)
def lf_reporting_addon_on_fact(s):
    """A fact with a reporting add-on hung on it ("..., saying ...", "with officials saying
    ..."): the main clause decides, and it is not speech or an act."""
    return any(c["addon"] in _ADDONS and c["lemma"] not in REPORT_LEMMAS
               and c["lemma"] not in STANCE_LEMMAS and c["lemma"] not in ACT_LEMMAS
               for c in s["_parse"]["main"]) and not s["has_quote_marks"]
