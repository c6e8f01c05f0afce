"""The command line: options in, one library call, one renderer out. The only package that
imports Typer."""
