"""Hypothesis strategies for hostile input: random bytes, deep nesting, aliases, odd Unicode,
huge numbers and wrong shapes, for rep JSON, rule and tree YAML, CSV populations and CRM exports."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from gapdiag.model.metrics import GROUPS as _GROUPS
from gapdiag.model.metrics import METRICS

GROUPS = sorted(_GROUPS)

# Characters that break naive readers: controls, escapes, BOMs, bidi overrides, other scripts'
# digits, surrogates-adjacent planes, formula starts, YAML and Markdown punctuation.
ODD = (
    "\x00\x07\x1b[31m\r\t\u0085\u2028\u202e\ufeff\u09ea\u0664\uff18"
    "=+-@$<>&|*_[]{}#!%:,'\"\\`~ \n\U0001f600\u0301"
)
odd_text = st.text(alphabet=st.sampled_from(ODD) | st.characters(), max_size=40)
huge_int = st.integers(min_value=-(10**400), max_value=10**400)
number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    huge_int,
    st.sampled_from([0, -0.0, 1e308, 5e-324, 2**63, -(2**63) - 1]),
)
scalar = st.one_of(st.none(), st.booleans(), number, odd_text)
KEYS = st.one_of(
    st.sampled_from(
        ["rep_id", "team", *GROUPS, "str", "int", "float", "bool", "none", "a[b]", "__class__"]
    ),
    st.sampled_from(sorted({p.split(".")[-1] for p in METRICS})),
    odd_text,
)


def json_values(leaves: st.SearchStrategy[Any] = scalar) -> st.SearchStrategy[Any]:
    """Nested JSON values of any shape."""
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
        max_leaves=30,
    )


@st.composite
def deep_json(draw: st.DrawFn) -> str:
    """Arrays or objects nested from 1 to 5,000 deep, maybe unbalanced."""
    depth = draw(st.integers(1, 5000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    inner = "1" if opener != "[" else ""
    cut = draw(st.integers(0, 2))
    return opener * depth + inner + closer * max(depth - cut, 0)


@st.composite
def rep_json(draw: st.DrawFn) -> bytes:
    """A rep file's bytes: a near-valid rep with hostile parts, or something else entirely."""
    base: dict[str, Any] = {"rep_id": draw(odd_text | st.just("r1"))}
    for group in draw(st.lists(st.sampled_from(GROUPS), max_size=4, unique=True)):
        fields = [p.split(".")[1] for p in METRICS if p.startswith(group + ".")]
        base[group] = draw(
            st.dictionaries(st.sampled_from(fields) | KEYS, scalar | json_values(), max_size=4)
            | json_values()
        )
    if draw(st.booleans()):
        base.update(draw(st.dictionaries(KEYS, json_values(), max_size=3)))
    text = json.dumps(base, allow_nan=True, ensure_ascii=draw(st.booleans()))
    choice = draw(st.integers(0, 6))
    if choice == 0:
        return draw(st.binary(max_size=200))
    if choice == 1:
        return draw(deep_json()).encode()
    if choice == 2:
        return _utf8(json.dumps(draw(json_values()), ensure_ascii=False))
    if choice == 3:  # a duplicate key or a cut-off document
        return _utf8(text[:-1] + ', "rep_id": "x"}' if draw(st.booleans()) else text[:-3])
    if choice == 4:
        return b"\xef\xbb\xbf" + _utf8(text)
    if choice == 5:
        return (
            text.encode("utf-16", "surrogatepass")
            if draw(st.booleans())
            else text.encode("latin-1", "replace")
        )
    return _utf8(text)


def _utf8(text: str) -> bytes:
    """UTF-8 bytes, lone surrogates included as their (invalid) encoding."""
    return text.encode("utf-8", "surrogatepass")


# --- conditions, rules and trees ---------------------------------------------------------------

