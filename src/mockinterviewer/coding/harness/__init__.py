"""The harness per language: a small program that loads the candidate's file, runs each test's
call(s) and reports each value as JSON on a separate pipe (so the candidate's own prints never mix
with the results). They run inside the sandbox with the language's runtime, never imported here."""
