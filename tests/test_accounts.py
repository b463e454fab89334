"""Sign-in, sign-out, password change, the 403 page, throttled sign-ins, and the account commands."""

from __future__ import annotations

import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from articles.roles import ROLE_PERMISSIONS, Role, role_of, sync_roles
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, name: str, password: str, REMOTE_ADDR: str = "127.0.0.1", **fields):
    return client.post(LOGIN, {"username": name, "password": password, **fields}, REMOTE_ADDR=REMOTE_ADDR)


def signed_in_as(client) -> str | None:
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id).username if user_id else None


# --- sign-in, sign-out, password change ------------------------------------------------------


def test_sign_in_page_is_in_the_sites_style_with_labelled_fields(client):
    response = client.get(LOGIN)
    text = response.content.decode()
    assert response.status_code == 200
    assert "site-header" in text and "<h1>登录</h1>" in text
    assert '<label for="id_username">' in text and '<label for="id_password">' in text


def test_header_offers_sign_in_to_visitors_and_returns_them_to_the_page(client):
    text = client.get("/search?q=").content.decode()
    assert 'href="/accounts/login/?next=/search%3Fq%3D"' in text


def test_signing_in_returns_to_the_page_asked_for_and_shows_the_name(client):
    make_user("wang")
    response = sign_in(client, "wang", PASSWORD, next="/upload/")
    assert response.status_code == 302 and response["Location"] == "/upload/"
    text = client.get("/search").content.decode()
    assert "wang" in text and "退出" in text and "修改密码" in text
    assert ">登录<" not in text


