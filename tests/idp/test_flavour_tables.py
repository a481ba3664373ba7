"""Every problem the core can raise has wording in each flavour that can meet it."""

from __future__ import annotations

from fake_services.idp.errors import Problem
from fake_services.idp.google import GOOGLE_ERRORS, GoogleFlavour
from fake_services.idp.microsoft import AAD_ERRORS, MicrosoftFlavour
from fake_services.idp.misbehaviour import COMMON_KINDS, Misbehaviour

TENANT_PROBLEMS = {Problem.UNKNOWN_TENANT, Problem.USER_NOT_IN_TENANT, Problem.CODE_TENANT_MISMATCH}


def test_microsoft_words_every_problem() -> None:
    # The userinfo endpoint's error belongs to Microsoft Graph and has its own shape.
    assert set(AAD_ERRORS) == set(Problem) - {Problem.INVALID_ACCESS_TOKEN}


def test_google_words_every_problem_it_can_meet() -> None:
    assert set(GOOGLE_ERRORS) == set(Problem) - TENANT_PROBLEMS


def test_misbehaviour_kinds_per_flavour() -> None:
    assert MicrosoftFlavour.misbehaviours == COMMON_KINDS | {Misbehaviour.OTHER_TENANT}
    assert GoogleFlavour.misbehaviours == COMMON_KINDS | {
        Misbehaviour.EMAIL_UNVERIFIED,
        Misbehaviour.OTHER_DOMAIN,
        Misbehaviour.NO_HOSTED_DOMAIN,
    }
    assert Misbehaviour.ACCESS_DENIED in COMMON_KINDS and Misbehaviour.OTHER_TENANT not in COMMON_KINDS
