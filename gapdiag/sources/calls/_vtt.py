"""A WebVTT reader for call transcripts: cues with their speaker and the line they start on.

Why not webvtt-py: it cannot say on which line a cue or a problem is, skips malformed
cues silently unless strict (and strict stops at the first), keeps only the first voice
of a cue, and took about 15 ms to read one thirty-minute call here, where the goal is
2 ms. This reader finds the cue blocks with one regular expression and then checks that
everything between them is something WebVTT allows (the header, NOTE, STYLE and REGION
blocks, cue identifiers), so no text is dropped without a word.

The speaker is the cue's ``<v Name>`` voice tag (Teams, most captioning tools); a cue
without one may start with ``Name: `` (Zoom's transcripts), or have Webex's identifier
(``1 "Dana Reyes" (3184502912)``: the name in quotes says the whole plain text). A cue
with none of these is unattributed (Zoom leaves the name off some cues). A cue with
several voices (``<v A>Hi <v B>Hello``) is split into one cue per voice, its time shared by
the length of their text.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import struct
from operator import le, lt

from gapdiag.sources.calls.cues import (
    UNKNOWN,
    UNNAMED,
    Cue,
    Transcript,
    clean,
    fail,
    in_time_order,
    shown,
)

_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_CUE = re.compile(
    rf"^{_TIME}[ \t]+-->[ \t]+{_TIME}(?:[ \t][^\n]*)?(?:\n|\Z)"
    # The text: lines up to a blank one ('-->' ends it too, as in WebVTT). A first line of
    # only spaces is text, as in WebVTT (YouTube's captions start cues so); any later one
    # ends the cue, so an editor's stray spaces do not glue the next cue's identifier on.
    r"((?:[ \t]+(?:\n|\Z))?(?:(?![^\n]*-->)[^\n]*\S[^\n]*(?:\n|\Z))*)",
    re.MULTILINE,
)
# A line with something visible: its first visible character is where `\S` matches, so
# a line matches one way only (`[^\n]*\S[^\n]*` could split a line at each of its
# characters: tried in turn for every line, a header that never ends took exponential time).
_LINE = r"[^\S\n]*\S[^\n]*\n"
_HEADER = re.compile(rf"WEBVTT(?:[ \t][^\n]*)?\n(?:{_LINE})*\n+")
# The fast path's cue: an optional identifier, two-digit hours, one line of one speaker
# with no other tag; the text starts and ends on a visible character; a blank line or a
# timing line next (as in WebVTT, any other line right under a cue's text is more of
# its text, even an identifier: the careful reader reads it so).
_FAST_TIME = r"(?:(\d\d):)?([0-5]\d):([0-5]\d)\.(\d\d\d)"
# Blocks start at a line's start (the look-behind), and the identifier's first visible
# character is fixed: so `findall` tries each line once, in time linear in the text (it
# tried every character with every split of its line before: cubic in a line's length).
_FAST_BLOCK = re.compile(
    rf"(?<![^\n])((?:[^\S\n]*[^\s>][^\n>]*\n)?"
    rf"{_FAST_TIME}[ \t]+-->[ \t]+{_FAST_TIME}(?:[ \t][^\n]*)?\n"
    r"(?:<v(?:\.[^\s>]*)?[ \t]+([^\s>](?:[^>\n]*[^\s>])?)[ \t]*>"
    r"|([^\s:<>](?:[^:<>\n]{0,78}[^\s:<>])?)[ \t]*:[ \t])"
    r"[ \t]*([^\s<](?:[^<\n]*[^\s<])?)[ \t]*(?:</v>)?[ \t]*"
    r"(?:\n[ \t]*\n\s*|\n?\Z|\n(?=[\d:.]+[ \t]+-->)))"
)
# Digits to numbers by table: about five times faster than int() on this path.
_TWO = {f"{n:02d}": n for n in range(100)} | {"": 0}
_THREE = {f"{n:03d}": n for n in range(1000)}
# A timing line with every digit made 0 (minutes and seconds under 60 are checked apart).
_TIMING_SHAPE = b"00:00:00.000 --> 00:00:00.000\n"
_ZERO_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_DIGIT_VALUES = bytes.maketrans(b"0123456789", bytes(range(10)))
# Each digit of the start in a timing line: its place and its worth in milliseconds (the
# end's digits are 17 places further on).
_DIGIT_WORTH = (
    (0, 36_000_000),
    (1, 3_600_000),
    (3, 600_000),
    (4, 60_000),
    (6, 10_000),
    (7, 1_000),
    (9, 100),
    (10, 10),
    (11, 1),
)
_END = 17
_NOT_MARKS = bytes(c for c in range(256) if c not in b"<>\x00\n")  # deleted from a copy
# A tag ends at the first '>' before any other '<' or line break: a '<v' without its
# '>' is looked at once, never scanned to the end of the text for each '<' (quadratic).
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?[ \t]+([^<>\n]*)>")
_TAG = re.compile(r"<[^<>]*>")
_NAME_PREFIX = re.compile(r"([^\s:<>][^:<>\n]{0,79}?):[ \t]+(?=\S)")
# A cue of a name and a colon alone ('Marco Bianchi:'): Zoom writes one where the words
# were not made out. The speaker said nothing that was written down.
_NAME_ALONE = re.compile(r"([^\s:<>][^:<>\n]{0,79}?):[ \t]*")
_BLOCKS_ALLOWED = ("NOTE", "STYLE", "REGION")
# Webex's cue identifier: the cue's number, its speaker's name in quotes, an id in
# parentheses (`1 "Dana Reyes" (3184502912)`); the cue's text is then plain talk.
_WEBEX_ID = re.compile(r'^\d+[ \t]+"([^"<>\n]+)"(?:[ \t]+\(\d+\))?[ \t]*$', re.M)
_EXPECTED_TIMING = "expected HH:MM:SS.mmm --> HH:MM:SS.mmm"
# Google Meet's recording captions: every cue opens with its speaker in parentheses on a
# line of its own (`(Dana Reyes)`); a second speaker in the same cue follows a '-' line
# and a line of only spaces (which would end the cue in WebVTT).
_MEET_NAME = r"\(([^()<>\n]*[^()<>\s])\)[ \t]*"
_MEET_TIMING = re.compile(rf"-->[^\n]*\n(?!{_MEET_NAME}\n)")
_MEET_TURN = re.compile(rf"\n-[ \t]*\n(?:[ \t]*\n)?(?={_MEET_NAME}\n)")
_MEET_LINE = re.compile(rf"^{_MEET_NAME}$", re.M)


def parse(source: str, text: str, date: dt.date | None) -> Transcript:
    """Read WebVTT text into a transcript.

    Raises:
        TranscriptError: no WEBVTT header, text outside any cue, a malformed timing line,
            a cue without speaker or text, overlapping cues, or no cues at all.
    """
    if not text.startswith("WEBVTT") or text[6:7] not in ("", " ", "\t", "\n"):
        raise fail(source, 1, "(header)", "does not start with 'WEBVTT' (not a WebVTT file)")
    return _fast(source, text, date) or _careful(source, text, date)


def _voiced_meet(text: str) -> str:
    """Google Meet's captions with voice tags: each '(Name)' line made '<v Name>', and the
    '-' and blank lines before a second speaker made empty tags, so the cue goes on; every
    line stays where it was (problems are named by their line)."""
    text = _MEET_TURN.sub(lambda m: "\n" + "<c></c>\n" * (m.group(0).count("\n") - 1), text)
    return _MEET_LINE.sub(r"<v \1>", text)


def _fast(source: str, text: str, date: dt.date | None) -> Transcript | None:
    """The common file, read in bulk: every cue one line of one speaker, all in order.

    None when the file is anything else (a NOTE, a multi-line or tagged cue, a cue out of
    order, overlapping or empty, text between cues...): `_careful` then reads it cue by
    cue and says exactly what is wrong, if anything. The blocks found must cover the
    whole text after the header, so nothing can be skipped unseen.
    """
    header = _HEADER.match(text)
    if header is None:
        return None
    plain = _plain(source, text, date, header.end())
    if plain is not None:
        return plain
    if "  " in text or "\t" in text:
        return None
    first = text[header.end() : text.find("\n", header.end())]
    if '"' in first and _WEBEX_ID.fullmatch(first):
        return None  # Webex's identifiers name the speakers (each cue has one, the first
        # too): `_careful` reads them
    blocks = _FAST_BLOCK.findall(text, header.end())
    if not blocks or sum(len(b[0]) for b in blocks) != len(text) - header.end():
        return None
    two, three = _TWO, _THREE
    starts = [((two[b[1]] * 60 + two[b[2]]) * 60 + two[b[3]]) * 1000 + three[b[4]] for b in blocks]
    ends = [((two[b[5]] * 60 + two[b[6]]) * 60 + two[b[7]]) * 1000 + three[b[8]] for b in blocks]
    previous = -1
    for start, end in zip(starts, ends, strict=True):
        if start < previous or end <= start:
            return None
        previous = end
    speakers = [b[9] or b[10] for b in blocks]
    texts = [b[11] for b in blocks]
    if "&" in text:
        texts = [html.unescape(t) if "&" in t else t for t in texts]
    first = blocks[0][0]
    has_identifier = first.find("\n") < first.find("-->")
    first_line = text.count("\n", 0, header.end()) + 1 + has_identifier
    return Transcript(
        source, date, tuple(starts), tuple(ends), tuple(speakers), tuple(texts), first_line
    )


def _plain(source: str, text: str, date: dt.date | None, at: int) -> Transcript | None:
    """The commonest file, read with str methods over the whole text (no regex per cue).

    Every cue is four lines: an identifier, ``HH:MM:SS.mmm --> HH:MM:SS.mmm``,
    ``<v Name>text</v>``, a blank line; cues in time order, no tag inside a text, no
    space at a name's or a text's edge. None for anything else (`_fast` then tries its
    regular expression). The checks are made in bulk: lines are sliced four apart; the
    voice lines are joined with a NUL where one '</v>' meets the next '<v ', and what
    is left once every character but '>', NUL, '<' and line breaks is deleted must be
    '>' and NUL in turn; stripping a name or text must leave it as it is (`str.strip`
    returns the very string when there is nothing to strip); the timing lines, joined,
    have their digits in fixed places, read all at once.
    """
    lines = text[at:].rstrip("\n").split("\n")  # blank lines at the end are allowed
    count, rest = divmod(len(lines) + 1, 4)
    if rest or not count or any(lines[3::4]):
        return None
    ids, voiced = lines[0::4], "\n".join(lines[2::4])
    if not all(ids):
        return None
    if not "".join(ids).isalnum() and ("-->" in "\n".join(ids) or not all(map(str.strip, ids))):
        return None  # an identifier that is a timing line, or of only spaces
    timing = ("\n".join(lines[1::4]) + "\n").encode()
    said = voiced[3:-4].replace("</v>\n<v ", "\x00")  # "Name>text\x00Name>text..."
    marks = said.encode().translate(None, _NOT_MARKS)  # its '<', '>', NULs, line breaks
    if not (
        voiced.startswith("<v ")
        and voiced.endswith("</v>")
        # one '>' a voice line (so no '-->') and no other tag or line break: '>', NUL in turn
        and marks == b">\x00" * (count - 1) + b">"
        and "  " not in said  # (texts to clean)
        and "\t" not in said
        and timing.translate(_ZERO_DIGITS) == _TIMING_SHAPE * count
        and not (timing[3::30] + timing[6::30] + timing[20::30] + timing[23::30]).strip(b"012345")
    ):
        return None  # (the last check: minutes and seconds under 60)
    parts = said.replace("\x00", ">").split(">")
    if parts != [*map(str.strip, parts)] or not all(parts):
        return None  # white space at the edge of a name or text, or an empty one
    speakers, texts = tuple(parts[0::2]), tuple(parts[1::2])
    starts, ends = _times(timing, count)
    if not (all(map(lt, starts, ends)) and all(map(le, ends, starts[1:]))):
        return None  # out of order, overlapping or empty: `_careful` says which
    if "&" in said:
        texts = tuple([html.unescape(t) if "&" in t else t for t in texts])
    first_line = text.count("\n", 0, at) + 2  # the first timing line, under its identifier
    return Transcript(source, date, starts, ends, speakers, texts, first_line)


def _times(timing: bytes, count: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The starts and ends (milliseconds) of `count` timing lines of 30 bytes each,
    ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` (their shape checked by the caller).

    Worked out for all lines at once, in C: one whole number holds each line's start and
    end in a 32-bit field of its own (little-endian, so field k is bits 32k to 32k+31).
    Each digit place (tens of hours ... milliseconds) is copied into the lowest byte of
    its fields, the number read and multiplied by the place's worth in milliseconds, and
    the products summed. A field never exceeds 32 bits (99:59:59.999 is 359,999,999 ms),
    so no sum carries into the next one. (A `dict` of times probed four times a cue took
    twice as long.)
    """
    values = timing.translate(_DIGIT_VALUES)  # '0'..'9' -> 0..9
    fields = bytearray(8 * count)  # start, end, start, end... each 4 bytes
    total = 0
    for place, worth in _DIGIT_WORTH:
        fields[0::8] = values[place::30]
        fields[4::8] = values[place + _END :: 30]
        total += worth * int.from_bytes(fields, "little")
    both = struct.unpack(f"<{2 * count}I", total.to_bytes(8 * count, "little"))
    return tuple(both[0::2]), tuple(both[1::2])


