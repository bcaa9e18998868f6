"""Building a packet: the session steps, the workers, fingerprints and the cohort-wide jobs."""
