"""``python -m docgates``: the same as the ``docgates`` command."""

from docgates.cli import main

main()
