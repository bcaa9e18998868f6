# iopkit on The Littlest JupyterHub (TLJH): copy this file to
#
#     /opt/tljh/config/jupyterhub_config.d/iopkit.py
#
# then run `sudo tljh-config reload`. TLJH loads every *.py in that folder after its own
# settings (tljh-config), so what is set here wins. docs/deploy.md ("The Littlest JupyterHub")
# has the whole set-up, step by step.
#
# What it decides:
#   - each counselor lands on the Workbench (Voila renders the home notebook); JupyterLab is one
#     click away (the Workbench's "Open JupyterLab" link, or /user/<name>/lab);
#   - each counselor's server starts through iopkit.app.hub, which closes their home to everyone
#     else (mode 0700) and makes their records folder (~/iopkit-records, mode 0700);
#   - the clinic's program folder is shared at /srv/iopkit/program (readable by counselors,
#     writable by the group iopkit-directors: docs/deploy.md makes it so).
# Signing in, HTTPS and the idle culler are set with tljh-config (setup.sh and docs/deploy.md).
c = get_config()  # noqa: F821 - JupyterHub provides get_config() to its config files

PROGRAM = "/srv/iopkit/program"
USER_PYTHON = "/opt/tljh/user/bin/python"  # TLJH's user environment, where iopkit is installed

c.Spawner.cmd = [USER_PYTHON, "-m", "iopkit.app.hub", "singleuser"]
c.Spawner.default_url = "/voila/render/iopkit-home.ipynb"
c.Spawner.environment = {"IOPKIT_PROGRAM": PROGRAM}
# Building a packet runs notebooks and lays out PDFs: give a slow first start time to finish.
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
