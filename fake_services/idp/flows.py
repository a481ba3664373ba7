"""Sign-ins in progress: an authorization request waiting for the person at the pages.

The pages carry only the flow id; who has typed which email, and who has proved their
password, is kept here so a tampered form cannot skip a step.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from fake_services.idp.authorize import AuthorizationRequest
from fake_services.idp.identifiers import random_token

FLOW_LIFETIME_SECONDS = 15 * 60
MAX_FLOWS = 10_000


@dataclass
class SignInFlow:
    flow_id: str
    request: AuthorizationRequest
    authority: str
    started_at: float
    # The email whose password page is showing.
    candidate_email: str | None = None
    # Set once the password was right; Microsoft then asks "Stay signed in?".
    authenticated_email: str | None = None


class SignInFlows:
    def __init__(self) -> None:
        self._flows: OrderedDict[str, SignInFlow] = OrderedDict()

    def clear(self) -> None:
        self._flows.clear()

    def start(self, request: AuthorizationRequest, authority: str, now: float) -> SignInFlow:
        while len(self._flows) >= MAX_FLOWS:
            self._flows.popitem(last=False)
        flow = SignInFlow(flow_id=random_token(), request=request, authority=authority, started_at=now)
        self._flows[flow.flow_id] = flow
        return flow

    def get(self, flow_id: str | None, now: float) -> SignInFlow | None:
        flow = self._flows.get(flow_id) if flow_id else None
        if flow is None or now - flow.started_at > FLOW_LIFETIME_SECONDS:
            return None
        return flow

    def finish(self, flow: SignInFlow) -> None:
        self._flows.pop(flow.flow_id, None)
