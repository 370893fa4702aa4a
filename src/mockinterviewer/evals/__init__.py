"""Evaluations of the grader and the interviewer (used by `mockinterviewer eval`)."""
