"""The Spanish catalogue is complete, compiled, and what Spanish speakers actually see."""

from __future__ import annotations

import ast
import gettext
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from staffroom.accounts.tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "staffroom" / "locale" / "es" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
MSGFMT = shutil.which("msgfmt") or "msgfmt"


def _require_msgfmt() -> None:
    # Fail, never skip: a catalogue nobody can check is a catalogue nobody checks.
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext is missing: apt-get install gettext (.ci/run does this)")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [value for key, value in self.fields.items() if key.startswith("msgstr")]


def read_po(path: Path) -> list[Entry]:
    """The active entries of a .po file (obsolete `#~` entries are left out, as msgfmt does)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        finished = entry is None or any(k.startswith("msgstr") for k in entry.fields)
        if finished and line.startswith(("#", "msgctxt", "msgid ")):
            entry = Entry(line=number)
            entries.append(entry)
        assert entry is not None, f"{path}:{number}: text before the first entry"
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry.fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry.fields[key] = ast.literal_eval(value)
    return entries


def catalogue_of(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _leave_the_language_as_it_was() -> Iterator[None]:
    # The middleware activates Spanish for the test thread; other tests expect English.
    previous = translation.get_language()
    yield
    translation.activate(previous)


# --- The catalogue ------------------------------------------------------------------------------


def test_the_spanish_catalogue_has_every_message_translated_and_none_fuzzy() -> None:
    entries = read_po(PO)
    header, messages = entries[0], entries[1:]
    assert header.msgid == ""
    assert "Language: es\n" in header.fields["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.fields["msgstr"]
    assert len(messages) > 100

    fuzzy = [(e.line, e.msgid) for e in entries if "fuzzy" in e.flags]
    untranslated = [(e.line, e.msgid) for e in messages if not all(e.translations)]
    assert fuzzy == [], f"Fuzzy entries in {PO.name}: {fuzzy}"
    assert untranslated == [], f"Untranslated entries in {PO.name}: {untranslated}"
    plurals = [e for e in messages if "msgid_plural" in e.fields]
    assert plurals
    assert [e.msgid for e in plurals if len(e.translations) != 2] == []


def test_the_spanish_catalogue_compiles_cleanly_with_msgfmt() -> None:
    _require_msgfmt()
    result = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr
    assert "untranslated" not in result.stderr
    assert "translated message" in result.stderr


def test_the_committed_mo_file_is_the_compiled_po_file(tmp_path: Path) -> None:
    _require_msgfmt()
    fresh = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "--check", "-o", str(fresh), str(PO)], check=True)
    assert catalogue_of(MO) == catalogue_of(fresh), (
        "django.mo is out of date: run `make messages` (or compilemessages) and commit the .mo"
    )


# --- What people see ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_spanish_speaker_sees_the_home_page_and_directory_in_spanish(client: Client) -> None:
    client.force_login(PersonFactory(preferred_language="es"))

    home = client.get(reverse("channels:feed")).content.decode()
    assert '<html lang="es">' in home
    for spanish in ("Qué gusto verte", "Dónde trabajas", "Busca a un colega", "Cerrar sesión"):
        assert spanish in home
    assert "Sign out" not in home

    directory = client.get(reverse("organisation:directory")).content.decode()
    assert '<html lang="es">' in directory
    assert "<title>Personas · Staffroom</title>" in directory
    assert "Busca a un colega por nombre, puesto, unidad o departamento." in directory
    assert "Find a colleague" not in directory


@pytest.mark.django_db
def test_a_spanish_speaker_sees_a_missing_page_explained_in_spanish(client: Client) -> None:
    client.force_login(PersonFactory(preferred_language="es"))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "No encontramos esa página" in response.content.decode()


@pytest.mark.django_db
def test_an_english_speaker_still_sees_english(client: Client) -> None:
    client.force_login(PersonFactory(preferred_language="en"))
    home = client.get(reverse("channels:feed")).content.decode()
    assert '<html lang="en">' in home
    assert "Sign out" in home


@pytest.mark.django_db
def test_a_visitor_switches_the_sign_in_page_to_spanish_from_the_footer(client: Client) -> None:
    login = reverse("accounts:login")
    english = client.get(login).content.decode()
    assert "Sign in to Staffroom" in english
    assert 'name="language"' in english

    response = client.post(reverse("set_language"), {"language": "es", "next": login})
    assert response.status_code == 302
    assert response.headers["Location"] == login

    spanish = client.get(login).content.decode()
    assert '<html lang="es">' in spanish
    assert "<title>Iniciar sesión · Staffroom</title>" in spanish
    assert "Inicia sesión en Staffroom" in spanish
    assert "¿Olvidaste tu contraseña o nunca creaste una?" in spanish
