"""Loginspec's harness machinery: targets, people, provisioning, browsers, the catalogue and reports.

Steps use what is here; nothing here knows how a target is implemented.
"""
