"""Tables from outside (xlsx, xls, docx, html, csv) read into plans, rosters and filled forms."""
