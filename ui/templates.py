"""Compile each of folium's jinja templates once per process, not once per map.

folium and branca make their templates from strings as the map is built and
rendered (``Template(source)`` in ``Element.__init__``, in tooltip and popup
``render``...), and jinja compiles a string afresh every time: about 80 compiles
per panel map, 0.14 s of the 0.5 s it takes to build and render one at 100k
incidents (under cProfile). About 15 of them are templates proper, the same
every time, so their compiled code is remembered here, keyed on the environment
and the source (0.03-0.05 s less per map). The environments are jinja's cached
spontaneous ones; a code object is immutable, and each template still runs it
in its own namespace, so sharing it is safe across threads.

The rest is branca wrapping what it has already rendered (each layer's script,
its GeoJSON inlined, under a fresh id) in new templates. Those are never seen
twice and can be large, so only sources with template syntax are remembered.
Text without any syntax is not lexed either: jinja would scan every character of
the inlined GeoJSON to find one piece of text (0.02 s per map at 100k
incidents), so it is given the tree jinja's parser makes of it (``_plain``).
"""

from __future__ import annotations

import functools

import jinja2
from jinja2 import nodes
from jinja2.lexer import newline_re

# folium and branca have a few dozen distinct templates; room to spare.
KEPT = 512


def remember_compiled() -> None:
    """Make ``jinja2.Environment.compile`` remember what it compiled from strings.

    Idempotent. Text without template syntax is compiled, not kept, from the
    tree jinja's parser would make of it. Templates given as parsed trees or with
    a name or file name (those loaded from files, which jinja caches itself), and
    environments with line statements or comments, compile as before.
    """
    compile_ = jinja2.Environment.compile
    if getattr(compile_, "remembers", False):
        return

    @functools.lru_cache(maxsize=KEPT)
    def compiled(env: jinja2.Environment, source: str, raw: bool, defer_init: bool):
        return compile_(env, source, None, None, raw, defer_init)

    @functools.wraps(compile_)
    def remembering(
        self, source, name=None, filename=None, raw=False, defer_init=False
    ):
        plain = isinstance(source, str) and name is None and filename is None
        if plain and not (self.line_statement_prefix or self.line_comment_prefix):
            if _has_syntax(self, source):
                return compiled(self, source, raw, defer_init)
            source = _plain(self, source)
        return compile_(self, source, name, filename, raw, defer_init)

    remembering.remembers = True
    remembering.cache_info = compiled.cache_info
    jinja2.Environment.compile = remembering


def _has_syntax(env: jinja2.Environment, source: str) -> bool:
    """Say whether ``source`` holds a jinja expression, statement or comment.

    Only for environments without line statements or comments (folium uses none).
    """
    starts = (env.variable_start_string, env.block_start_string)
    return any(start in source for start in (*starts, env.comment_start_string))


def _plain(env: jinja2.Environment, text: str) -> nodes.Template:
    """Return the tree jinja's parser makes of ``text``, which has no syntax.

    As jinja's lexer reads it: one piece of text with its line breaks made
    ``newline_sequence``, less one trailing line break unless
    ``keep_trailing_newline``; nothing at all for empty text.
    """
    lines = newline_re.split(text)[::2]
    if not env.keep_trailing_newline and lines[-1] == "":
        del lines[-1]
    data = env.newline_sequence.join(lines)
    body: list[nodes.Node] = []
    if data:
        body.append(nodes.Output([nodes.TemplateData(data, lineno=1)], lineno=1))
    tree = nodes.Template(body, lineno=1)
    tree.set_environment(env)
    return tree
