"""``regie users add`` and ``regie users token`` (domain.md section 12): exit codes 0, 1
(rejected input, with the reason on stderr) and 2 (wrong usage), idempotent by name."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model

from regie.accounts.models import ApiToken, Role, UserRole
from regie.accounts.tokens import digest
from regie.cli import main
from tests.catalog.factories import load_file

OWN, OTHER = "12345678", "87654321"


@pytest.fixture
def catalog(db: None) -> None:
    load_file("two_providers.toml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_adding_a_user_before_the_catalog_is_rejected(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "users", "add", "ans", "--role", "gemeente")
    assert code == 1 and out == ""
    assert "laad eerst een catalogus" in err
    assert not get_user_model().objects.filter(username="ans").exists()


def test_add_is_idempotent_by_name_and_updates_the_role(catalog: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "users", "add", "piet", "--role", "aanbieder", "--provider", OWN, "--json")
    assert code == 0
    assert json.loads(out) == {
        "user": "piet",
        "role": "aanbieder",
        "provider": OWN,
        "providers": [],
        "created": True,
    }
    code, out, _ = run(capsys, "users", "add", "piet", "--role", "aanbieder", "--provider", OWN, "--json")
    assert code == 0 and json.loads(out)["created"] is False
    assert get_user_model().objects.filter(username="piet").count() == 1
    code, _, err = run(capsys, "users", "add", "piet", "--role", "raad")
    assert code == 0 and "bijgewerkt" in err
    role = UserRole.objects.get(user__username="piet")
    assert (role.role, role.provider) == (Role.COUNCIL, None)
    user = get_user_model().objects.get(username="piet")
    assert not user.has_usable_password()  # no password given: only a token logs in


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--role", "aanbieder"], "--role aanbieder vraagt --provider AGB"),
        (["--role", "gemeente", "--provider", OWN], "--provider hoort alleen bij --role aanbieder"),
        (["--role", "aanbieder", "--provider", OWN, "--providers", OTHER], "--providers hoort alleen bij"),
    ],
)
def test_wrong_usage_exits_2_and_changes_nothing(
    catalog: None, capsys: pytest.CaptureFixture[str], argv: list[str], reason: str
) -> None:
    code, out, err = run(capsys, "users", "add", "kees", *argv)
    assert code == 2 and out == "" and reason in err
    assert not get_user_model().objects.filter(username="kees").exists()


def test_an_unknown_role_is_wrong_usage(catalog: None) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["users", "add", "kees", "--role", "wethouder"])
    assert exc.value.code == 2


def test_an_unknown_provider_is_rejected_with_its_agb(catalog: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "users", "add", "kees", "--role", "relatiebeheerder", "--providers", f"{OWN},11112222")
    assert code == 1 and "11112222" in err and OWN not in err
    assert not get_user_model().objects.filter(username="kees").exists()


def test_a_relationship_manager_looks_after_its_providers(catalog: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "users", "add", "rb", "--role", "relatiebeheerder", "--providers", f"{OTHER},{OWN}", "--json"
    )
    assert code == 0 and json.loads(out)["providers"] == [OTHER, OWN]
    assert sorted(UserRole.objects.get(user__username="rb").providers.values_list("agb", flat=True)) == [OWN, OTHER]
    run(capsys, "users", "add", "rb", "--role", "relatiebeheerder", "--providers", OWN)
    assert list(UserRole.objects.get(user__username="rb").providers.values_list("agb", flat=True)) == [OWN]


def test_password_from_stdin(
    catalog: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord\n"))
    code, _, _ = run(capsys, "users", "add", "gea", "--role", "gemeente", "--password-stdin")
    assert code == 0
    user = get_user_model().objects.get(username="gea")
    assert user.check_password("een-lang-wachtwoord") and user.is_staff
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    code, _, err = run(capsys, "users", "add", "gea", "--role", "gemeente", "--password-stdin")
    assert code == 1 and "wachtwoord afgekeurd" in err
    assert get_user_model().objects.get(username="gea").check_password("een-lang-wachtwoord")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "users", "add", "gea", "--role", "gemeente", "--password-stdin")
    assert code == 1 and "geen wachtwoord" in err


def test_token_prints_only_the_token_and_stores_its_hash(catalog: None, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "users", "add", "piet", "--role", "aanbieder", "--provider", OWN)
    code, out, err = run(capsys, "users", "token", "piet")
    token = out.strip()
    assert code == 0 and out == token + "\n" and len(token) >= 40
    assert "geldig tot" in err and token not in err
    stored = ApiToken.objects.get(user__username="piet")
    assert stored.digest == digest(token) and token not in stored.digest
    code, out, _ = run(capsys, "users", "token", "piet", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["user"] == "piet" and doc["token"] != token and doc["expires"]
    assert ApiToken.objects.get(user__username="piet").digest == digest(doc["token"])  # the old one is gone


def test_token_for_an_unknown_user_is_rejected(catalog: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "users", "token", "niemand")
    assert code == 1 and out == "" and "gebruiker 'niemand' bestaat niet" in err
    get_user_model().objects.create(username="zonder-rol")
    code, _, err = run(capsys, "users", "token", "zonder-rol")
    assert code == 1 and "heeft geen rol" in err
