"""The fault catalogue: small, realistic regressions of the reference CRM, and what the suite makes of them.

`catalogue` reads and applies the faults in `faults/`; `runner` applies each to a scratch copy of
the tree and runs the scenarios tagged with the IDs it violates; `report` writes what was caught.
`python -m loginspec.faults` (behind `scripts/faults`) is the command.
"""
