"""Family 7 of issue 13: ``iopkit app`` is closed to other users of the computer and to web pages.

Voilà is started as ``iopkit app`` starts it, on a free port on 127.0.0.1, and asked over
HTTP as another local user or a web page would: without the token it shows no notebook;
with a foreign Host header (DNS rebinding) it refuses; past the kernel cap it refuses to
start another kernel. Everything it starts is stopped.
"""
from __future__ import annotations

import http.client
from urllib.parse import urlparse

import pytest

from iopkit.app import launch


def test_the_app_command_asks_for_a_token_a_local_host_and_a_kernel_cap(tmp_path):
    """The command line itself: a token, the Host check back on, the capped kernel manager."""
    server = launch.app_server(tmp_path, port=8871, token="abc")
    assert "--Voila.token=abc" in server.command
    assert '--Voila.tornado_settings={"allow_remote_access": False, "local_hostnames": ["localhost"]}' in server.command
    assert "--VoilaConfiguration.multi_kernel_manager_class=iopkit.app.appserver.CappedKernelManager" in server.command
    assert server.url == "http://127.0.0.1:8871/?token=abc"
    # A token is made when none is given, and it is long enough not to be guessed.
    token = urlparse(launch.app_server(tmp_path, port=8871).url).query.split("=", 1)[1]
    assert len(token) >= 32


@pytest.fixture
def app(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    launch.ensure_home(folder)
    server = launch.app_server(folder, port=launch.free_port(), settings_parent=tmp_path / "settings",
                               token="secret-token-for-test", max_kernels=1)
    with open(tmp_path / "voila.log", "w") as log:
        process = launch.start(server, log=log)
        try:
            launch.wait_until_ready(server, process, timeout=120)
            yield server, int(urlparse(server.url).port)
        finally:
            launch.stop(process)
    assert process.poll() is not None


def get(port: int, path: str, host: str | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
    try:
        connection.request("GET", path, headers={"Host": host} if host else {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, response.getheader("Location") or body
    finally:
        connection.close()


@pytest.mark.slow
def test_the_app_needs_the_token_a_local_host_and_caps_kernels(app):
    server, port = app
    # Without the token: sent to the login page, no notebook, no kernel.
    status, where = get(port, "/")
    assert status == 302 and where.startswith("/login")
    status, _ = get(port, "/?token=wrong")
    assert status in (302, 403)
    # A web page on another name pointing at 127.0.0.1 (DNS rebinding), even with the token: refused.
    status, _ = get(port, "/?token=secret-token-for-test", host=f"evil.example.com:{port}")
    assert status == 403
    # The person with the address: the app.
    status, body = get(port, "/?token=secret-token-for-test", host=f"localhost:{port}")
    assert status == 200 and "iopkit" in body.lower()
    # One more page than the cap allows: refused, no kernel started.
    status, _ = get(port, "/?token=secret-token-for-test")
    assert status == 503
