"""The annual report as one self-contained HTML page (no external file or script).

Rendered with jinja2, autoescaped (every label and user text is escaped);
the charts are inlined as base64 PNG images.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from sobriety.i18n import _

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60em; margin: 2em auto;
       color: #000; background: #fff; line-height: 1.4; }
h1 { font-size: 1.6em; border-bottom: 2px solid #000; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #555; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid #777; padding: 0.2em 0.5em; }
th { background: #e6e6e6; text-align: left; }
td.n { text-align: right; white-space: nowrap; }
img { max-width: 100%; }
@media print { h2 { page-break-before: always; } }
</style>
</head>
<body>
<h1>{{ title }}</h1>
{% for s in sections %}
<section id="{{ s.key }}">
<h2>{{ s.title }}</h2>
{% for p in s.paragraphs %}<p>{{ p }}</p>
{% endfor %}
{% for c in s.charts %}<figure><img alt="{{ c.alt }}"
 src="data:image/png;base64,{{ c.data }}"></figure>
{% endfor %}
{% for t in s.tables %}{% if t.headers %}
<table>{% if t.title %}<caption>{{ t.title }}</caption>{% endif %}
<thead><tr>{% for h in t.headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in t.rows %}<tr>{% for cell in row %}
<td{% if loop.index > t.text_columns %} class="n"{% endif %}>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% endif %}
{% endfor %}
</section>
{% endfor %}
</body>
</html>
"""


def render_html(figures: dict[str, Any], charts: dict[str, bytes] | None = None) -> str:
    """The page; ``charts`` are the PNG charts already drawn (drawn here when None)."""
    from jinja2 import Environment

    from sobriety.reports.annual_charts import render_all
    from sobriety.reports.annual_view import build_view

    env = Environment(autoescape=True)
    view = build_view(figures)
    if charts is None:
        charts = render_all(figures, [c for s in view for c in s.charts])
    sections = []
    for s in view:
        images = [
            {"alt": name, "data": base64.b64encode(charts[name]).decode("ascii")}
            for name in s.charts
        ]
        sections.append({**vars(s), "charts": images})
    title = _("Numérique responsable: annual report {year}").format(year=figures["year"])
    return env.from_string(TEMPLATE).render(
        lang=figures.get("lang", "en"), title=title, sections=sections
    )


def write_html(figures: dict[str, Any], path: Path, charts: dict[str, bytes] | None = None) -> Path:
    Path(path).write_text(render_html(figures, charts), encoding="utf-8")
    return Path(path)
