"""Every write to programs and enrollments, by meaning:

- ``programs``: a program's own life — created as a draft, changed, opened,
  closed, copied for the next cohort;
- ``enrollments``: who takes part and as what — enrolled, changed (focus
  areas, capacity), withdrawn.
"""
