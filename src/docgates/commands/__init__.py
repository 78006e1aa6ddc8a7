"""Commands of ``docgates`` that live in modules of their own (``cli.py`` registers them)."""
