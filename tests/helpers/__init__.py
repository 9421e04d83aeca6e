"""Helpers shared by test modules.  A test module imports from here, from ``tests.factories``
and the other ``tests/*.py`` helper modules, never from another test module
(``tests/unit/test_test_layout.py`` keeps it so)."""
