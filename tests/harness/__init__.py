"""Fast tests of the harness package (loginspec/) and the pure step helpers: no browser."""
