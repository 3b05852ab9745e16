"""A child's time in care, as segments: the one definition of looked after, of the placement a child
is in, of external, and of the records' beginning (SPEC section 3).

- ``segments`` turns one child's placements, legal-status periods and SSDA903 episodes into the
  days they are looked after, cut wherever the placement they are in or their legal status changes:
  plain functions on plain values, tested without a database.
- ``store`` keeps the derived table ``CareSegment`` in step with the records, in the same transaction
  as every write, and rebuilds it from scratch when asked (``manage.py rebuild_care_segments``).
- ``facts`` says what each segment carries of its placement and child (category, ownership, unregulated,
  provider, start, date of birth), so that a reader of the day's segments needs no join (the panel's candidates).

Every count of children (the trackers, the dashboard, the panel, the command-line twins) reads
``CareSegment``; nothing else decides who is looked after.
"""