TOKENS = st.sampled_from(
    [
        "activity.calls_per_day", "target.calls_per_day", "derived.calls_vs_plan",
        "team.activity.calls_per_day.median", "pipeline.win_rate", "knowledge.certified",
        "1", "0.5", "1e308", "9" * 400, "\u09ea", "<", "<=", "==", "!=", ">", "+", "-", "*",
        "/", "(", ")", ",", "and", "or", "not", "min(", "max(", "abs(", "__import__",
        "=", "&&", "!", "'", '"', "{", "}", "$", ";",
    ]
)  # fmt: skip


@st.composite
def condition(draw: st.DrawFn) -> str:
    """Condition text: random tokens, or deep nesting of one kind."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return " ".join(draw(st.lists(TOKENS, min_size=1, max_size=40)))
    n = draw(st.integers(1, 3000))
    if kind == 1:
        return "(" * n + "activity.calls_per_day < 5" + ")" * n
    if kind == 2:
        return "not " * n + "activity.calls_per_day < 5"
    return " + ".join(["activity.calls_per_day"] * n) + " < 5"


def yaml_bomb(levels: int, fan: int) -> str:
    """A 'billion laughs' document `levels` deep with `fan` aliases per level."""
    lines = ["x0: &x0 [lol]"]
    lines += [f"x{n}: &x{n} [" + ", ".join([f"*x{n - 1}"] * fan) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


@st.composite
def rule_yaml(draw: st.DrawFn) -> bytes:
    """A rule file's bytes: a near-valid rule with hostile fields, a bomb, deep nesting, bytes."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind == 1:
        return yaml_bomb(draw(st.integers(2, 12)), draw(st.integers(2, 12))).encode()
    if kind == 2:
        depth = draw(st.integers(1, 3000))
        return ("- " * depth + "1\n" if draw(st.booleans()) else "[" * depth + "]" * depth).encode()
    rule = {
        "id": draw(odd_text | st.just("r")),
        "gap": draw(st.sampled_from(["will", "skill", "system", "knowledge", "nope"]) | odd_text),
        "certainty": draw(number | odd_text),
        "when": draw(condition() | odd_text),
        "because": draw(odd_text.map(lambda t: t + " {activity.calls_per_day}") | odd_text),
        "examples": draw(st.lists(json_values(), max_size=2)),
    }
    if draw(st.booleans()):
        rule.update(draw(st.dictionaries(KEYS, json_values(), max_size=2)))
    text = json.dumps([rule], allow_nan=True)  # JSON is YAML
    if kind == 3:
        return text.encode()
    if kind == 4:
        return ("!!python/object/apply:os.system ['echo hi']\n" + text).encode()
    return (text + "\n" + draw(odd_text)).encode("utf-8", "surrogatepass")