def test_signing_in_without_a_next_page_goes_home(client):
    make_user("wang")
    response = sign_in(client, "wang", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_sign_in_never_redirects_off_site(client):
    make_user("wang")
    response = sign_in(client, "wang", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_message(client):
    make_user("wang")
    response = sign_in(client, "wang", "not-the-password")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert signed_in_as(client) is None


def test_inactive_user_cannot_sign_in(client):
    make_user("gone", is_active=False)
    sign_in(client, "gone", PASSWORD)
    assert signed_in_as(client) is None


def test_sign_out_is_a_post_and_returns_home(client):
    client.force_login(make_user("wang"))
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) is None


def test_password_change(client):
    user = make_user("wang")
    client.force_login(user)
    form = client.get("/accounts/password_change/")
    text = form.content.decode()
    assert form.status_code == 200 and "<h1>修改密码</h1>" in text
    assert '<label for="id_old_password">' in text and '<label for="id_new_password1">' in text
    new = "Li-Si-2026-newsroom"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/done/"
    assert "新密码已生效" in client.get(response["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password(new)
    assert signed_in_as(client) == "wang"  # the session survives its own password change


def test_password_change_refuses_a_weak_or_wrong_password(client):
    user = make_user("wang")
    client.force_login(user)
    weak = client.post("/accounts/password_change/", {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    wrong = client.post("/accounts/password_change/", {"old_password": "nope", "new_password1": "Li-Si-2026-x", "new_password2": "Li-Si-2026-x"})
    assert weak.status_code == 200 and wrong.status_code == 200
    assert 'class="errorlist' in weak.content.decode() and 'class="errorlist' in wrong.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_sign_in(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/accounts/password_change/"


# --- editor pages: visitors sign in, users without the role get a 403 that says why -----------


def test_visitor_sent_to_an_editor_page_is_taken_to_sign_in(client):
    response = client.get("/upload/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/upload/"


def test_signed_in_reader_gets_a_403_page_that_says_why(client):
    client.force_login(make_user("reader"))
    response = client.get("/upload/")
    text = response.content.decode()
    assert response.status_code == 403
    assert "site-header" in text and "没有权限" in text
    assert "reader" in text and "“编辑”" in text and "联系管理员" in text
    assert 'href="/accounts/login/?next=/upload/"' in text  # sign in as someone else


# --- throttled sign-ins (django-axes) -----------------------------------------------------------


def test_five_wrong_passwords_then_the_right_one_is_refused(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    make_user("wang")
    for _ in range(4):
        assert sign_in(client, "wang", "wrong").status_code == 200
    locked = sign_in(client, "wang", "wrong")
    assert locked.status_code == 429
    right = sign_in(client, "wang", PASSWORD)
    text = right.content.decode()
    assert right.status_code == 429
    assert "暂时不能登录" in text and "wang" in text and "连续 5 次" in text and "15 分钟" in text
    assert "site-header" in text
    assert signed_in_as(client) is None


def test_failures_count_only_in_a_row(client):
    make_user("wang")
    for _ in range(4):
        sign_in(client, "wang", "wrong")
    assert sign_in(client, "wang", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        sign_in(client, "wang", "wrong")
    assert sign_in(client, "wang", PASSWORD).status_code == 302


def test_lockout_keeps_other_names_at_the_same_address_out_of_it(client):
    make_user("wang")
    make_user("li")
    for _ in range(5):
        sign_in(client, "wang", "wrong")
    assert sign_in(client, "li", PASSWORD).status_code == 302


def test_lockout_is_per_address(client):
    make_user("wang")
    for _ in range(5):
        sign_in(client, "wang", "wrong", REMOTE_ADDR="10.0.0.1")
    assert client.post(LOGIN, {"username": "wang", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post(LOGIN, {"username": "wang", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_admin_sign_in_is_throttled_too(client):
    make_user("boss", is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    response = client.post("/admin/login/?next=/admin/", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 429
    assert AccessAttempt.objects.filter(username="boss").exists()


def test_lockout_settings_come_from_the_environment():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.seconds)"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "archive.settings", "SECRET_KEY": "x",
           "DATABASE_URL": "postgres://x@127.0.0.1/x", "AXES_FAILURE_LIMIT": "3", "AXES_COOLOFF_MINUTES": "2"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert proc.stdout.split() == ["3", "120"], proc.stderr
    env["AXES_FAILURE_LIMIT"] = "0"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "AXES_FAILURE_LIMIT" in proc.stderr


# --- roles (the groups come from the migration) -----------------------------------------------


def test_migration_makes_the_role_groups_with_their_permissions():
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.label)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == names, "articles/roles.py changed: add a migration that calls sync_roles with the new lists"
    assert ROLE_PERMISSIONS[Role.EDITOR] < ROLE_PERMISSIONS[Role.ADMIN]


def test_sync_roles_is_idempotent_and_restores_a_changed_group():
    editors = Group.objects.get(name=Role.EDITOR.label)
    editors.permissions.clear()
    sync_roles()
    sync_roles()
    assert Group.objects.filter(name__in=[r.label for r in Role]).count() == 2
    assert editors.permissions.count() == len(ROLE_PERMISSIONS[Role.EDITOR])


def test_role_of():
    assert role_of(make_user("reader")) is None
    assert role_of(make_user("editor", role=Role.EDITOR)) == Role.EDITOR
    assert role_of(make_user("admin", role=Role.ADMIN)) == Role.ADMIN
    assert role_of(User.objects.create_superuser("root", "", PASSWORD)) == Role.ADMIN
    both = make_user("both", role=Role.EDITOR)
    both.groups.add(Group.objects.get(name=Role.ADMIN.label))
    assert role_of(both) == Role.ADMIN
    assert role_of(make_user("gone", role=Role.ADMIN, is_active=False)) is None


def test_an_editor_may_publish_but_not_correct_or_manage_users():
    editor = make_user("editor", role=Role.EDITOR)
    assert editor.has_perms(["articles.add_page", "articles.publish_page"])
    assert not editor.has_perm("articles.correct_page") and not editor.has_perm("auth.change_user")
    assert not editor.is_staff
    admin = make_user("admin", role=Role.ADMIN)
    assert admin.is_staff and admin.has_perms(["articles.correct_page", "auth.change_user", "articles.publish_page"])


# --- manage.py createuser ----------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def createuser(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("createuser", *args, stdout=out, **options)
    return out.getvalue()


def test_createuser_makes_an_editor_from_the_environment_password(monkeypatch, client):
    monkeypatch.setenv("DJANGO_USER_PASSWORD", PASSWORD)
    out = createuser("li", "--role", "editor", "--email", "li@example.com")
    user = User.objects.get(username="li")
    assert "created li (editor, 编辑)" in out
    assert user.check_password(PASSWORD) and user.email == "li@example.com"
    assert role_of(user) == Role.EDITOR and not user.is_staff and not user.is_superuser
    assert sign_in(client, "li", PASSWORD).status_code == 302


def test_createuser_makes_an_admin_who_is_staff_from_a_prompted_password(monkeypatch):
    monkeypatch.delenv("DJANGO_USER_PASSWORD", raising=False)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    out = createuser("zhang", "--role", "admin", stdin=FakeTerminal())
    user = User.objects.get(username="zhang")
    assert "staff" in out and user.is_staff and not user.is_superuser
    assert role_of(user) == Role.ADMIN and user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("args", "env", "prompts", "message"),
    [
        (["li", "--role", "editor"], None, None, "DJANGO_USER_PASSWORD"),  # no terminal, no variable
        (["li", "--role", "editor"], None, [PASSWORD, PASSWORD + "x"], "differ"),
        (["li", "--role", "editor"], "", None, "empty"),
        (["li", "--role", "editor"], "12345678", None, "password refused"),
        (["li", "--role", "editor", "--email", "not-mail"], PASSWORD, None, "mail"),
        (["li li", "--role", "editor"], PASSWORD, None, "用户名|username"),
        (["taken", "--role", "editor"], PASSWORD, None, "already exists"),
    ],
    ids=["no-password", "prompts-differ", "empty-variable", "weak", "bad-email", "bad-name", "exists"],
)
def test_createuser_refuses_with_a_clear_message(monkeypatch, args, env, prompts, message):
    make_user("taken")
    if env is None:
        monkeypatch.delenv("DJANGO_USER_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("DJANGO_USER_PASSWORD", env)
    options = {}
    if prompts is not None:
        answers = iter(prompts)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
        options["stdin"] = FakeTerminal()
    with pytest.raises(CommandError, match=message):
        createuser(*args, **options)
    assert User.objects.filter(username__startswith="li").count() == 0


def test_createuser_needs_a_known_role(monkeypatch):
    monkeypatch.setenv("DJANGO_USER_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="invalid choice"):
        createuser("li", "--role", "owner")


# --- manage.py apitoken ------------------------------------------------------------------------


def apitoken(*args: str) -> str:
    out = io.StringIO()
    call_command("apitoken", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_apitoken_prints_a_key_once_and_stores_only_its_hash():
    from articles.auth import hash_key
    from articles.models import ApiToken

    user = make_user("bot", role=Role.EDITOR)
    key = apitoken("bot")
    assert len(key) >= 40 and "\n" not in key
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert token.created_at is not None and token.last_used_at is None
    with pytest.raises(CommandError, match="--rotate"):
        apitoken("bot")


def test_apitoken_rotate_replaces_the_key():
    from articles.models import ApiToken

    make_user("bot", role=Role.EDITOR)
    first = apitoken("bot")
    second = apitoken("bot", "--rotate")
    assert first != second
    assert ApiToken.objects.count() == 1


def test_apitoken_refuses_an_unknown_or_inactive_user():
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        apitoken("nobody")
    make_user("gone", role=Role.EDITOR, is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        apitoken("gone")


def test_apitoken_warns_when_the_user_has_no_role():
    make_user("reader")
    err = io.StringIO()
    call_command("apitoken", "reader", stdout=io.StringIO(), stderr=err)
    assert "no role" in err.getvalue()


def test_an_expired_form_gets_a_page_in_the_sites_style():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "wang", "password": PASSWORD})
    text = response.content.decode()
    assert response.status_code == 403
    assert "表单已过期" in text and "site-header" in text


def test_apitoken_revoke_deletes_the_token():
    from articles.models import ApiToken

    make_user("bot", role=Role.EDITOR)
    apitoken("bot")
    out = io.StringIO()
    call_command("apitoken", "bot", "--revoke", stdout=out)
    assert "revoked" in out.getvalue() and not ApiToken.objects.exists()
    with pytest.raises(CommandError, match="has no token"):
        call_command("apitoken", "bot", "--revoke", stdout=io.StringIO())
    assert apitoken("bot")  # a new one can be made again


def test_behind_a_proxy_failures_count_by_the_clients_address_not_the_proxys(client, settings):
    settings.BEHIND_PROXY = True  # every request comes from the proxy's address, 127.0.0.1
    make_user("wang")
    for _ in range(5):
        client.post(LOGIN, {"username": "wang", "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert client.post(LOGIN, {"username": "wang", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.66").status_code == 429
    # Another reader's wrong passwords do not lock the user out from where they sign in.
    assert client.post(LOGIN, {"username": "wang", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}


@pytest.mark.parametrize("url", [LOGIN, "/admin/login/"])
def test_a_user_name_longer_than_any_is_a_wrong_sign_in_not_a_500(client, url):
    response = client.post(url, {"username": "x" * 300, "password": "wrong"})
    assert response.status_code == 200 and signed_in_as(client) is None
    assert AccessAttempt.objects.get().username == "x" * 255  # recorded, cut to its column


@pytest.mark.parametrize(
    ("forwarded", "recorded"),
    [("203.0.113.66:51234", "203.0.113.66"), ("[2001:db8::1]:443", "2001:db8::1"), ("2001:db8::1", "2001:db8::1"), ("unknown", "127.0.0.1")],
)
def test_behind_a_proxy_a_forwarded_entry_with_a_port_or_no_address_is_no_500(client, settings, forwarded, recorded):
    settings.BEHIND_PROXY = True
    make_user("wang")
    assert client.post(LOGIN, {"username": "wang", "password": "wrong"}, HTTP_X_FORWARDED_FOR=forwarded).status_code == 200
    assert AccessAttempt.objects.get().ip_address == recorded  # the address, else the connection's
    assert client.post(LOGIN, {"username": "wang", "password": PASSWORD}, HTTP_X_FORWARDED_FOR=forwarded).status_code == 302
