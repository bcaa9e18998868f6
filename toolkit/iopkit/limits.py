"""Every limit a counselor can reach, in one place (docs/limits.md lists them in words; a test
keeps the two together).

Limits exist so that a careless or hostile file gets a plain message instead of using up
the computer's memory or printing a thousand pages. Each is generous for real use.
"""
from __future__ import annotations

import datetime as dt

#: Largest session file (.yaml). The longest shipped session is about 52 KB.
MAX_SESSION_FILE_BYTES = 512_000
#: Largest cohort file (.toml). The example cohort is about 2.5 KB.
MAX_COHORT_FILE_BYTES = 64_000
#: Most YAML nodes (fields, list items, texts) in one session file. The largest shipped one has about 900.
MAX_YAML_NODES = 20_000

#: Longest one-line text in a cohort file: names, facilitators, phone numbers, addresses, resources.
MAX_LINE_CHARS = 200
#: Longest one-line text in a session file: titles, objectives, key points, list items.
MAX_SESSION_LINE_CHARS = 1_000
#: Longest multi-line text in a session file (a block's script, an explanation, notes).
MAX_SESSION_TEXT_CHARS = 20_000

#: The years a cohort's dates may fall in (start date, closures).
FIRST_YEAR = 2000
LAST_YEAR = 2199
#: How far after a group's start ``iopkit join`` plans (rolling admission).
MAX_JOIN_YEARS = 25
#: Longest stretch without a meeting that closures may leave before the cohort is refused.
MAX_GAP_DAYS = 28
#: Shortest time, in minutes, any block of the run of show may be given when a session is rescaled.
MIN_BLOCK_MINUTES = 5

#: Largest logo or image file.
MAX_IMAGE_BYTES = 2_000_000
#: Largest logo in pixels (width times height).
MAX_IMAGE_PIXELS = 25_000_000

#: Most sessions built at once (``--jobs``).
MAX_JOBS = 16

#: Most kernels (open pages) ``iopkit app`` runs at once.
MAX_APP_KERNELS = 8


def year_in_range(day: dt.date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR
