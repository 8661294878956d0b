"""Translation catalogs: complete, compiled, and in step with the source code.

Each bounded context owns its strings: `src/presales/<app>/locale/zh_Hans/LC_MESSAGES/django.po`
(msgids in English, Simplified Chinese is the UI default), with the compiled `django.mo` committed
beside it so that running the app needs no gettext tools. For every app that has a catalog:

- every entry is translated (all plural forms too), none is fuzzy, none is obsolete, and the
  `%(name)s` placeholders of a translation are those of its msgid;
- the committed `.mo` says exactly what the `.po` says (forgotten `make compilemessages`);
- every string marked for translation in the app's Python and templates is in its `.po`, and the
  `.po` has no entries the code no longer uses (forgotten `make messages`).

The same checks are run against a small fake app built in a temporary folder, so that this module
proves the tooling works even before any app has a catalog.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest

APPS_DIR = Path(__file__).resolve().parent.parent / "src" / "presales"
CATALOG_DIR = Path("locale", "zh_Hans", "LC_MESSAGES")
CATALOGS = sorted(APPS_DIR.glob(f"*/{CATALOG_DIR.as_posix()}/django.po"))
HAS_XGETTEXT = shutil.which("xgettext") is not None
HAS_MSGFMT = shutil.which("msgfmt") is not None

needs_xgettext = pytest.mark.skipif(not HAS_XGETTEXT, reason="xgettext (gettext) is not installed")

# One printf-style conversion: %(name)s, %s, %5.2f ... (%% is a literal percent sign).
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[a-zA-Z%])"
)


def app_of(po_path: Path) -> Path:
    """src/presales/<app>/locale/zh_Hans/LC_MESSAGES/django.po -> src/presales/<app>."""
    return po_path.parents[3]


# --- the checks (each returns a list of human-readable problems; empty means fine) ---------------


def entry_key(entry: polib._BaseEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def describe(entry: polib._BaseEntry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context}"


def placeholders(text: str) -> tuple[Counter, int]:
    """Named placeholders (with their counts) and the number of unnamed ones in a format string."""
    named: Counter = Counter()
    unnamed = 0
    for match in PLACEHOLDER.finditer(text):
        if match["conv"] == "%":
            continue
        if match["name"] is not None:
            named[match["name"]] += 1
        else:
            unnamed += 1
    return named, unnamed


def same_placeholders(source: str, translation: str) -> bool:
    (src_named, src_unnamed), (tr_named, tr_unnamed) = placeholders(source), placeholders(translation)
    return set(src_named) == set(tr_named) and src_unnamed == tr_unnamed


def catalog_problems(po: polib.POFile) -> list[str]:
    """Untranslated, fuzzy or obsolete entries, and translations that lose or invent placeholders."""
    problems = []
    for entry in po:
        if entry.obsolete:
            problems.append(f"obsolete entry {describe(entry)} (run `make messages`, it drops them)")
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy entry {describe(entry)}: review the translation, remove the flag")
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            if not forms or not all(form.strip() for form in forms):
                problems.append(f"untranslated plural form in {describe(entry)}")
                continue
            translations = [(entry.msgid_plural, form) for form in forms]
        else:
            if not entry.msgstr.strip():
                problems.append(f"untranslated entry {describe(entry)}")
                continue
            translations = [(entry.msgid, entry.msgstr)]
        if "python-format" in entry.flags:
            for source, translation in translations:
                if not same_placeholders(source, translation):
                    problems.append(
                        f"placeholders differ in {describe(entry)}: {translation!r} vs {source!r}"
                    )
    return problems


def compiled(mo: polib.MOFile) -> set[tuple]:
    return {
        (e.msgctxt or "", e.msgid, e.msgid_plural or "", e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in mo
    }


def mo_problems(po_path: Path) -> list[str]:
    """Differences between the committed .mo and the .po compiled in memory by polib."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path.name} is missing: run `make compilemessages` and commit it"]
    po = polib.pofile(str(po_path))
    expected, actual = polib.mofile(po.to_binary()), polib.mofile(str(mo_path))
    problems = []
    stale = compiled(expected) ^ compiled(actual)
    if stale:
        sample = sorted({repr(item[1]) for item in stale})[:5]
        problems.append(
            f"{mo_path.name} is out of date with {po_path.name} ({len(stale)} differing entries, "
            f"e.g. {', '.join(sample)}): run `make compilemessages` and commit it"
        )
    if expected.metadata.get("Plural-Forms") != actual.metadata.get("Plural-Forms"):
        problems.append(f"{mo_path.name} has another Plural-Forms header: run `make compilemessages`")
    return problems


