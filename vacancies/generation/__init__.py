"""Synthetic vacancies, to try the public pages at scale and time them.

Each sample notice in fixtures/notices is parsed once and mapped to columns exactly as an
import maps it; every vacancy made from it then gets its own reference (eight digits
starting with 9, so never a real six-digit one), deadline, grade, duty stations, risk,
clearance, organisation, status and a lightly varied title. They are marked
``source_name="generated"``, and deleting removes those and nothing else.

``data`` holds what they are drawn from, ``rows`` makes them, ``writing`` stores them;
``python manage.py generate_vacancies`` is the command.
"""

from .rows import GENERATED, GenerationError
from .writing import MAX_COUNT, delete_generated_vacancies, generate_vacancies

__all__ = [
    "GENERATED",
    "MAX_COUNT",
    "GenerationError",
    "delete_generated_vacancies",
    "generate_vacancies",
]
