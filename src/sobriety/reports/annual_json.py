"""The annual report's JSON file: every figure shown in the PDF and the HTML page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_json(figures: dict[str, Any], path: Path) -> Path:
    text = json.dumps(figures, ensure_ascii=False, indent=2, allow_nan=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return Path(path)
