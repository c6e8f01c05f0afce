"""Keep the message catalogs current: extract every `_()`/`_f()`/`N_()` message of gkledger with
Babel and every text of the command line's help (from the built Typer app), merge them into the
Chinese catalog (translations kept, new messages added empty, gone ones dropped), and compile it
to the .mo file the package reads.

    python tools/catalogs.py           update locale/zh_CN/LC_MESSAGES/gkledger.po and .mo
    python tools/catalogs.py --check   exit 1 if a message has no translation or the .mo is stale

Babel is a development dependency; gkledger itself reads the .mo with the standard library.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gkledger"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "gkledger.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "_f": (1,), "N_": None, "ngettext": (1, 2)}
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # fixed, so that the files change only with messages


def template() -> Catalog:
    catalog = Catalog(project="gkledger", domain="gkledger", creation_date=STAMP)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python"), ("templates/**.j2", "jinja2.ext:babel_extract")],
        keywords=KEYWORDS,
        strip_comment_tags=True,
    ):
        catalog.add(
            message, None, [(f"gkledger/{filename}", lineno)], auto_comments=comments, context=context
        )
    for text in help_texts():
        if text not in catalog:
            catalog.add(text, None, [("gkledger/cli/app.py", 0)], auto_comments=["--help"])
    return catalog


def help_texts() -> list[str]:
    """The help of every command and option, as Typer builds it from the docstrings and help=."""
    from typer.main import get_command

    from gkledger.cli.app import app
    from gkledger.cli.parsing import help_texts

    return list(dict.fromkeys(help_texts(get_command(app))))


def merged() -> Catalog:
    """The Chinese catalog updated to the messages the code has now."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN", domain="gkledger")
    catalog.update(template(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.creation_date = catalog.revision_date = STAMP
    return catalog


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def po_text(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
    return buffer.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def main(argv: list[str]) -> int:
    catalog = merged()
    missing = untranslated(catalog)
    if "--check" in argv:
        stale = PO.read_bytes() != po_text(catalog) or MO.read_bytes() != compiled(catalog)
        for message in missing:
            print(f"untranslated: {message}")
        if stale:
            print("the catalogs are not current: run python tools/catalogs.py")
        return 1 if missing or stale else 0
    PO.write_bytes(po_text(catalog))
    MO.write_bytes(compiled(catalog))
    print(f"{len(catalog)} messages, {len(missing)} untranslated → {PO.relative_to(PACKAGE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
