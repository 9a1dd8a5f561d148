"""Guidance page bodies: a small Markdown (headings, paragraphs, lists, emphasis, links) rendered to HTML.

markdown-it-py renders with raw HTML switched off, then nh3 (ammonia) keeps only the tags and attributes below, so
a staff member's text can never carry a script, a style or an event handler onto a public page.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "br",
    "hr",
    "code",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def render_markup(text: str) -> str:
    """Safe HTML for `text`. Top-level headings become h2 (the page's h1 is its title)."""
    html = _parser().render(text or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
