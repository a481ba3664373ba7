"""Page objects: one class per screen, found and driven by what a user sees.

Locators use roles and accessible names only (the UI contract in the README), so
the same page objects drive any implementation of the help page's flows.
"""
