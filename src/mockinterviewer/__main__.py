"""`python -m mockinterviewer` runs the CLI."""

from mockinterviewer.cli import main

main()
