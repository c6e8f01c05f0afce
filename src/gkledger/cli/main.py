"""The console script: picks the command being run and registers only it."""

from __future__ import annotations

import os
import signal
import sys

from gkledger.cli.app import build
from gkledger.cli.completion import COMPLETE_VAR

GLOBAL_OPTIONS_WITH_VALUES = frozenset({"--data", "--today"})


def _command_named(argv: list[str]) -> str | None:
    """The subcommand in a command line: the first word that is neither an option nor its value."""
    words = iter(argv)
    for word in words:
        if word in GLOBAL_OPTIONS_WITH_VALUES:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _tune_collector() -> None:
    """One command per process builds a ledger's worth of objects that hold no cycles, which the
    collector would only walk again and again: it runs after 200,000 new objects instead of 700 (as
    mypy does), so a command finishes before the first collection and a long one (links) is still
    bounded. The figures: benchmarks/README.md."""
    import gc

    gc.set_threshold(200_000, 30, 30)


def _prepare_streams() -> None:
    """A reader that closes the pipe early (`gkledger status | head -1`) ends the command quietly,
    as SIGPIPE ends other tools (exit 141); a terminal that cannot show Chinese gets escapes and
    one line saying why, instead of a traceback."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    narrow = []
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding and encoding not in ("utf8", "utf8sig", "gb18030") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
            narrow.append(stream.encoding)
    if narrow:
        sys.stderr.write(
            f"gkledger: the output's encoding ({narrow[0]}) cannot show Chinese, so it is escaped; "
            "use a UTF-8 locale or set PYTHONIOENCODING=utf-8\n"
        )


def run() -> None:
    """The console script: an app holding only the command being run (Typer turns every command
    it registers into a Click command on each start), which answers as the whole app does. Help,
    typos, completion and the `units` group go to the whole app."""
    _tune_collector()
    _prepare_streams()
    if COMPLETE_VAR in os.environ:  # the shell asking for completions (gkledger completion)
        from typer._completion_classes import completion_init  # what add_completion=True runs

        completion_init()
        build()(prog_name="gkledger", complete_var=COMPLETE_VAR)
        return
    build(_command_named(sys.argv[1:]))()
