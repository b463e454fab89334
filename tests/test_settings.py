"""Settings helpers fail loudly on bad values."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from archive.env import env_bool, env_choice, env_int, env_list, env_rate


def test_env_bool(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_bounds(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 1, minimum=1, maximum=20) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "99")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1, maximum=20)


def test_env_list(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_HOSTS", "a,,b")
    with pytest.raises(ImproperlyConfigured):
        env_list("X_HOSTS", [])


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.SECRET_KEY"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "archive.settings", "DATABASE_URL": "postgres://x@127.0.0.1/x"},
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr


def test_env_int_says_the_bound_it_misses(monkeypatch):
    monkeypatch.setenv("X_NUM", "-1")
    with pytest.raises(ImproperlyConfigured, match=r"X_NUM=-1: must be at least 0"):
        env_int("X_NUM", 1, minimum=0)


def test_env_choice(monkeypatch):
    monkeypatch.setenv("X_LEVEL", "info")
    assert env_choice("X_LEVEL", "WARNING", ("INFO", "WARNING")) == "INFO"
    monkeypatch.setenv("X_LEVEL", "LOUD")
    with pytest.raises(ImproperlyConfigured, match="X_LEVEL='LOUD' is not one of INFO, WARNING"):
        env_choice("X_LEVEL", "WARNING", ("INFO", "WARNING"))


@pytest.mark.parametrize("rate", ["10/0m", "5/00h", "0/m", "10"])
def test_a_rate_without_a_period_or_a_count_is_refused(monkeypatch, rate):
    # django-ratelimit refuses a zero period only when a request is limited: every search a 500.
    monkeypatch.setenv("X_RATE", rate)
    with pytest.raises(ImproperlyConfigured, match="X_RATE"):
        env_rate("X_RATE", "60/m")
    monkeypatch.setenv("X_RATE", "10/5m")
    assert env_rate("X_RATE", "60/m") == "10/5m"


@pytest.mark.parametrize(("name", "value"), [("PORT", "abc"), ("PORT", "99999"), ("LOG_LEVEL", "LOUD"), ("AXES_COOLOFF_MINUTES", "9999999999999")])
def test_settings_name_the_variable_with_a_bad_value(name, value):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.SECRET_KEY"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "archive.settings", "SECRET_KEY": "x",
             "DATABASE_URL": "postgres://x@127.0.0.1/x", name: value},
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode != 0 and f"{name}=" in proc.stderr and "ImproperlyConfigured" in proc.stderr


def test_settings_refuse_an_embedded_database_folder_that_is_a_file(tmp_path):
    import subprocess
    import sys

    taken = tmp_path / "pgdata"
    taken.write_text("not a folder")
    proc = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DATABASES"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "archive.settings", "SECRET_KEY": "x", "EMBEDDED_PGDATA": str(taken)},
        capture_output=True, text=True, check=False, cwd=str(Path(__file__).resolve().parent.parent),
    )
    assert proc.returncode != 0
    assert f"EMBEDDED_PGDATA: {taken} is not a folder" in proc.stderr
    under = subprocess.run(  # a folder under that file
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DATABASES"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "archive.settings", "SECRET_KEY": "x", "EMBEDDED_PGDATA": str(taken / "db")},
        capture_output=True, text=True, check=False, cwd=str(Path(__file__).resolve().parent.parent),
    )
    assert under.returncode != 0 and f"EMBEDDED_PGDATA: {taken} is not a folder" in under.stderr


def test_manage_py_says_a_bad_setting_in_one_line_not_a_traceback():
    import subprocess
    import sys
    from pathlib import Path

    manage = Path(__file__).resolve().parent.parent / "manage.py"
    proc = subprocess.run(
        [sys.executable, str(manage), "check"],
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", "DEBUG": "maybe", "DATABASE_URL": "postgres://x@127.0.0.1/x"},
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == "configuration: DEBUG='maybe' is not a boolean (use 1/0, true/false, yes/no, on/off)"