def _careful(source: str, text: str, date: dt.date | None) -> Transcript:
    """Read cue by cue, checking everything between cues; raise at the first problem.

    Google Meet's captions (never read by `_fast`: a cue's first line is '(Name)') are
    given voice tags first.
    """
    if "\n(" in text and "-->" in text and not _MEET_TIMING.search(text):
        text = _voiced_meet(text)
    cues: list[Cue] = []
    line, seen = 1, 0  # line number of offset `seen`
    for match in _CUE.finditer(text):
        gap_line = line
        line += text.count("\n", seen, match.start())
        gap = text[seen : match.start()]
        _check_gap(source, gap, gap_line, first=not cues, last=False)
        cues += _cues(source, match, line, _webex_speaker(gap))
        line += text.count("\n", match.start(), match.end())
        seen = match.end()
    _check_gap(source, text[seen:], line, first=not cues, last=True)
    return in_time_order(source, cues, date)


def _ms(hours: str | None, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def _webex_speaker(gap: str) -> str | None:
    """The speaker a Webex cue identifier (the gap's last line, right above the timing
    line) names, else None."""
    if not gap.endswith("\n") or '"' not in gap:
        return None
    found = _WEBEX_ID.fullmatch(gap[:-1].rpartition("\n")[2])
    return (found[1].strip() or None) if found is not None else None


def _cues(source: str, match: re.Match[str], line: int, named: str | None) -> list[Cue]:
    """The cue of a timing line and its text: one per voice in it, in the order spoken.

    A speaker its identifier `named` (Webex) says the whole text, unless the text has
    voice tags: a ``Name: `` at its start is then talk, or the name again (left out).
    """
    start = _ms(*match.group(1, 2, 3, 4))
    end = _ms(*match.group(5, 6, 7, 8))
    if end <= start:
        end = UNKNOWN  # a zero-length (or backwards) cue: its end is inferred
    # A cue without words (Zoom and Teams write some: a name and nothing, or no text at
    # all) is silence: there is no talk in it to count, so it is left out, and the call's
    # other cues are read.
    payload = match[9]
    if named is not None and "<v" not in payload:
        payload = f"<v {named}>{payload.removeprefix(f'{named}:')}"
    said = [(speaker, text) for speaker, text in voices(payload) if text]
    return shared(start, end, said, line) if said else []


def shared(start: int, end: int, said: list[tuple[str, str]], line: int) -> list[Cue]:
    """The cues of one timed cue's voices, in the order spoken.

    Several voices share the cue's time by the length of their text; start-only voices
    (`UNKNOWN` end) share the time inferred for them (`cues`).
    """
    if len(said) == 1 or end == UNKNOWN:
        return [Cue(start, end, speaker, text, line) for speaker, text in said]
    total = sum(len(text) for _, text in said)
    cues, at, done = [], start, 0
    for speaker, text in said:
        done += len(text)
        until = start + (end - start) * done // total
        if until > at:
            cues.append(Cue(at, until, speaker, text, line))
        at = until
    return cues


def voices(payload: str) -> list[tuple[str, str]]:
    """(speaker, plain text) for each voice of a cue's text, tags removed, lines joined.

    A voice runs from its ``<v Name>`` to the next voice (``</v>`` is optional); text
    before the first voice, or in a cue without voices, may start with ``Name: ``;
    without either the speaker is `UNNAMED`.
    """
    if "\n" in payload and "<v" not in payload:
        payload = _named_lines(payload)
    parts = _VOICE.split(payload)  # text, name, text, name, text...
    lead = parts[0]  # before the first voice: only dashes or spaces ("- <v A>") are nothing
    said = [(UNNAMED, lead)] if len(parts) == 1 or any(map(str.isalnum, lead)) else []
    said += [(name.strip(), text) for name, text in zip(parts[1::2], parts[2::2], strict=True)]
    out: list[tuple[str, str]] = []
    for speaker, raw in said:
        text = _TAG.sub("", raw) if "<" in raw else raw
        if not speaker and (
            prefix := _NAME_PREFIX.match(text.lstrip()) or _NAME_ALONE.fullmatch(text.strip())
        ):
            speaker, text = prefix[1].strip(), text.lstrip()[prefix.end() :]
        text = clean(text)
        text = html.unescape(text) if "&" in text else text
        if out and out[-1][0] == speaker:  # one voice tag closed and reopened
            out[-1] = (speaker, f"{out[-1][1]} {text}".strip())
        else:
            out.append((speaker, text))
    return out


def _named_lines(payload: str) -> str:
    """A cue written as 'Name: words' lines, one speaker a line (as some tools write two
    turns in one cue), with each line after the first that opens with a name made a voice."""
    lines = payload.split("\n")
    if not _NAME_PREFIX.match(lines[0].lstrip()):
        return payload
    for at in range(1, len(lines)):
        found = _NAME_PREFIX.match(lines[at].lstrip())
        if found is not None:
            lines[at] = f"<v {found[1].strip()}>{lines[at].lstrip()[found.end() :]}"
    return "\n".join(lines)


def _check_gap(source: str, gap: str, line: int, *, first: bool, last: bool) -> None:
    """Refuse anything between cues that WebVTT does not allow there."""
    if not gap.strip():
        return
    lines = gap.split("\n")
    adjacent = not last and lines[-1] == "" and len(lines) > 1 and lines[-2].strip() != ""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, text in enumerate(lines[:-1] if not last else lines, start=line):
        if text.strip():
            blocks[-1].append((number, text))
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    for index, block in enumerate(blocks):
        number, head = block[0]
        if first and index == 0 and number == 1:
            continue  # the WEBVTT header block (checked by the caller)
        if head.startswith(_BLOCKS_ALLOWED):
            continue
        if adjacent and index == len(blocks) - 1 and len(block) == 1 and "-->" not in head:
            continue  # a cue identifier, on the line right above its timing line
        bad = next(((n, t) for n, t in block if "-->" in t), None)
        if bad is not None:
            raise fail(
                source,
                bad[0],
                "(timing)",
                f"{shown(bad[1].strip())} is not a timing line ({_EXPECTED_TIMING})",
            )
        raise fail(
            source,
            number,
            "(text)",
            f"{head.strip()[:40]!r} is outside any cue (a cue starts with a timing line, "
            f"{_EXPECTED_TIMING})",
        )
