"""The faster ways the figures pages compute and render (issue 17) give what the slow ways gave."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from placements.care.segments import Segment
from tracker import dashboard, frames
from tracker.rules import MOVE, care_events


def random_children(seed: int, children: int = 300) -> tuple[pd.DataFrame, dict[int, list[Segment]], set[int]]:
    """Children with runs of segments: back to back (a move, or a legal status changing in one placement), with
    gaps (a cease then a start), some temporary placements, some still open."""
    chance = random.Random(seed)
    rows, by_child, temporary = [], {}, set()
    placement_id = 0
    for child_id in range(1, children + 1):
        day = date(2022, 1, 1) + timedelta(days=chance.randrange(400))
        segments = []
        placement_id += 1
        for _ in range(chance.randrange(1, 7)):
            length = chance.randrange(1, 120)
            end = day + timedelta(days=length)
            what = chance.random()
            if what < 0.5:
                placement_id += 1  # a new placement
            if chance.random() < 0.15:
                temporary.add(placement_id)
            segments.append(Segment(placement_id, day, end, chance.choice(["C2", "J1"]), chance.random() < 0.05))
            day = end if what < 0.8 else end + timedelta(days=chance.randrange(1, 30))
        if chance.random() < 0.3:
            last = segments[-1]
            segments[-1] = Segment(last.placement_id, last.start, None, last.legal_status, last.before_records)
        by_child[child_id] = segments
        for segment in segments:
            rows.append({"pk": segment.placement_id, "child_id": child_id, "start": pd.Timestamp(segment.start),
                         "end": pd.Timestamp(segment.end) if segment.end else frames.FAR_FUTURE,
                         "legal_status": segment.legal_status, "before_records": segment.before_records,
                         "place_code": "T1" if segment.placement_id in temporary else "U1"})
    return pd.DataFrame(rows), by_child, temporary


def test_moves_in_window_are_rule_t_moves_child_by_child():
    for seed in range(5):
        frame, by_child, temporary = random_children(seed)
        first, last = date(2022, 6, 1), date(2023, 5, 31)
        expected = {}
        for child_id, segments in by_child.items():
            moves = sum(1 for event in care_events(child_id, segments, temporary, first, last) if event.kind == MOVE)
            if moves:
                expected[child_id] = moves
        assert expected, "the random children should move"
        assert dashboard.moves_in_window(frame, first, last).to_dict() == expected


def test_no_moves_gives_an_empty_series():
    frame, _, _ = random_children(1, children=5)
    assert dashboard.moves_in_window(frame, date(2030, 1, 1), date(2030, 12, 31)).to_dict() == {}
