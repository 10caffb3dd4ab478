"""Templates kept per language, with their fixed translations and URLs already rendered.

Django's cached loader keeps parsed templates, but still translates every
``{% translate "..." %}`` and reverses every ``{% url 'name' %}`` on each render
(about 14 microseconds each through the thread-local translation machinery:
close to a millisecond for a page with sixty of them). This loader keeps one
copy of each of the platform's own templates per active language, in which
the tags whose output depends only on that language are replaced by their text:

- ``{% translate "literal" %}`` (or ``{% translate "literal" context "literal" %}``)
  without filters, ``as`` or a variable context;
- ``{% url 'name' %}`` without arguments or ``as`` (the URL carries the
  language prefix of the active language, hence one copy per language);
- ``{% static 'path' %}`` without ``as``.

Nothing else changes: variables, loops, conditions and translations with
variables are rendered as usual. Templates outside ``insaf.web`` (the
administration site's) are cached but left untouched.

Kept because it is measurably faster (a median 30-34 ms a page against 37-39
ms with Django's cached loader, docs/platform.md "Speed") and safe to keep
because ``tests/web/test_html_fragments.py`` renders every page of the
platform in both languages with and without it and finds them byte for byte
equal (it relies on Django's node classes, so a Django upgrade that changed
them would show there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template import Context, Node, NodeList, Template
from django.template.base import TextNode, Variable
from django.template.defaulttags import AutoEscapeControlNode, IfNode, URLNode
from django.template.loaders import cached
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.utils.translation import get_language

__all__ = ["Loader"]

_OWN = str(Path(__file__).resolve().parents[1])
"""Templates under ``src/insaf/web`` are baked."""


def _literal(expression: Any) -> bool:
    """A filter expression that is a constant string with no filter."""
    var = getattr(expression, "var", None)
    if isinstance(var, Variable):  # {% translate "..." %} keeps its literal in a Variable
        var = var.literal
    return not getattr(expression, "filters", True) and isinstance(var, str)


def _fixed(node: Node) -> bool:
    if isinstance(node, TranslateNode):
        context = node.message_context
        return (
            node.asvar is None
            and (context is None or _literal(context))
            and _literal(node.filter_expression)
        )
    if isinstance(node, URLNode):
        return node.asvar is None and not node.args and not node.kwargs and _literal(node.view_name)
    if isinstance(node, StaticNode):
        return node.varname is None and _literal(node.path)
    return False


def _bake(nodelist: NodeList) -> None:
    for index, node in enumerate(nodelist):
        if _fixed(node):
            text = TextNode(node.render(Context(autoescape=True)))
            text.origin, text.token = node.origin, node.token
            nodelist[index] = text
            continue
        if isinstance(node, AutoEscapeControlNode) and not node.setting:
            continue  # rendered unescaped inside: leave as is
        if isinstance(node, IfNode):
            for _condition, branch in node.conditions_nodelists:
                _bake(branch)
            continue
        for name in getattr(node, "child_nodelists", ()):
            child = getattr(node, name, None)
            if isinstance(child, NodeList):
                _bake(child)


class Loader(cached.Loader):
    """``cached.Loader`` with one copy per language and fixed text rendered once."""

    def cache_key(self, template_name: str, skip: list[Any] | None = None) -> str:
        return f"{super().cache_key(template_name, skip)}@{get_language() or ''}"

    def get_template(self, template_name: str, skip: list[Any] | None = None) -> Template:
        fresh = self.cache_key(template_name, skip) not in self.get_template_cache
        template: Template = super().get_template(template_name, skip)
        if fresh and str(template.origin.name).startswith(_OWN):
            _bake(template.nodelist)
        return template