def extracted_msgids(app_dir: Path, workdir: Path) -> set[tuple[str, str, str]]:
    """Run makemessages on a copy of the app (the committed catalog left out) and return the keys
    of every string marked for translation in its Python files and templates."""
    copy = workdir / app_dir.name
    shutil.copytree(
        app_dir, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "django.po", "django.mo")
    )
    (copy / CATALOG_DIR).mkdir(parents=True, exist_ok=True)
    # No settings: makemessages configures its own, and must not import (or need) the project's.
    # `-P`: the cwd is not put on sys.path, or an app's `selectors.py` would shadow the stdlib's.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "zh_Hans",
         "--ignore", "migrations/*", "-e", "html,py,txt", "--no-obsolete"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, f"makemessages failed in {copy}:\n{result.stdout}\n{result.stderr}"
    generated = copy / CATALOG_DIR / "django.po"
    if not generated.exists():  # nothing marked for translation at all
        return set()
    return {entry_key(e) for e in polib.pofile(str(generated)) if not e.obsolete}


def extraction_problems(app_dir: Path, po_path: Path, workdir: Path) -> list[str]:
    """Strings in the code but not in the catalog, and catalog entries the code no longer has."""
    in_code = extracted_msgids(app_dir, workdir)
    in_catalog = {entry_key(e) for e in polib.pofile(str(po_path)) if not e.obsolete}
    problems = [
        f"marked for translation but missing from the catalog: {key[1]!r}"
        + (f" (context {key[0]!r})" if key[0] else "")
        for key in sorted(in_code - in_catalog)
    ]
    problems += [
        f"in the catalog but no longer in the code: {key[1]!r}" for key in sorted(in_catalog - in_code)
    ]
    if problems:
        problems.append(f"run `make messages`, translate, `make compilemessages` for {app_dir.name}")
    return problems


# --- the project's catalogs ----------------------------------------------------------------------

catalog_params = pytest.mark.parametrize("po_path", CATALOGS, ids=[app_of(p).name for p in CATALOGS])


@catalog_params
def test_catalog_is_fully_translated(po_path):
    problems = catalog_problems(polib.pofile(str(po_path)))
    assert not problems, f"{po_path.relative_to(APPS_DIR)}:\n  " + "\n  ".join(problems)


@catalog_params
def test_compiled_catalog_is_up_to_date(po_path):
    problems = mo_problems(po_path)
    assert not problems, f"{po_path.relative_to(APPS_DIR)}:\n  " + "\n  ".join(problems)


@needs_xgettext
@catalog_params
def test_catalog_has_every_string_of_the_code(po_path, tmp_path):
    problems = extraction_problems(app_of(po_path), po_path, tmp_path)
    assert not problems, f"{po_path.relative_to(APPS_DIR)}:\n  " + "\n  ".join(problems)


# --- the tooling itself, on a fake app ------------------------------------------------------------

FAKE_MODELS = '''\
from django.utils.translation import gettext_lazy as _, ngettext, pgettext

TITLE = _("Customers")
GREETING = _("Hello %(name)s") % {"name": "demo"}
STAGE = pgettext("opportunity stage", "Lead")


def items(count):
    return ngettext("%(count)d item", "%(count)d items", count) % {"count": count}
'''
FAKE_TEMPLATE = """{% load i18n %}<h1>{% translate "Open requests" %}</h1>
{% blocktranslate count counter=days %}{{ counter }} day overdue{% plural %}{{ counter }} days overdue{% endblocktranslate %}
"""  # noqa: E501
FAKE_MIGRATION = 'from django.utils.translation import gettext_lazy as _\nLABEL = _("Only in a migration")\n'
FAKE_TRANSLATIONS = {
    "Customers": "客户",
    "Hello %(name)s": "你好，%(name)s",
    "Lead": "商机获取",
    "%(count)d items": "%(count)d 项",
    "Open requests": "未结申请",
    "%(counter)s days overdue": "逾期 %(counter)s 天",
    "Only in a migration": "仅在迁移中",
}
FAKE_KEYS = {
    ("", "Customers", ""),
    ("", "Hello %(name)s", ""),
    ("opportunity stage", "Lead", ""),
    ("", "%(count)d item", "%(count)d items"),
    ("", "Open requests", ""),
    ("", "%(counter)s day overdue", "%(counter)s days overdue"),
}


def make_fake_app(root: Path) -> Path:
    app = root / "fakeapp"
    (app / "templates" / "fakeapp").mkdir(parents=True)
    (app / "migrations").mkdir()
    (app / CATALOG_DIR).mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(FAKE_MODELS)
    (app / "selectors.py").write_text("import subprocess\n")  # shadows the stdlib module of that name
    (app / "templates" / "fakeapp" / "page.html").write_text(FAKE_TEMPLATE)
    (app / "migrations" / "__init__.py").write_text("")
    (app / "migrations" / "0001_initial.py").write_text(FAKE_MIGRATION)
    return app