@st.composite
def tree_yaml(draw: st.DrawFn) -> bytes:
    """A tree file's bytes: chains, cycles, bombs, odd ids and conditions."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return yaml_bomb(draw(st.integers(2, 10)), draw(st.integers(2, 10))).encode()
    n = draw(st.integers(1, 1500))
    cycle = draw(st.booleans())
    nodes = [
        {
            "id": f"q{i}",
            "question": draw(odd_text) if i == 0 else f"step {i}",
            "when": draw(condition()) if i == 0 else "activity.calls_per_day < 5",
            "then": f"q{i + 1}" if i + 1 < n else ("q0" if cycle else "done"),
            "else": "done",
            "examples": [{"given": {"activity": {"calls_per_day": 9}}, "answer": "else"}],
        }
        for i in range(n)
    ]
    leaf = {"id": draw(st.just("done") | odd_text), "gap": "none", "reason": draw(odd_text)}
    leaf["examples"] = [{"given": {"activity": {"calls_per_day": 9}}}]
    tree = {"root": draw(st.just("q0") | odd_text), "nodes": nodes, "leaves": [leaf]}
    if kind == 1:
        tree.update(draw(st.dictionaries(KEYS, json_values(), max_size=2)))
    return json.dumps(tree, allow_nan=True).encode("utf-8", "surrogatepass")


# --- CSV populations and CRM exports ------------------------------------------------------------

CELL = st.one_of(
    odd_text,
    number.map(str),
    st.sampled_from(["", "nan", "NA", "true", "yes", "2026-02-30", "=1+1", "@x", "-5", "1e999"]),
)


@st.composite
def population_csv(draw: st.DrawFn) -> bytes:
    """A population CSV: real and odd columns, ragged rows, huge cells, odd encodings."""
    columns = draw(
        st.lists(
            st.sampled_from(["rep_id", "team", *sorted(METRICS)[:12]]) | odd_text,
            min_size=1,
            max_size=6,
        )
    )
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(columns) + 2), max_size=6))
    if draw(st.booleans()):
        columns = ["rep_id", *columns]
        rows = [[f"r{i}", *row] for i, row in enumerate(rows)]
    text = "\n".join(",".join(_quoted(c) for c in line) for line in [columns, *rows]) + "\n"
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind == 1:
        return ("rep_id," + "x" * draw(st.integers(100_000, 200_000)) + "\nr,1\n").encode()
    if kind == 2:
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if kind == 3:
        return text.encode("latin-1", "replace")
    return text.encode("utf-8", "surrogatepass")


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n\r') else cell


SF_HEADER = (
    "Opportunity Name,Opportunity Owner,Account Name,Stage,Amount,Probability (%),"
    "Created Date,Close Date,Type,Lead Source"
)


@st.composite
def crm_export(draw: st.DrawFn) -> bytes:
    """A Salesforce-style opportunity export with hostile cells, or random bytes."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=300))
    rows = draw(
        st.lists(
            st.tuples(
                odd_text, odd_text | st.sampled_from(["Ana", "=cmd", "@x"]), odd_text,
                st.sampled_from(["Closed Won", "Closed Lost", "Prospecting"]) | odd_text,
                st.sampled_from(["$1,000.00", "-5", "1e999", "USD 3"]) | CELL,
                CELL,
                st.sampled_from(["1/2/2017", "13/45/2017", "2017-03-01"]) | CELL,
                st.sampled_from(["3/4/2017", "2/29/2017"]) | CELL,
                CELL, CELL,
            ),
            max_size=6,
        )
    )  # fmt: skip
    lines = [SF_HEADER, *(",".join(_quoted(str(c)) for c in row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


# --- call transcripts ---------------------------------------------------------------------------

# Pieces of WebVTT and text that regular expressions trip on when repeated: tag and voice
# starts without their end, colons (speaker prefixes), arrows and times, blank-ish lines.
VTT_ATOMS = (
    "x", " ", "\t", "<v ", "<v Dana>", "</v>", "<b>", "<", ">", "a:", ":", "-->", " --> ",
    "0", "1", "00:00:01.000", "99:59:59.999", "\n", "\n\n", "ab\n", " \n", "&amp;", "&",
    "NOTE", "STYLE", "WEBVTT", "é", "\x00", "\ufeff", "-", ".", "<v.loud A>", "[", "{",
)  # fmt: skip
VTT_PLACES = (
    "WEBVTT\n{line}\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Dana Reyes>Hello.</v>\n",
    "WEBVTT\n\nNOTE {line}\n\n00:00:01.000 --> 00:00:04.000\n<v Dana Reyes>Hello.</v>\n",
    "WEBVTT\n\n{line}\n00:00:01.000 --> 00:00:04.000\n<v Dana Reyes>Hello.</v>\n",
    "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Dana Reyes>{line}</v>\n",
    "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nDana Reyes: {line}\n",
    "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000 {line}\n<v Dana Reyes>Hello.</v>\n",
    "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHello.\n{line}\n",
    "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHello.\n\n{line}",
    "WEBVTT {line}",
    "{line}",
)
JSON_PLACES = (
    '{"segments": [{"speaker": "Dana Reyes", "start": 0, "end": 3, "text": "{line}"}]}',
    '{"segments": [{"speaker": "{line}", "start": 0, "end": 3, "text": "hi"}]}',
    '{"segments": [{"speaker": "Dana", "start": 0, "end": 3, "text": "hi", "{line}": 1}]}',
    '{"utterances": [{"speaker": "A", "start": 0, "end": 3000, "text": "{line}"}]}',
    '[{"speaker": "Dana Reyes", "start": 0, "end": 3, "text": "hi"}, {line}]',
    '{"{line}": 1}',
    "{line}",
)
JSON_ATOMS = (
    "[", "{", "]", "}", '"', "\\", "\\u00e9", ":", ",", "1", "-", "e", " ", "\n", "x",
)  # fmt: skip


@st.composite
def repeated_line(draw: st.DrawFn, atoms: tuple[str, ...] = VTT_ATOMS) -> str:
    """A short run of atoms, to be repeated into one long adversarial line."""
    return "".join(draw(st.lists(st.sampled_from(atoms), min_size=1, max_size=5)))


_TIME = st.sampled_from(
    ["00:00:01.000", "00:00:04.000", "00:01:00.000", "01:00:00.000", "00:00:00.000",
     "00:60:00.000", "0:00:01.000", "00:00:01,000", "99:59:59.999", "00:00:03.500"]
)  # fmt: skip


@st.composite
def vtt_bytes(draw: st.DrawFn) -> bytes:
    """A WebVTT file's bytes: near-valid cues with hostile parts, soup, or random bytes."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind == 1:
        soup = "".join(draw(st.lists(st.sampled_from(VTT_ATOMS), max_size=60)))
        return ("WEBVTT\n\n" + soup).encode("utf-8", "surrogatepass")
    blocks = []
    for n in range(draw(st.integers(0, 6))):
        start, end = draw(_TIME), draw(_TIME)
        speaker = draw(odd_text | st.sampled_from(["Dana Reyes", "Buyer", ""]))
        text = draw(odd_text | st.just("How does your team forecast today?"))
        voice = draw(st.sampled_from(["<v {s}>{t}</v>", "{s}: {t}", "{t}", "<v {s}>{t}"]))
        ident = draw(st.sampled_from(["", f"{n + 1}\n", "NOTE x\n\n"]))
        blocks.append(f"{ident}{start} --> {end}\n{voice.format(s=speaker, t=text)}\n")
    text = "WEBVTT\n\n" + "\n".join(blocks)
    if kind == 3:
        text = text.replace("\n", "\r\n")
    if kind == 4:
        text = "\ufeff" + text
    return text.encode("utf-8", "surrogatepass")


@st.composite
def json_transcript_bytes(draw: st.DrawFn) -> bytes:
    """A JSON transcript's bytes: segments or utterances with hostile fields, deep, or bytes."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind == 1:
        return draw(deep_json()).encode()
    item = st.fixed_dictionaries(
        {
            "speaker": odd_text | st.integers(-3, 3) | st.none() | st.just("Dana Reyes"),
            "start": number | odd_text,
            "end": number | odd_text,
            "text": odd_text | st.just("hello there"),
        },
        optional={"words": json_values(), "id": scalar},
    )
    items = draw(st.lists(item | json_values(), max_size=6))
    shape = draw(st.integers(0, 3))
    if shape == 0:
        data: Any = items
    elif shape == 1:
        data = {"segments": items, "date": draw(odd_text | st.just("2026-07-14"))}
    elif shape == 2:
        data = {"utterances": items}
    else:
        data = {"results": {"utterances": items}}
    text = json.dumps(data, allow_nan=True, ensure_ascii=draw(st.booleans()))
    if kind == 2:
        text = text[: draw(st.integers(0, len(text)))]
    return _utf8(text)


SRT_PLACES = (
    "1\n00:00:01,000 --> 00:00:04,000\n{line}\n",
    "1\n00:00:01,000 --> 00:00:04,000\nDana Reyes: {line}\n\n"
    "2\n00:00:05,000 --> 00:00:06,000\nOk\n",
    "{line}\n00:00:01,000 --> 00:00:04,000\nHello.\n",
    "1\n00:00:01,000 --> 00:00:04,000 {line}\nHello.\n",
    "1\n00:00:01,000 --> 00:00:04,000\nHello.\n\n{line}",
    "{line}",
)
TEXT_PLACES = (
    "Dana Reyes  0:00\n{line}\n",
    "{line}  0:00\nHello.\n",
    "0:00\n{line}\n",
    "[00:00:01] Dana Reyes: {line}\n",
    "{line}\nDana Reyes  0:00\nHello.\n",
    "Dana Reyes  0:00\nHello.\n\n{line}",
    "{line}",
)
TEXT_ATOMS = (
    "x", " ", "  ", "\t", "0", "1", ":", "0:00", "00:00:01", "[", "]", "(", ")", "-", ",", ".",
    "\n", "\n\n", "Dana", "Dana Reyes  0:00", "-->", "é", "\x00", "\ufeff", ">>", "Speaker 1",
)  # fmt: skip

_SRT_TIME = st.sampled_from(
    ["00:00:01,000", "00:00:04,000", "00:01:00,000", "00:00:00,000", "00:60:00,000",
     "0:00:01,000", "00:00:01.000", "99:59:59,999", "00:00:03,500", "xx"]
)  # fmt: skip
_CLOCK = st.sampled_from(["0:00", "0:04", "1:02", "00:00:09", "59:59", "99:99", "", "0:0"])


@st.composite
def srt_bytes(draw: st.DrawFn) -> bytes:
    """A SubRip file's bytes: near-valid cues with hostile parts, soup, or random bytes."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind == 1:
        soup = "".join(draw(st.lists(st.sampled_from(VTT_ATOMS + TEXT_ATOMS), max_size=60)))
        return soup.encode("utf-8", "surrogatepass")
    blocks = []
    for n in range(draw(st.integers(0, 6))):
        start, end = draw(_SRT_TIME), draw(_SRT_TIME)
        speaker = draw(odd_text | st.sampled_from(["Dana Reyes", "Buyer", ""]))
        text = draw(odd_text | st.just("How does your team forecast today?"))
        number = draw(st.sampled_from([str(n + 1), "", "x", "-1"]))
        blocks.append(f"{number}\n{start} --> {end}\n{speaker}: {text}\n")
    text = "\n".join(blocks)
    return (text.replace("\n", "\r\n") if kind == 3 else text).encode("utf-8", "surrogatepass")


@st.composite
def text_transcript_bytes(draw: st.DrawFn) -> bytes:
    """A timestamped text transcript's bytes: Otter/Teams/Rev-like entries, soup, or bytes."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind == 1:
        soup = "".join(draw(st.lists(st.sampled_from(TEXT_ATOMS), max_size=60)))
        return soup.encode("utf-8", "surrogatepass")
    shape = draw(st.sampled_from(["{s}  {t}\n{x}\n", "{t}\n{s}\n{x}\n", "[{t}] {s}: {x}\n"]))
    entries = []
    for _ in range(draw(st.integers(0, 6))):
        speaker = draw(odd_text | st.sampled_from(["Dana Reyes", "Elena", ""]))
        said = draw(odd_text | st.just("What made you look at this now?"))
        entries.append(shape.format(s=speaker, t=draw(_CLOCK), x=said))
    title = draw(st.sampled_from(["", "Discovery call\nJul 11, 2026 · 30 min\n\n"]))
    text = title + "\n".join(entries)
    return (text.replace("\n", "\r\n") if kind == 3 else text).encode("utf-8", "surrogatepass")


@st.composite
def docx_bytes(draw: st.DrawFn) -> bytes:
    """A .docx's bytes: a zip whose document.xml holds hostile paragraphs, or other bytes."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.binary(max_size=300))
    paragraphs = draw(
        st.lists(
            st.sampled_from(["Dana Reyes   0:00", "Elena  0:05", "Hello there.", "", "0:00"])
            | odd_text,
            max_size=8,
        )
    )
    body = "".join(
        f"<w:p><w:r><w:t>{escape(p.encode('utf-8', 'replace').decode('utf-8'))}</w:t></w:r></w:p>"
        for p in paragraphs
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    if kind == 2:
        xml = xml[: draw(st.integers(0, len(xml)))]  # cut short
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", xml)
    return packed.getvalue()
