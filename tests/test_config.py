"""Settings from the environment: a typo names the setting, never a bare
traceback from deep inside the app."""

import pytest

from postmortem import config


@pytest.mark.parametrize("name", ["STATUS_MAX_AGE", "TRUSTED_PROXIES"])
def test_a_number_setting_that_is_not_a_number_is_named(monkeypatch, tmp_path, name):
    monkeypatch.setenv(name, "ten")
    with pytest.raises(ValueError, match=f"{name} must be a whole number"):
        config.load(tmp_path)
    monkeypatch.setenv(name, "-1")
    with pytest.raises(ValueError, match=name):
        config.load(tmp_path)


def test_number_settings_read_and_default(monkeypatch, tmp_path):
    monkeypatch.setenv("STATUS_MAX_AGE", " 30 ")
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    loaded = config.load(tmp_path)
    assert loaded["STATUS_MAX_AGE"] == 30 and loaded["TRUSTED_PROXIES"] == 0
