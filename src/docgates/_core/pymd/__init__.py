"""A page's blocks as Python-Markdown and its extensions parse them, every piece with its place.

Python-Markdown decides what a page is block by block: it cuts the text at blank lines and
hands each piece to its block processors in priority order, which detab, split and re-queue
the text as they go (a list item keeps content indented by four spaces, whatever its marker;
``!!! note`` must start a line; a fence is found line by line before any of that). No
CommonMark parser agrees with it on nested containers, so this package follows the same
algorithm, processor for processor, on text that remembers where each character came from
(:class:`~.text.Text`). The result is a small element tree (:class:`~.tree.Node`) that the
source model walks; ``tests/test_differential.py`` holds it to the real renderer.
"""
