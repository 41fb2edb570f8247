"""Numbers print in the Vietnamese way (23.912) because USE_THOUSAND_SEPARATOR is on — so an
id printed raw in a template becomes "3.552" once ids pass 999 (PostgreSQL reaches that
early): a form field ``rank-3.552`` or a link ``?period=1.204`` then breaks. Every id a
template prints, and every page number in a link, goes through ``|stringformat:"d"`` (or
``{% url %}``, which never localises)."""

import re
from pathlib import Path

RAW_ID = re.compile(
    # (a form's bound field such as ``form.client_id`` renders an input: not an id)
    r"\{\{\s*(?!form\.)(?:\w+\.)*(?:pk|id|\w+_id|previous_page_number|next_page_number)\s*\}\}"
)
ROOT = Path(__file__).resolve().parents[2]


def test_no_template_prints_an_id_unformatted():
    offenders = []
    for path in ROOT.rglob("*.html"):
        if "vendor" in path.parts:
            continue
        text = path.read_text()
        # blocktranslate bodies cannot take filters; ids are not printed there.
        text = re.sub(r"\{% blocktranslate.*?%\}.*?\{% endblocktranslate %\}", "", text, flags=re.S)
        for match in RAW_ID.finditer(text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, "\n".join(offenders)


def test_an_id_above_999_prints_without_a_separator(settings):
    from django.template import Context, Template
    from django.utils import translation

    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("vi"):
        raw = Template("{{ n }}").render(Context({"n": 3552}))
        formatted = Template('{{ n|stringformat:"d" }}').render(Context({"n": 3552}))
    assert raw == "3.552" and formatted == "3552"
