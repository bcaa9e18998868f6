"""What the files say: the session schema, reading files with their line numbers, the curriculum, language rules, coverage."""
