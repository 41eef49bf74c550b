"""Production settings: `check --deploy` passes with every setting given, and the app refuses to start
when any one of them is missing. Each case runs manage.py in a fresh process with its own environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.access_spec import demo_sign_in_paths

ROOT = Path(__file__).resolve().parent.parent

REQUIRED = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "TARA_ISSUER", "TARA_CLIENT_ID", "TARA_CLIENT_SECRET")


def production_environment(tmp_path: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        # Nothing from the test run or the developer's shell may leak into the production check.
        if not key.startswith(("DJANGO_", "TARA_", "DEMO_", "EMAIL_"))
        and key not in REQUIRED
        and key not in ("DEBUG", "TAGASIVAADE_ENV")
    }
    environment.update(
        {
            "TAGASIVAADE_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "tagasivaade.settings",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
            "ALLOWED_HOSTS": "tagasivaade.sotsiaalkindlustusamet.ee",
            "TARA_ISSUER": "https://tara-test.ria.ee",
            "TARA_CLIENT_ID": "tagasivaade",
            "TARA_CLIENT_SECRET": secrets.token_urlsafe(32),
        }
    )
    return environment


def manage(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_all_production_settings(tmp_path):
    result = manage(production_environment(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", REQUIRED)
def test_production_refuses_to_start_without_each_required_setting(tmp_path, name):
    environment = production_environment(tmp_path)
    del environment[name]
    result = manage(environment, "check")
    assert result.returncode != 0
    assert name in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_an_empty_required_setting(tmp_path):
    environment = production_environment(tmp_path)
    environment["SECRET_KEY"] = ""
    result = manage(environment, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("value", ["true", "1", "yes", "on"])
def test_production_refuses_to_start_in_debug(tmp_path, value):
    environment = production_environment(tmp_path)
    environment["DEBUG"] = value
    result = manage(environment, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG must be off in production" in result.stderr


def test_production_starts_with_debug_explicitly_off(tmp_path):
    environment = production_environment(tmp_path)
    environment["DEBUG"] = "false"
    script = "from django.conf import settings; print(settings.DEBUG)"
    result = manage(environment, "shell", "--no-imports", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]


def test_trusted_proxies_are_read_as_addresses_and_networks(tmp_path):
    environment = production_environment(tmp_path)
    environment["TRUSTED_PROXIES"] = "10.0.0.2, 10.1.0.0/16,2001:db8::/32"
    script = "from django.conf import settings; print(settings.TRUSTED_PROXIES)"
    result = manage(environment, "shell", "--no-imports", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['10.0.0.2', '10.1.0.0/16', '2001:db8::/32']"
    environment["TRUSTED_PROXIES"] = "10.0.0.2,load-balancer"
    result = manage(environment, "check")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES holds 'load-balancer'" in result.stderr


def test_production_has_no_demo_mode_even_when_asked_for(tmp_path):
    environment = production_environment(tmp_path)
    environment["DEMO_MODE"] = "true"
    result = manage(
        environment,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEMO_MODE, settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True"]


def test_production_offers_no_demo_sign_in_even_with_demo_users_in_the_database(tmp_path):
    demo_paths = demo_sign_in_paths()
    assert demo_paths, "the access spec names no demo-only page"
    environment = production_environment(tmp_path)
    environment["DEMO_MODE"] = "true"
    script = (
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "from django.test import Client\n"
        "from django.urls import reverse\n"
        "from accounts.demo import DEMO_PASSWORD, ensure_demo_people\n"
        "from method.seeds import ensure_seeded\n"
        "call_command('migrate', verbosity=0)\n"
        "ensure_seeded()\n"
        "ensure_demo_people()\n"
        "from django.test.utils import override_settings\n"
        "plain_static = {**settings.STORAGES, 'staticfiles': {'BACKEND': "
        "'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
        "override_settings(ALLOWED_HOSTS=['testserver'], STORAGES=plain_static).enable()  # no collectstatic here\n"
        f"for path in {demo_paths!r}:\n"
        "    print('demo', Client().get(path, secure=True).status_code,"
        " Client().post(path, {'username': 'koordinaator'}, secure=True).status_code)\n"
        "page = Client().get(reverse('accounts:login'), secure=True)\n"
        "print('login-page', page.status_code, 'koordinaator' in page.content.decode())\n"
        "signed = Client().post(reverse('accounts:login'),"
        " {'username': 'koordinaator', 'password': DEMO_PASSWORD}, secure=True)\n"
        "print('password', signed.status_code, '_auth_user_id' in signed.wsgi_request.session)\n"
    )
    result = manage(environment, "shell", "--no-imports", "-c", script)
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
    demo_answers = [line[1:] for line in lines if line[0] == "demo"]
    assert demo_answers == [["404", "404"]] * len(demo_paths), result.stdout
    # The sign-in page lists no demo user, and a demo user's password does not sign anyone in.
    assert ["login-page", "200", "False"] in lines, result.stdout
    assert ["password", "200", "False"] in lines, result.stdout


def test_local_defaults_need_no_environment(tmp_path):
    environment = {key: value for key, value in production_environment(tmp_path).items() if key not in REQUIRED}
    del environment["TAGASIVAADE_ENV"]
    result = manage(
        environment,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEMO_MODE, settings.DATABASES['default']['ENGINE'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]
