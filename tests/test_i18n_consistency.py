"""Django merges every app's catalog into one: a msgid (with its context) translated two ways in two
apps shows whichever catalog wins, on every page. Each one must read the same everywhere; a word
that needs two meanings gets a context (pgettext) or a more precise msgid."""

from collections import defaultdict
from pathlib import Path

import polib

SRC = Path(__file__).resolve().parent.parent / "src" / "presales"


def test_one_translation_per_msgid_across_apps():
    seen: dict[tuple[str | None, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    catalogs = sorted(SRC.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
    assert catalogs, "no catalogs found"
    for path in catalogs:
        app = path.parts[-5]
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgstr and not entry.msgstr_plural:
                continue
            text = entry.msgstr or entry.msgstr_plural.get(0, "")
            seen[(entry.msgctxt, entry.msgid)][text].append(app)
    conflicts = {
        key: dict(translations) for key, translations in seen.items() if len(translations) > 1
    }
    assert not conflicts, "\n".join(
        f"{ctx + ' | ' if ctx else ''}{msgid!r}: " + "; ".join(f"{t} ({', '.join(apps)})" for t, apps in tr.items())
        for (ctx, msgid), tr in sorted(conflicts.items(), key=lambda kv: kv[0][1])
    )
