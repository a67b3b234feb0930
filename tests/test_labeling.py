"""Each labeling function on sentences that should and should not make it fire (from the
spec's examples and hard cases), and the aggregator on a hand-made label matrix."""

import numpy as np
import pytest

from newsroles import LABEL2ID
from newsroles.labeling.aggregate import aggregate
from newsroles.labeling.analysis import lf_summary
from newsroles.labeling.functions import ABSTAIN, REGISTRY, get_functions
from newsroles.errors import NewsrolesError


def rec(text, open_start=False):
    return {"text": text, "quote_open_start": open_start, "has_quote_marks": '"' in text or "“" in text}


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
}


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
