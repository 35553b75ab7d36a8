"""Read a team report page as the tests need it: its HTML parts and its embedded data."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from gapdiag.notebook.report.data import DETAIL_FIELDS, REP_FIELDS

WORDS_JS = Path(__file__).resolve().parents[1] / "gapdiag" / "notebook" / "report" / "words.js"
_RUN = """
const vm = require('vm'), fs = require('fs');
vm.runInThisContext(fs.readFileSync(process.argv[1], 'utf8'));
const calls = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = calls.map(([name, ...args]) => gapdiagWords[name](...args));
process.stdout.write(JSON.stringify(out));
"""


def script_words(calls: list[list[Any]]) -> list[str]:
    """Each call ``[name, *args]`` of the page script's `gapdiagWords`, run in one node."""
    node = shutil.which("node")
    assert node is not None, "node is needed to read the words the page's script says"
    if not calls:
        return []
    done = subprocess.run(
        [node, "-e", _RUN, str(WORDS_JS)],
        input=json.dumps(calls, allow_nan=False),
        capture_output=True,
        text=True,
        check=True,
    )
    out: list[str] = json.loads(done.stdout)
    return out


class Page(HTMLParser):
    """The parts of a report page the tests read: visible text, elements, links, data."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self._skip = 0
        self.feed(html)
        found = re.search(r'<script type="application/json" id="gapdiag-data">(.*?)</script>', html)
        more = re.search(
            r'<script type="application/json" id="gapdiag-details">(.*?)</script>', html
        )
        assert found is not None, "no embedded data"
        assert more is not None, "no embedded details"
        self.data: dict[str, Any] = json.loads(found.group(1))
        self.details: dict[str, Any] = json.loads(more.group(1))
        self._standings: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append((tag, values))
        if "id" in values:
            assert values["id"] not in self.ids, f"duplicate id {values['id']}"
            self.ids.add(values["id"])
        if tag == "a":
            self.hrefs.append(values.get("href", ""))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    @property
    def visible(self) -> str:
        """All text outside scripts and styles (the server-drawn parts of the page)."""
        return " ".join(self.text)

    @property
    def reps(self) -> list[dict[str, Any]]:
        """Every rep of the data, most urgent first, with its texts looked up."""
        return [self._rep(i, r) for i, r in enumerate(self.data["reps"])]

    def words(self) -> str:
        """Every text of the data (what the script can show), one per line."""
        return "\n".join([*self.data["s"], *self.details["s"], *self.standings()])

    def standings(self) -> list[str]:
        """Each rep's standing sentence as the page shows it (figures worded by the script)."""
        if self._standings is None:
            at = DETAIL_FIELDS.index("standing")
            said = [d[at] for d in self.details["d"]]
            words = [self._s(r[REP_FIELDS.index("standing")][1]) for r in self.data["reps"]]
            calls = [["standing", w, s] for w, s in zip(words, said, strict=True)]
            script = iter(script_words([c for c in calls if isinstance(c[2], list)]))
            self._standings = [
                next(script) if isinstance(s, list) else str(self.details["s"][s]) for s in said
            ]
        return self._standings

    def _s(self, index: int) -> str:
        return str(self.data["s"][index]) if index > 0 else ""

    def _rep(self, index: int, raw: list[Any]) -> dict[str, Any]:
        rep = dict(zip(REP_FIELDS, raw, strict=True))
        s = self._s
        for key in ("id", "name", "gap", "status", "action", "say"):
            rep[key] = s(rep[key])
        rep["team"] = self.data["teams"][rep["team"]][0]
        rep["standing"] = s(rep["standing"][0])
        rep["urgency"] = self.data["urgency"][rep["urgency"]][0]
        rep["move"] = [s(i) for i in rep["move"]] if rep["move"] else None
        detail = dict(zip(DETAIL_FIELDS, self.details["d"][index], strict=True))

        def d(i: int) -> str:
            return str(self.details["s"][i]) if i > 0 else ""

        rep["verdicts"] = {d(g): (c, d(st), d(words)) for g, st, c, words in detail["verdicts"]}
        for key in ("period", "headline", "focus", "pip", "tree_end", "still_open"):
            detail[key] = d(detail[key])
        detail["standing"] = self.standings()[index]
        detail["watch"] = [d(i) for i in detail["watch"]]
        for key in ("evidence", "tree"):
            detail[key] = [(d(a), d(b), [d(c) for c in cs]) for a, b, cs in detail[key]]
        rules = self.details["rules"]
        detail["fired"] = [rules[i] for i in detail["fired"]]
        detail["open_rules"] = [rules[i] for i in detail["open_rules"]]
        rep["detail"] = detail
        return rep
