"""Translations guard: every Vietnamese string translated, and the .mo files up to date.

``--compile`` writes the .mo files (with polib, so GNU gettext is not needed to build);
without it, the script fails when a committed .mo differs from its .po or when a
Vietnamese entry is missing or fuzzy.
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "ctxh" / "locale"


def main(compile_: bool) -> int:
    problems = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        if po_path.parts[-3] == "vi":
            for entry in po:
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags or not (
                    entry.msgstr or any(entry.msgstr_plural.values())
                ):
                    problems.append(f"{po_path.name}: untranslated or fuzzy: {entry.msgid!r}")
        compiled = po.to_binary()
        if compile_:
            mo_path.write_bytes(compiled)
        elif not mo_path.exists() or mo_path.read_bytes() != compiled:
            problems.append(f"{mo_path} is out of date: run `make messages`")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} translation problem(s)")
        return 1
    print("translations: complete and compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main("--compile" in sys.argv))
