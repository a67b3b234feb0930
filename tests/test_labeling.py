"""Each labeling function on sentences that should and should not make it fire (from the
spec's examples and hard cases), and the aggregator on a hand-made label matrix."""

import numpy as np
import pytest

from newsroles import LABEL2ID
from newsroles.errors import NewsrolesError
from newsroles.labeling.aggregate import aggregate
from newsroles.labeling.analysis import lf_summary
from newsroles.labeling.functions import ABSTAIN, REGISTRY, get_functions


def rec(text, open_start=False):
    """A sentence record as the prepare stage makes it (quotation state from the text)."""
    from newsroles.sentences import quote_balance

    has_marks, open_end = quote_balance(text, open_start)
    return {"text": text, "quote_open_start": open_start, "quote_open_end": open_end,
            "has_quote_marks": has_marks}


def with_parse(records):
    from newsroles.labeling.parse import attach_parses

    attach_parses(records)
    return records


FIRES = {
    "lf_quote_continuation": [rec("The fee would be relatively low for the U.S.", open_start=True)],
    "lf_quoted_clause": [rec("“We are willing to take in only convicted criminals,” Bukele wrote.")],
    "lf_quoted_fragment_with_speech": [rec('Schiff called it "a non-starter".')],
    "lf_opens_with_quote": [rec("“He’s also offered to do the same,” Rubio explained.")],
    "lf_single_quoted_speech": [rec("He said ‘we will not back down from this fight’ on Friday.")],
    "lf_interview_answer": [{**rec("It is likely that females have higher mortality."), "interview_turn": "answer"}],
    "lf_interview_question": [{**rec("((WN)) Do you have any theories?"), "interview_turn": "question"}],
    "lf_title_in_quotes": [rec("Tony Mendez, architect of the 'Argo' rescue, died at 78.")],
    "lf_reporting_verb_clause": [rec("President Trump said on Friday he can and may declare a national state of emergency.")],
    "lf_reporting_parenthetical": [rec("A total of 39 are confirmed dead, officials told state media.")],
    "lf_according_to": [rec("Bukele agreed, according to the Associated Press.")],
    "lf_hedge": [rec("A U.S. official reportedly stated the offer was significant.")],
    "lf_commitment_to": [rec("The two recently vowed to work together to stop the flow of illegal immigration.")],
    "lf_reported_stance": [rec("Opposition leaders condemned the decision.")],
    "lf_told_audience": [rec("The minister told reporters the talks had failed.")],
    "lf_study_finding": [rec("The study found that gun ownership correlates with suicide.")],
    "lf_authority_act": [rec("The governor signed the measure into law on Wednesday.")],
    "lf_judicial_passive": [rec("Manafort was sentenced to 47 months in prison.")],
    "lf_act_as_object": [rec("The US announced restrictions on flights to Cuba.")],
    "lf_law_provides": [rec("Under the ruling, a host must remove the original post.")],
    "lf_judicial_outcome": [rec("Negron was convicted of health care fraud in 2011.")],
    "lf_office_change": [rec("Rosselló announced his resignation shortly before midnight.")],
    "lf_rule_in_force": [rec("A government order made vaccination mandatory for children.")],
    "lf_said": [rec("Officials said three people died.")],
    "lf_charges_faced": [rec("Both parents faced twelve counts of torture.")],
    "lf_penalty_provision": [rec("Together, the crimes carry a prison term of up to 42 years.")],
    "lf_named_statute": [rec("The Wildlife Protection Act, 1972 lists jackals as a protected species.")],
    "lf_motion_outcome": [rec("The move came after a second motion for snap elections failed to pass.")],
    "lf_legislature_vote": [rec("The House voted 232 to 196 to hold the two officials in contempt.")],
    "lf_death_or_birth": [rec("Actor Doris Day died on Monday aged 97.")],
    "lf_incident": [rec("An apartment building collapsed after an explosion.")],
    "lf_biography": [rec("He served as governor from 2011 to 2019.")],
    "lf_election_result": [rec("Sanders won the Nevada caucuses.")],
    "lf_statistics": [rec("The building housed 1,000 people and 48 flats were damaged.")],
    "lf_operation_on_ground": [rec("Police arrested two men on Tuesday.")],
    "lf_history_or_context": [rec("The cathedral was founded in 1163.")],
    "lf_quotation_opens": [rec('Nancy Pelosi said on Friday "We are committed to keeping our border safe.')],
    "lf_quoted_words_of_reported_source": [rec('She endorsed the selection of a "woman of color."')],
    "lf_original_language": [rec("((es))Spanish language: ...no reconoce la facultad del Senado de Puerto Rico"),
                             rec("Le bilan est lourd, plusieurs policiers ont perdu la vie.")],
    "lf_quoted_lowercase_words": [rec('It was accompanied by a "life-threatening" storm surge.')],
    "lf_mid_sentence_parenthetical": [rec("Around 50 gallons of diesel fuel, officials said, spilled and ignited.")],
    "lf_speech_noun_subject": [rec("Support for mail-in voting also came from Senator Amy Klobuchar.")],
    "lf_in_the_view_of": [rec("In his view, the centers are on the same level as their foreign counterparts.")],
    "lf_main_clause_reports": [
        rec("Secretary of State Marco Rubio revealed that El Salvador’s President Nayib Bukele has agreed to accept American criminals."),
        rec("A total of 39 are confirmed dead, officials told state media, adding that rescuers ended their work yesterday."),
        rec("President Trump said on Friday he can and may declare a national state of emergency.")],
    "lf_parenthetical_source": [rec("A total of 39 are confirmed dead, officials told state media.")],
    "lf_main_clause_stance": [rec("Opposition leaders condemned the decision."),
                              rec("He received criticism for the move.")],
    "lf_main_clause_authority_act": [rec("The governor signed the measure into law on Wednesday."),
                                     rec("Germany on Monday banned Mahan Air, with officials saying this is for security reasons.")],
    "lf_court_finding": [rec("The court determined Zhukovskyy's driving history rendered him a danger.")],
    "lf_main_clause_passive_act": [rec("Manafort was sentenced to 47 months in prison.")],
    "lf_main_clause_act_object": [rec("The US announced restrictions on flights to Cuba."),
                                  rec("Trump declared a national emergency on Friday.")],
    "lf_act_noun_subject": [rec("The agreement seeks to remove tariffs on 90 percent of commodities.")],
    "lf_main_clause_plain_fact": [rec("Trump and Bukele maintained friendly ties during Trump's first term."),
                                  rec("This lockdown started on December 22, last year.")],
    "lf_non_act": [rec("The government had not announced any plans.")],
    "lf_reporting_addon_on_fact": [rec("The team returned home on Sunday, saying the trip was a success.")],
}
SILENT = {
    "lf_quote_continuation": [rec("The fee would be relatively low.")],
    "lf_quoted_clause": [rec("Tony Mendez, architect of the 'Argo' rescue, died at 78."),
                         rec('It happened in the "Kiss & Fly" section.')],
    "lf_quoted_fragment_with_speech": [rec("Search and rescue was suspended on Tuesday.")],
    "lf_opens_with_quote": [rec("Rubio described it as “unprecedented.”")],
    "lf_single_quoted_speech": [rec("It's Bukele's plan, not America's.")],
    "lf_interview_answer": [{**rec("((WN)) Do you have any theories?"), "interview_turn": "question"}],
    "lf_interview_question": [{**rec("It is likely."), "interview_turn": "answer"}, rec("Do you agree?")],
    "lf_title_in_quotes": [rec('Schiff called it "a non-starter".')],
    "lf_reporting_verb_clause": [rec("Trump declared a national emergency on Friday."),
                                 rec("The US announced restrictions on flights to Cuba.")],
    "lf_reporting_parenthetical": [rec("Trump declared a national emergency on Friday.")],
    "lf_according_to": [rec("The House voted 232 to 196.")],
    "lf_hedge": [rec("The governor signed the measure into law on Wednesday.")],
    "lf_commitment_to": [rec("The lockdown started on December 22.")],
    "lf_reported_stance": [rec("The building was evacuated.")],
    "lf_told_audience": [rec("He told the story of his career.")],
    "lf_study_finding": [rec("The museum opened in 1885.")],
    "lf_authority_act": [rec("Trump and Bukele maintained friendly ties during Trump's first term.")],
    "lf_judicial_passive": [rec("Rescue work resumed on Wednesday.")],
    "lf_act_as_object": [rec("Pelosi announced that the House would vote.")],
    "lf_law_provides": [rec("The lockdown started on December 22.")],
    "lf_judicial_outcome": [rec("The suspect appeared in court on Monday.")],
    "lf_office_change": [rec("He served as mayor for ten years.")],
    "lf_rule_in_force": [rec("Police said the road was illegal to use.")],
    "lf_said": [rec("The US announced restrictions on flights to Cuba.")],
    "lf_charges_faced": [rec("He faced a difficult choice.")],
    "lf_penalty_provision": [rec("The ship carried 40 passengers.")],
    "lf_named_statute": [rec("The actor starred in a play.")],
    "lf_motion_outcome": [rec("The bill was introduced last year.")],
    "lf_legislature_vote": [rec("Voters in Nevada went to the polls.")],
    "lf_death_or_birth": [rec("The governor signed the measure into law.")],
    "lf_incident": [rec("The House voted 232 to 196.")],
    "lf_biography": [rec("Sixteen states sued the president.")],
    "lf_election_result": [rec("Trump declared a national emergency.")],
    "lf_statistics": [rec("A total of 39 are confirmed dead, officials told state media, in 2019.")],
    "lf_operation_on_ground": [rec("The governor signed the bill.")],
    "lf_history_or_context": [rec("Trump declared a national emergency on Friday.")],
    "lf_quotation_opens": [rec("“We are willing to take in only convicted criminals,” Bukele wrote.")],
    "lf_quoted_words_of_reported_source": [rec('It happened in the "Kiss & Fly" section.'),
                                           rec("Officials said three people died.")],
    "lf_original_language": [rec("The House voted 232 to 196 to hold the two officials in contempt.")],
    "lf_quoted_lowercase_words": [rec('He named it "Operation Peace Spring".')],
    "lf_mid_sentence_parenthetical": [rec("Trump declared a national emergency on Friday.")],
    "lf_speech_noun_subject": [rec("The storm came ashore on Tuesday.")],
    "lf_in_the_view_of": [rec("The view from the tower is famous.")],
    "lf_main_clause_reports": [
        rec("Germany on Monday banned Mahan Air, with officials saying this is for security reasons."),
        rec("The US announced restrictions on flights to Cuba."),
        rec("He was reported missing Thursday evening by the police."),
        rec("Which specific individuals would you ask to be in your cabinet?")],
    "lf_parenthetical_source": [rec("Trump declared a national emergency on Friday.")],
    "lf_main_clause_stance": [rec("Which specific individuals would you ask to be in your cabinet?"),
                              rec("Mysore district comes under the South West Railway branch.")],
    "lf_main_clause_authority_act": [rec("Last year, Furnal Equinox raised funds for a farm animal sanctuary."),
                                     rec("Trump and Bukele maintained friendly ties during Trump's first term.")],
    "lf_court_finding": [rec("The study found that gun ownership correlates with suicide.")],
    "lf_main_clause_passive_act": [rec("He was reported missing Thursday evening by the police.")],
    "lf_main_clause_act_object": [rec("Pelosi announced that the House would vote.")],
    "lf_act_noun_subject": [rec("The company seeks new investors."),
                            rec("The minister said the law takes effect on Monday.")],
    "lf_main_clause_plain_fact": [rec("Officials said three people died."),
                                  rec("The governor signed the measure into law.")],
    "lf_non_act": [rec("The government announced new plans.")],
    "lf_reporting_addon_on_fact": [rec("Germany on Monday banned Mahan Air, with officials saying this is for security reasons.")],
}
for _table in (FIRES, SILENT):  # the parse-reading functions get the parse, as in the label stage
    for _name, _records in _table.items():
        if REGISTRY[_name].uses_parse:
            with_parse(_records)


