# JupyterHub for one clinic server, without The Littlest JupyterHub: iopkit for every counselor.
#
# Start it as root (JupyterHub starts each counselor's server as that person's own system account):
#
#     sudo /opt/iopkit/venv/bin/jupyterhub -f /etc/iopkit/jupyterhub_config.py
#
# docs/deploy.md walks through the whole set-up. What this file decides:
#   - counselors sign in with their own account (system passwords through PAM here; the clinic's
#     identity provider through OAuthenticator: see the commented block below). No password ships;
#   - only members of the groups iopkit-counselors and iopkit-directors may sign in;
#   - each counselor lands on the Workbench (Voila renders the home notebook); JupyterLab is one
#     click away (the Workbench's "Open JupyterLab" link, or /user/<name>/lab);
#   - the clinic's program folder (curriculum and example cohorts) is shared: $IOPKIT_PROGRAM;
#   - each counselor's cohorts, builds, exercise answers and records stay in their own home,
#     which iopkit.app.hub closes to everyone else (mode 0700) at every start;
#   - servers idle for an hour are stopped (jupyterhub-idle-culler).
#
# The hub listens on 127.0.0.1 only: put HTTPS in front of it (Caddy or nginx, docs/deploy.md).
# Settings come from the environment, so nothing secret is written in this file:
#   IOPKIT_PROGRAM        the shared program folder           (default /srv/iopkit/program)
#   IOPKIT_USER_PYTHON    the Python that has iopkit installed (default: the one running the hub)
#   IOPKIT_HUB_STATE      where the hub keeps its database and cookie secret (default /srv/jupyterhub)
#   IOPKIT_HUB_URL        where the hub listens                (default http://127.0.0.1:8000)
#   IOPKIT_IDLE_MINUTES   minutes before an idle server stops  (default 60)
import os
import sys

c = get_config()  # noqa: F821 - JupyterHub provides get_config() to its config files

program = os.environ.get("IOPKIT_PROGRAM", "/srv/iopkit/program")
user_python = os.environ.get("IOPKIT_USER_PYTHON", sys.executable)
state = os.environ.get("IOPKIT_HUB_STATE", "/srv/jupyterhub")
idle_seconds = int(os.environ.get("IOPKIT_IDLE_MINUTES", "60")) * 60

# ---------------------------------------------------------------- the hub itself
c.JupyterHub.bind_url = os.environ.get("IOPKIT_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{state}/jupyterhub_cookie_secret"
# Stopping the hub stops every counselor's server too (nothing is left running unseen).
c.JupyterHub.cleanup_servers = True

# ---------------------------------------------------------------- signing in
# System accounts and their own passwords (PAM). Only these groups may sign in.
c.JupyterHub.authenticator_class = "pam"
c.LocalAuthenticator.allowed_groups = {"iopkit-counselors", "iopkit-directors"}
# Hub administrators can open anyone's server: leave this empty, or name IT staff only.
c.Authenticator.admin_users = set()
#
# The clinic's identity provider instead (pip install oauthenticator). Azure AD / Entra ID:
#   c.JupyterHub.authenticator_class = "azuread"
#   c.AzureAdOAuthenticator.tenant_id = os.environ["AAD_TENANT_ID"]
#   c.AzureAdOAuthenticator.client_id = os.environ["OAUTH_CLIENT_ID"]
#   c.AzureAdOAuthenticator.client_secret = os.environ["OAUTH_CLIENT_SECRET"]
#   c.AzureAdOAuthenticator.oauth_callback_url = "https://iop.example.org/hub/oauth_callback"
#   c.AzureAdOAuthenticator.username_claim = "preferred_username"
#   c.AzureAdOAuthenticator.allowed_users = {"sam@example.org", "lee@example.org"}
# Google Workspace: authenticator_class = "google", c.GoogleOAuthenticator.hosted_domain = ["example.org"]
# Any OpenID Connect provider (Okta, Keycloak, ...): authenticator_class = "generic-oauth" with
#   c.GenericOAuthenticator.authorize_url / token_url / userdata_url / username_claim.
# Each person signing in needs a system account of the same name (useradd, docs/deploy.md), since
# every server runs as its owner; the system-account groups above then have no effect: list who may
# sign in with allowed_users (or allowed_groups with manage_groups, where the provider sends groups).

# ---------------------------------------------------------------- each counselor's server
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [user_python, "-m", "iopkit.app.hub", "singleuser"]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/voila/render/iopkit-home.ipynb"
c.Spawner.environment = {"IOPKIT_PROGRAM": program}
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120

# ---------------------------------------------------------------- idle servers are stopped
c.JupyterHub.load_roles = [{
    "name": "jupyterhub-idle-culler-role",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["jupyterhub-idle-culler-service"],
}]
c.JupyterHub.services = [{
    "name": "jupyterhub-idle-culler-service",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={idle_seconds}"],
}]
