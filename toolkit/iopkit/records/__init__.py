"""Clinic records, opt-in and encrypted: what happened in the room.

A clinic turns records on deliberately (``iopkit records init``). Everything here is a
42 CFR Part 2 record and lives only in the one encrypted store file (``store``): participants
by pseudonym (``people``), attendance and countable minutes, the hash-chained audit trail
(``audit``), the weekly hours ledger (``ledger``), the facilitator's brief (``today``), note
drafts (``drafts``), a person's own record as a PDF (``export``), the Workbench's roll
screen (``screen``), and measures given (``measures_store``; ``iopkit measures record`` and the
other commands in ``measures_commands``; the Workbench's tablet tab in ``measures_screen``). Nothing with a name leaves this package except encrypted, or as an
export a person asked for. See docs/records-security.md.
"""
