"""HTTP routes, a module per area of the help page."""