def hand_made_catalog(keys=FAKE_KEYS) -> polib.POFile:
    """The catalog `make messages` would write for the fake app, translated."""
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "zh_Hans",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for context, msgid, plural in sorted(keys):
        flags = ["python-format"] if "%(" in msgid + plural else []
        if plural:
            text = FAKE_TRANSLATIONS[plural]
            po.append(polib.POEntry(msgctxt=context or None, msgid=msgid, msgid_plural=plural,
                                    msgstr_plural={0: text, 1: text}, flags=flags))  # fmt: skip
        else:
            po.append(polib.POEntry(msgctxt=context or None, msgid=msgid, msgstr=FAKE_TRANSLATIONS[msgid],
                                    flags=flags))  # fmt: skip
    return po


def translate(po: polib.POFile) -> None:
    for entry in po:
        if entry.msgid_plural:
            text = FAKE_TRANSLATIONS[entry.msgid_plural]
            entry.msgstr_plural = {k: text for k in (entry.msgstr_plural or {0: ""})}
        else:
            entry.msgstr = FAKE_TRANSLATIONS[entry.msgid]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")


def write_catalog(app: Path, po: polib.POFile) -> Path:
    po_path = app / CATALOG_DIR / "django.po"
    po.save(str(po_path))
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    return po_path


def test_checks_accept_a_complete_catalog_and_flag_each_kind_of_problem(tmp_path):
    po_path = write_catalog(make_fake_app(tmp_path), hand_made_catalog())
    assert catalog_problems(polib.pofile(str(po_path))) == []
    assert mo_problems(po_path) == []

    po = polib.pofile(str(po_path))
    po.find("Customers").msgstr = ""
    po.find("Open requests").flags.append("fuzzy")
    po.find("%(count)d item").msgstr_plural[0] = ""
    po.find("Hello %(name)s").msgstr = "你好，%(nmae)s"
    gone = polib.POEntry(msgid="Removed feature", msgstr="已删除的功能", obsolete=True)
    po.append(gone)
    po.save(str(po_path))  # ... and the .mo not recompiled
    problems = "\n".join(catalog_problems(polib.pofile(str(po_path))))
    assert "untranslated entry 'Customers'" in problems
    assert "fuzzy entry 'Open requests'" in problems
    assert "untranslated plural form in '%(count)d item'" in problems
    assert "placeholders differ in 'Hello %(name)s'" in problems
    assert "obsolete entry 'Removed feature'" in problems
    assert any("out of date" in p for p in mo_problems(po_path))

    po_path.with_suffix(".mo").unlink()
    assert any("is missing" in p for p in mo_problems(po_path))


def test_placeholder_comparison():
    assert same_placeholders("%(count)d items, %(name)s", "%(name)s：%(count)d 项")
    assert same_placeholders("100%% done for %s", "已完成 100%%：%s")
    assert not same_placeholders("%(count)d items", "%(cnt)d 项")
    assert not same_placeholders("%s of %s", "%s")


@needs_xgettext
def test_extraction_finds_every_marked_string_of_an_app(tmp_path):
    app = make_fake_app(tmp_path / "src")
    work = tmp_path / "work"

    # What makemessages sees: Python and templates, with context and plurals; not migrations.
    assert extracted_msgids(app, work / "1") == FAKE_KEYS

    # The real workflow: makemessages in the app, translate, compile; then everything agrees.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "zh_Hans", "--ignore", "migrations/*",
         "-e", "html,py,txt", "--no-obsolete"],
        cwd=app, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    po_path = app / CATALOG_DIR / "django.po"
    po = polib.pofile(str(po_path))
    translate(po)
    po.save()
    if HAS_MSGFMT:  # what `make compilemessages` does
        subprocess.run(["msgfmt", "--check-format", "-o", str(po_path.with_suffix(".mo")), str(po_path)],
                       check=True, timeout=60)  # fmt: skip
    else:
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
    assert catalog_problems(polib.pofile(str(po_path))) == []
    assert mo_problems(po_path) == []
    assert extraction_problems(app, po_path, work / "2") == []

    # A new string in the code, and a string the code dropped, are both reported.
    models = app / "models.py"
    models.write_text(models.read_text().replace('_("Customers")', '_("Key accounts")'))
    problems = extraction_problems(app, po_path, work / "3")
    assert "marked for translation but missing from the catalog: 'Key accounts'" in problems
    assert "in the catalog but no longer in the code: 'Customers'" in problems
