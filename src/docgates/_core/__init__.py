"""The framework-free engine of docgates.

Nothing under this package imports mkdocs, properdocs, pytest or click; a test keeps it so.
"""
