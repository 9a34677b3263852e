"""What nodes need to find and trust each other for broadcast relays (pure parts)."""

from __future__ import annotations

import pytest

from server.config import Settings
from server.errors import ConfigError
from signaling.tokens import is_node_token, node_token

KEY = "k" * 40


def test_the_node_token_comes_from_the_secret_key_only() -> None:
    token = node_token(KEY)
    assert token.startswith("lfn_")
    assert is_node_token(token, KEY)
    assert not is_node_token(token, KEY + "x")
    assert not is_node_token(None, KEY)
    assert not is_node_token(token[:-1], KEY)


def test_a_node_url_is_an_origin_and_defaults_to_none() -> None:
    assert Settings.from_env({}).node_url is None
    assert Settings.from_env({"LIVEFAIR_NODE_URL": ""}).node_url is None
    url = "http://10.0.0.2:8081"
    assert Settings.from_env({"LIVEFAIR_NODE_URL": url + "/"}).node_url == url
    with pytest.raises(ConfigError, match="LIVEFAIR_NODE_URL"):
        Settings.from_env({"LIVEFAIR_NODE_URL": "ftp://10.0.0.2"})
