"""Browser tests: JupyterLab and Voila in Debian's chromium (a package, so its conftest keeps its own name)."""