def test_every_function_is_tested_and_documented():
    assert set(FIRES) == set(REGISTRY) == set(SILENT)
    assert all(lf.doc for lf in REGISTRY.values())


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_function_fires(name):
    lf = REGISTRY[name]
    for r in FIRES[name]:
        assert lf(r) == lf.label, r["text"]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_function_abstains(name):
    lf = REGISTRY[name]
    for r in SILENT[name]:
        assert lf(r) == ABSTAIN, r["text"]


def test_unknown_function_name_is_a_clear_error():
    with pytest.raises(NewsrolesError, match="lf_nope"):
        get_functions(["lf_nope"])


Q, A, P, B = (LABEL2ID[k] for k in ("quote", "attribution", "policy_statement", "background"))


def test_majority_vote_ties_and_abstains():
    L = np.array(
        [
            [Q, -1, B, B],  # majority: background
            [Q, A, -1, -1],  # tie: quote comes first in spec order
            [-1, -1, -1, -1],  # all abstain: background
            [-1, P, P, A],  # policy
        ]
    )
    labels, probs = aggregate(L, "majority")
    assert labels.tolist() == [B, Q, B, P]
    assert np.allclose(probs.sum(axis=1), 1)
    assert (probs.argmax(axis=1) == labels).all()


def test_priority_vote_takes_first_label_in_spec_order():
    L = np.array([[Q, -1, B, B], [-1, P, A, -1], [-1, -1, -1, -1]])
    labels, _ = aggregate(L, "priority")
    assert labels.tolist() == [Q, A, B]


