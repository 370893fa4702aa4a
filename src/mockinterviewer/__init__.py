"""mockinterviewer: realistic mock interview loops with rubric grading backed by quoted evidence."""

__version__ = "0.1.0"
