"""Page objects: one class per screen, found by what a person sees.

Every control comes from the target's UI contract (`loginspec/contract/`): a role and an
accessible name, or a field's label. Nothing here knows how the target builds its pages.
"""