def test_unknown_aggregator():
    with pytest.raises(NewsrolesError):
        aggregate(np.zeros((1, 1), dtype=int), "median")


def test_summary_table():
    lfs = get_functions(["lf_according_to", "lf_hedge", "lf_death_or_birth"])
    L = np.array([[A, A, -1], [A, -1, B], [-1, -1, B], [-1, -1, -1]])
    gold = np.array([A, B, -1, -1])
    df = lf_summary(L, lfs, gold).set_index("function")
    assert df.loc["lf_according_to", "coverage"] == 0.5
    assert df.loc["lf_according_to", "overlaps"] == 0.5
    assert df.loc["lf_according_to", "conflicts"] == 0.25
    assert df.loc["lf_according_to", "accuracy"] == 0.5
    assert df.loc["lf_hedge", "conflicts"] == 0
    assert df.loc["lf_death_or_birth", "polarity"] == "background"


def _noisy_matrix(n=400, m=5, accuracy=0.85, coverage=0.6, seed=0):
    """Votes of m independent functions with known accuracy on a known truth."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    L = np.full((n, m), -1)
    for j in range(m):
        fire = rng.random(n) < coverage
        wrong = rng.random(n) >= accuracy
        L[fire, j] = np.where(wrong[fire], (y[fire] + rng.integers(1, 4, fire.sum())) % 4, y[fire])
    return L, y


def test_label_model_on_a_hand_made_matrix():
    from snorkel.labeling.model import LabelModel

    from newsroles.config import LabelModelConfig
    from newsroles.labeling.aggregate import fit_label_model, label_model_proba

    L, y = _noisy_matrix()
    params = fit_label_model(L, class_balance=[0.25] * 4, seed=1,
                             settings=LabelModelConfig(lr=0.01, l2=0.0))
    labels, probs = aggregate(L, "label_model", params)
    voted = (L >= 0).any(axis=1)
    assert (labels[voted] == y[voted]).mean() > 0.9  # recovers the truth from the votes
    assert (labels[~voted] == B).all()  # no evidence at all: background
    assert np.allclose(probs.sum(axis=1), 1)
    assert params.weights.shape == (5,) and (params.weights > 0.6).all()
    # Our posterior is Snorkel's own predict_proba.
    lm = LabelModel(cardinality=4, verbose=False)
    lm.fit(L, class_balance=[0.25] * 4, seed=1, lr=0.01, l2=0.0, prec_init=0.9, n_epochs=500,
           progress_bar=False)
    assert np.allclose(label_model_proba(L, params), lm.predict_proba(L), atol=1e-6)


def test_label_model_needs_three_functions_and_a_fit():
    from newsroles.labeling.aggregate import fit_label_model

    with pytest.raises(NewsrolesError, match="three"):
        fit_label_model(np.array([[Q, -1], [-1, A]]))
    with pytest.raises(NewsrolesError, match="fitted"):
        aggregate(np.array([[Q, A, B]]), "label_model")


def test_summary_table_reports_learned_weights():
    lfs = get_functions(["lf_according_to", "lf_hedge", "lf_death_or_birth"])
    L = np.array([[A, A, -1], [A, -1, B], [-1, -1, B], [-1, -1, -1]])
    df = lf_summary(L, lfs, np.full(4, -1), weights=np.array([0.9, 0.8, 0.7]))
    assert df["learned_weight"].tolist() == [0.9, 0.8, 0.7]
    assert not df["uses_parse"].any()


# --- the cheap gates and the lower-cased patterns never change a vote -------------------

HARD_TEXTS = [
    "İSTANBUL officials SAID the plan would pass.",
    "“We will not stop,” THE MINISTER WARNED.",
    "में पिछले २५-२६ साल से मैसूर में काम कर रहा हूँ।",  # digits of another script
    "Ακόμα και οι υπουργοί δήλωσαν ότι η κυβέρνηση θα αποσυρθεί σύντομα από την εξουσία.",
    "He Announced that the Ministry would Raise taxes by 3 percent.",
    "The KELVIN sign K and the long ſ, STRASSE and straße, said the Court.",
    "Kılıçdaroğlu saıd the Government Banned it; the ſtate Minister Ordered more.",
    "Το Κοινοβούλιο ψήφισε, said the Speaker Μητσοτάκης.",
]


@pytest.fixture(scope="module")
def corpus_records():
    from pathlib import Path

    from newsroles.schema import read_articles, with_context
    from newsroles.sentences import split_article

    raw = Path(__file__).resolve().parents[1] / "data/raw/wikinews.jsonl"
    records = []
    for i, article in enumerate(read_articles(raw)):
        if i % 3 == 0:  # a third of the bundled articles keeps this quick
            records += with_context(split_article(article.id, article.text).sentences)
    for i, text in enumerate(HARD_TEXTS):
        records += with_context(split_article(f"hard{i}", text).sentences)
    return records


def test_gates_never_change_a_vote(corpus_records):
    """A function skipped by its word or mark gate would not have fired anyway, and
    apply_lfs gives the votes of calling every function on every sentence."""
    from newsroles.labeling.aggregate import apply_lfs

    lfs = get_functions(parse=False)
    assert any(lf.marks is not None for lf in lfs)
    direct = np.array([[lf.label if lf.func(r) else ABSTAIN for lf in lfs]
                       for r in corpus_records], dtype=np.int8)
    gated = np.array([[lf.label if lf.gated_out(r) is False and lf.func(r) else ABSTAIN
                       for lf in lfs] for r in corpus_records], dtype=np.int8)
    np.testing.assert_array_equal(gated, direct)
    np.testing.assert_array_equal(apply_lfs(corpus_records, lfs), direct)


def test_lowered_patterns_match_like_ignorecase(corpus_records):
    import re

    import newsroles.labeling.functions  # noqa: F401  (fills rx's cache)

    patterns = _rx_patterns()
    assert len(patterns) >= 5
    texts = [r["text"] for r in corpus_records] + HARD_TEXTS
    for p in patterns:
        reference = re.compile(p.pattern, re.IGNORECASE)
        for t in texts:
            got, want = p.search(t), reference.search(t)
            assert (got is None) == (want is None), (p.pattern[:60], t)
            if got is not None:
                assert got.span() == want.span(), (p.pattern[:60], t)


def _rx_patterns():
    """Every CaselessPattern a labeling module holds at module level or made through rx."""
    import sys

    from newsroles.labeling.vocab import CaselessPattern

    found = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("newsroles.labeling"):
            for value in vars(module).values():
                if isinstance(value, CaselessPattern):
                    found[value.pattern] = value
    return list(found.values())


def test_parser_version_is_read_without_loading_the_parser():
    """Cache keys name the parser from its package's meta.json; it must be the name and
    version the loaded model reports, or cached parses would be reused across models."""
    from newsroles.labeling.parse import load_parser, parser_version

    nlp = load_parser()
    assert parser_version() == f"{nlp.meta['name']}-{nlp.meta['version']}"


def test_table_votes_are_computed_once_per_table_and_never_stale():
    import pandas as pd

    from newsroles.labeling import aggregate

    X = pd.DataFrame({"text": ["He said the plan would fail.", "Blue sky."],
                      "quote_open_start": [False, False]})
    first = aggregate.table_votes(X, ["lf_said"])
    first[:] = 99  # the caller's copy: the memo is not changed through it
    assert (aggregate.table_votes(X, ["lf_said"]) == [[aggregate.LABEL2ID["attribution"]], [-1]]).all()
    changed = X.assign(text=["Blue sky.", "He said the plan would fail."])
    assert (aggregate.table_votes(changed, ["lf_said"]) == [[-1], [aggregate.LABEL2ID["attribution"]]]).all()
