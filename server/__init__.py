"""livefair: live online job fairs."""

__version__ = "0.1.0"
