"""When and how long: a cohort's calendar, the plan (sequence, rescaling, run of show, joining), level-of-care hours, reminder texts."""
