"""docs/kpis.md as an admin page: the definitions each tile links to.

The file is rendered to HTML once per process with markdown-it (CommonMark
and its tables). Its raw HTML passes through: the file is ours, in the
repository, and its `<a id="…">` anchors are the ones the JSON names
(`anchor`), so a tile links to `…/definitions/#on-time-disposal-rate`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from markdown_it import MarkdownIt

KPIS_MD = Path(settings.BASE_DIR) / "docs" / "kpis.md"
ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')


@cache
def definitions_html() -> str:
    """The definitions page's body: docs/kpis.md in HTML, its anchors kept."""
    text = KPIS_MD.read_text(encoding="utf-8")
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def anchors() -> set[str]:
    return set(ANCHOR.findall(definitions_html()))
