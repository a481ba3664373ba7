"""Stand-ins for the outside services a CRM talks to: a mail sink and identity providers.

Each service runs on its own (`python -m fake_services.<name>`) or in-process for a
test harness, exposes a small HTTP control API, and knows nothing of the CRM.
"""
