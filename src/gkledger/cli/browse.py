"""`gkledger browse`: a roll-up in a web browser, for people who do not use a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gkledger.cli.output import _missing_extra
from gkledger.cli.session import EXIT_USAGE, _fail, say
from gkledger.i18n import _, _f

FileArgument = Annotated[
    Path, typer.Argument(help="A roll-up file (gkledger rollup … -o rollup.sqlite).", show_default=False)
]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to serve on.")]
HostOption = Annotated[
    str, typer.Option("--host", help="The address to serve on; the default is this machine only.")
]


def browse(file: FileArgument, port: PortOption = 8001, host: HostOption = "127.0.0.1") -> None:
    """Serve a roll-up with Datasette: tables with Chinese titles, facets by 台账, 单位类型 and 状态,
    and saved queries (逾期清单, 各地按期办结率). Read-only; stop it with Ctrl-C. Needs the extra:
    pip install 'gkledger\\[browse]'.

    Example: gkledger browse rollup.sqlite --port 8001
    """
    from gkledger.views.rollup import is_rollup_file

    if not is_rollup_file(file):
        _fail(_f("{file} is not a roll-up gkledger wrote (gkledger rollup … -o FILE)", file=file), EXIT_USAGE)
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError as exc:
        _missing_extra(exc, "browse")
    from gkledger.render.browse import metadata

    served = Datasette(
        immutables=[str(file)], metadata=metadata(file.stem), settings={"default_facet_size": 50}
    )
    say(
        _f("Serving {file} at http://{host}:{port}/ (Ctrl-C stops it)", file=file, host=host, port=port),
        err=True,
    )
    uvicorn.run(served.app(), host=host, port=port, log_level="warning")
    say(_("Stopped."), err=True)
