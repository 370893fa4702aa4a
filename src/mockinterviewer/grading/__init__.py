"""Grading answers against rubrics (offline rubric grader, LLM judge) and the feedback report."""
