"""Interviews fitted to a job description and a résumé (issue 12): questions ranked by the job's
requirements (BM25 over prompt and rubric) within each round's types, the opening naming the role
and team, the report naming which requirements each question exercised and which none did, a job
the bank does not cover said so plainly, and the candidate's own projects asked about in the
behavioral rounds. Planning is pure; the files are read at the edge (bank/documents.py)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from mockinterviewer.bank.job import parse_job
from mockinterviewer.bank.resume import parse_resume, resume_questions
from mockinterviewer.bank.select import exercises, job_focus, rank_for_job
from mockinterviewer.errors import InputError
from mockinterviewer.interview.plan import plan_session
from tests.conftest import PROJECT_ROOT

JOBS = PROJECT_ROOT / "tests" / "data" / "jobs"
STREAMING = JOBS / "streaming-backend.md"
IOS = JOBS / "ios-engineer.txt"
RESUME = JOBS / "resume-ada.md"
NETWORKING = re.compile(r"network|http|grpc|tcp|kafka|stream|connection", re.IGNORECASE)
DEEP_DIVE = "onsite-technical-deep-dive"


def _focus(bank, path: Path):  # type: ignore[no-untyped-def]
    job = parse_job(path.read_text())
    return job_focus(list(bank.questions.values()), [r.text for r in job.requirements])


def test_the_job_description_gives_role_team_company_and_requirements() -> None:
    job = parse_job(STREAMING.read_text())
    assert (job.role, job.team, job.company) == ("Senior Backend Engineer", "Edge Streaming", "Streamly")
    lines = [r.line for r in job.requirements]
    assert lines == [14, 15, 16, 17, 18, 22, 23, 24, 25]  # the duties and skills; not the benefits
    assert job.requirements[0].text.startswith("Design and operate gRPC services over HTTP/2")
    ios = parse_job(IOS.read_text())
    assert (ios.role, ios.team, ios.company) == ("iOS Engineer", "Mobile Wallet", "Pocketbook")
    assert not any("lunch" in r.text.lower() for r in ios.requirements)


def test_a_job_in_prose_has_its_sentences_as_requirements() -> None:
    text = ("Platform Engineer at Tinyco\n\nResponsibilities:\nYou will run our Kubernetes clusters. You will "
            "automate deployments with Terraform and keep the on-call load low.\n\nBenefits:\nA bike.\n")
    job = parse_job(text)
    assert job.role == "Platform Engineer" and job.company == "Tinyco"
    assert [r.text for r in job.requirements] == ["You will run our Kubernetes clusters.",
                                                  "You will automate deployments with Terraform and keep the "
                                                  "on-call load low."]
    with pytest.raises(InputError, match="does not look like a job description"):
        parse_job("hello\nworld\n")
    with pytest.raises(InputError, match="No requirements found in the job description for Data Engineer"):
        parse_job("# Data Engineer\n\nWe are a friendly company.\n")


def test_a_networking_job_gets_networking_and_streaming_questions_in_the_technical_round(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    focus = _focus(bank, STREAMING)
    for seed in range(5):
        plan = plan_session(loop, list(bank.questions.values()), round_id=DEEP_DIVE, seed=seed, focus=focus)
        prompts = [bank.question(q.question_id).prompt for q in plan.rounds[0].questions]
        assert len(prompts) == 2 and all(NETWORKING.search(p) for p in prompts), prompts
    # without the job the same round often asks about other things: the job is what made the difference
    unfitted = [[bank.question(q.question_id).prompt for q in plan_session(
        loop, list(bank.questions.values()), round_id=DEEP_DIVE, seed=seed).rounds[0].questions]
        for seed in range(10)]
    assert any(not NETWORKING.search(p) for prompts in unfitted for p in prompts)


def test_ranking_stays_within_the_rounds_question_types(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    focus = _focus(bank, STREAMING)
    for round_ in loop.rounds:
        ranked = rank_for_job(bank.questions.values(), round_, focus, loop.level)
        assert all(round_.id in q.round_types and q.kind in round_.kinds for q in ranked)
    design = rank_for_job(bank.questions.values(), loop.round("onsite-coding"), focus, loop.level)
    assert all(q.coding is not None for q in design)


def test_the_ranking_is_deterministic(bank) -> None:  # type: ignore[no-untyped-def]
    questions = list(bank.questions.values())
    job = parse_job(STREAMING.read_text())
    first = job_focus(questions, [r.text for r in job.requirements])
    shuffled = questions[:]
    random.Random(4).shuffle(shuffled)
    second = job_focus(shuffled, [r.text for r in job.requirements])
    assert first == second
    round_ = bank.loop("netflix-senior-swe").round(DEEP_DIVE)
    order = [q.id for q in rank_for_job(questions, round_, first)]
    assert order == [q.id for q in rank_for_job(shuffled, round_, second)]
    assert order[0] == "http2-grpc-multiplexing"
    assert first.exercised["http2-grpc-multiplexing"] == (0, 1, 6)  # gRPC/HTTP2, TCP/load balancers, protocols


def test_a_job_the_bank_does_not_cover_is_recognised(bank) -> None:  # type: ignore[no-untyped-def]
    ios = _focus(bank, IOS)
    assert not ios.covers_job and ios.covered == set()
    streaming = _focus(bank, STREAMING)
    assert streaming.covers_job and 8 not in streaming.covered  # "Kubernetes and Terraform": no question



def test_the_exercised_rule_needs_a_strong_match_or_most_of_the_words() -> None:
    assert exercises(10.8, 0.47)  # "networking protocols (TCP/IP, HTTP/2, TLS) and proxies such as Envoy"
    assert exercises(4.3, 0.62)  # "Implement an LRU cache for hot product pages"
    assert not exercises(5.7, 0.41)  # "async/await concurrency on iOS" on a JavaScript race question
    assert not exercises(3.8, 0.48)  # "Core Data ... in sync with iCloud" on CRDTs


def test_resume_experience_lines_strongest_ownership_first() -> None:
    claims = parse_resume(RESUME.read_text())
    texts = [c.text for c in claims]
    assert texts[0].startswith("Led the migration of the payments ledger")
    assert texts[-1] == "Responsible for on-call rotation tooling"  # no verb of its own: asked last
    assert not any("BSc" in t or "Kafka, Kubernetes" in t for t in texts)  # education and skills are not claims
    assert claims[0].line == 9


def test_resume_questions_use_the_banks_ownership_rubric(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    claims = parse_resume(RESUME.read_text())
    own = resume_questions(loop, list(bank.questions.values()), claims)
    assert sorted(own) == ["hiring-manager-screen", "onsite-behavioral", "onsite-hiring-manager"]
    first = own["hiring-manager-screen"]
    assert first.prompt.startswith("Your résumé says you led the migration of the payments ledger from Oracle")
    assert first.prompt.endswith("what did you own in that yourself, and what would you do differently?")
    assert any(c.own_part for c in first.rubric.criteria)
    assert first.rubric == bank.question("most-impactful-project-owned").rubric
    assert len({q.id for q in own.values()}) == 3  # a different project in each round
    again = resume_questions(loop, list(bank.questions.values()), claims, exclude=[first.id])
    assert first.id not in {q.id for q in again.values()}


def test_the_behavioral_round_opens_with_the_resumes_project_and_not_its_template(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    own = resume_questions(loop, list(bank.questions.values()), parse_resume(RESUME.read_text()),
                           rounds=["onsite-hiring-manager"])
    plan = plan_session(loop, list(bank.questions.values()), round_id="onsite-hiring-manager", seed=1,
                        own_questions=own)
    ids = [q.question_id for q in plan.rounds[0].questions]
    assert ids[0] == own["onsite-hiring-manager"].id and len(ids) == 3
    assert "most-impactful-project-owned" not in ids
