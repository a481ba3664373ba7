# Sourced by the scripts that run tests. A test run starts many Python processes (xdist workers, the
# fast tests' inner pytest runs and command-line checks); where PYTHONDONTWRITEBYTECODE is set, each
# of them compiles the project and pytest's rewritten modules again, about 1.5 s a process. Let them
# write their bytecode (into __pycache__/, which git ignores).
unset PYTHONDONTWRITEBYTECODE
