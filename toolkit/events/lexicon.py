"""The CAMEO lexicon: lemma-level entries (toolkit/data/lexicon/*.tsv) expanded into their surface forms.

A row names an act the way the CAMEO codebook defines it, as a head word and what must follow it:

- `kind`: `verb` (the lemma is inflected: base, -s, past, past participle, -ing; irregular verbs from
  `IRREGULAR`, British and American spellings of -l verbs) or `noun` (the last word of the lemma is
  inflected: singular and plural, "air strike" -> "air strikes");
- `particle`: words right after the head ("out" in "pull out", "down" in "crack down");
- `object`: what the head must act on, alternatives separated by "/"; up to four words (a determiner,
  a number, adjectives: "released 20 political prisoners") may come before it. A word ending in "+"
  also matches its plural ("prisoner+" matches "prisoners");
- `prep`: the preposition that introduces the other party, alternatives separated by "/" ("with",
  "on/against"), after the object when there is one; a leading "* " lets up to four words (often the
  target itself) come first: "* with" reads "charged two men with", "* of" reads "accused Syldavia of";
- `subject`: single words one of which must stand before the head in its clause (at most 60 characters back),
  for a head that is an act only when such actors do it: "marched" is a demonstration when
  protesters march, not when troops do. Alternatives separated by "/", "word+" also its plural; the
  column may be left out of a file;
- `forms`: for verbs, which forms count (any of `base s ed en ing`, comma-separated; empty: all), so
  that a verb whose bare form is mostly a noun ("charge") is read only where it is a verb;
- `cameo_code` and `roles` as in verbs.tsv (see `toolkit.events.patterns`).

Every part after the head is optional in the sense that an empty column asks nothing; a non-empty one
must be there. One row is one frame; the code expands the rows of all files into thousands of surface
forms. Matching (`toolkit.events.patterns.matches`) finds the head words in one pass and checks each
candidate's frames on the text after it: the longest frame that fits wins, and at equal length the row
listed first.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polars as pl

from toolkit.errors import DictionaryError
from toolkit.vocab.codes import cameo_table, read_text_table

LEXICON_DIR = Path(__file__).resolve().parents[1] / "data" / "lexicon"
LEXICON_SCHEMA = {
    "cameo_code": pl.Utf8, "roles": pl.Utf8, "kind": pl.Utf8, "lemma": pl.Utf8, "particle": pl.Utf8,
    "object": pl.Utf8, "prep": pl.Utf8, "forms": pl.Utf8, "notes": pl.Utf8, "subject": pl.Utf8,
}
FORMS = ("base", "s", "ed", "en", "ing")
# Words that may stand between a head and its object: a determiner, a number, adjectives, "of".
_OBJECT_GAP = r"(?:\d[\d,.]*\s+|[^\s,;:!?]+\s+){0,4}?"

# English irregular verbs: base -> (past, past participle); several spellings joined by "|".
IRREGULAR = {
    "arise": ("arose", "arisen"), "bear": ("bore", "borne|born"), "beat": ("beat", "beaten"),
    "become": ("became", "become"), "begin": ("began", "begun"), "bid": ("bid", "bid"), "bind": ("bound", "bound"),
    "blow": ("blew", "blown"), "break": ("broke", "broken"), "bring": ("brought", "brought"),
    "build": ("built", "built"), "buy": ("bought", "bought"), "cast": ("cast", "cast"), "catch": ("caught", "caught"),
    "choose": ("chose", "chosen"), "come": ("came", "come"), "cut": ("cut", "cut"), "deal": ("dealt", "dealt"),
    "do": ("did", "done"), "draw": ("drew", "drawn"), "drive": ("drove", "driven"), "fall": ("fell", "fallen"),
    "feed": ("fed", "fed"), "fight": ("fought", "fought"), "find": ("found", "found"), "flee": ("fled", "fled"),
    "fly": ("flew", "flown"), "forbid": ("forbade", "forbidden"), "forgive": ("forgave", "forgiven"),
    "freeze": ("froze", "frozen"), "get": ("got", "got|gotten"), "give": ("gave", "given"), "go": ("went", "gone"),
    "hang": ("hanged|hung", "hanged|hung"), "have": ("had", "had"), "hear": ("heard", "heard"),
    "hide": ("hid", "hidden"), "hit": ("hit", "hit"), "hold": ("held", "held"), "hurt": ("hurt", "hurt"),
    "keep": ("kept", "kept"), "know": ("knew", "known"), "lay": ("laid", "laid"), "lead": ("led", "led"),
    "leave": ("left", "left"), "lend": ("lent", "lent"), "let": ("let", "let"), "lose": ("lost", "lost"),
    "make": ("made", "made"), "meet": ("met", "met"),
    "override": ("overrode", "overridden"), "pay": ("paid", "paid"), "put": ("put", "put"), "quit": ("quit", "quit"),
    "rid": ("rid", "rid"), "rise": ("rose", "risen"), "run": ("ran", "run"), "say": ("said", "said"),
    "see": ("saw", "seen"), "seek": ("sought", "sought"), "sell": ("sold", "sold"), "send": ("sent", "sent"),
    "set": ("set", "set"), "shake": ("shook", "shaken"), "shed": ("shed", "shed"), "shoot": ("shot", "shot"),
    "shut": ("shut", "shut"), "sink": ("sank", "sunk"), "slay": ("slew", "slain"), "speak": ("spoke", "spoken"),
    "spend": ("spent", "spent"), "split": ("split", "split"), "spread": ("spread", "spread"),
    "stand": ("stood", "stood"), "steal": ("stole", "stolen"), "strike": ("struck", "struck|stricken"),
    "swear": ("swore", "sworn"), "sweep": ("swept", "swept"), "take": ("took", "taken"), "tear": ("tore", "torn"),
    "tell": ("told", "told"), "think": ("thought", "thought"), "throw": ("threw", "thrown"),
    "wage": ("waged", "waged"), "win": ("won", "won"), "write": ("wrote", "written"), "wear": ("wore", "worn"),
}
# Verbs of two or more syllables stressed on the last, which double their final consonant.
_DOUBLING = {
    "abet", "acquit", "begin", "forbid", "forget", "kidnap", "worship", "admit", "commit", "compel", "confer", "control", "defer", "deter", "embed", "equip",
    "expel", "impel", "incur", "occur", "omit", "outstrip", "patrol", "permit", "propel", "rebel", "recur",
    "refer", "regret", "remit", "repel", "submit", "transfer", "transmit", "prefer", "extol", "enrol", "enthral",
}
_VOWELS = set("aeiou")


def _double(word: str) -> bool:
    if word in _DOUBLING:
        return True
    if len(word) < 3 or word[-1] in "wxy" or word[-1] in _VOWELS:
        return False
    # One syllable ending consonant-vowel-consonant ("ban", "stop", "plan"); "jail", "arm" do not double.
    syllables = len(re.findall(r"[aeiouy]+", word))
    return syllables == 1 and word[-2] in _VOWELS and word[-3] not in _VOWELS


def verb_forms(lemma: str) -> dict[str, list[str]]:
    """{form: spellings} of a verb lemma; in a lemma of several words only the last is inflected."""
    *pre, w = lemma.split(" ")
    lead = " ".join(pre) + " " if pre else ""
    # A prefixed irregular verb inflects as its base: "retake", "overrun", "withhold", "mislead".
    for prefix in ("re", "over", "under", "out", "mis", "fore", "with", "up"):
        base = w.removeprefix(prefix)
        if w not in IRREGULAR and base != w and base in IRREGULAR:
            return {k: [lead + prefix + f for f in fs] for k, fs in verb_forms(base).items()}
    past, part = IRREGULAR.get(w, ("", ""))
    if w.endswith(("s", "x", "z", "ch", "sh", "o")):
        third = w + "es"
    elif w.endswith("y") and w[-2:-1] not in _VOWELS:
        third = w[:-1] + "ies"
    else:
        third = w + "s"
    if w.endswith("ie"):
        ing = w[:-2] + "ying"
    elif w.endswith("e") and not w.endswith(("ee", "ye", "oe")):
        ing = w[:-1] + "ing"
    elif _double(w):
        ing = w + w[-1] + "ing"
    else:
        ing = w + "ing"
    ings = [ing]
    if not past:
        if w.endswith("e"):
            ed = w + "d"
        elif w.endswith("y") and w[-2:-1] not in _VOWELS:
            ed = w[:-1] + "ied"
        elif _double(w):
            ed = w + w[-1] + "ed"
        else:
            ed = w + "ed"
        past = part = ed
    eds = past.split("|")
    ens = part.split("|")
    # British doubling of a final -l after one vowel ("travelled", "cancelled"), beside the American form.
    if not _double(w) and re.search(r"[^aeiou][aeiou]l$", w) and len(re.findall(r"[aeiouy]+", w)) > 1:
        eds = [*eds, w + "led"]
        ens = [*ens, w + "led"]
        ings = [*ings, w + "ling"]
    forms = {"base": [w], "s": [third], "ed": eds, "en": ens, "ing": ings}
    return {k: sorted({lead + v for v in vs}) for k, vs in forms.items()}


def plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in _VOWELS:
        return word[:-1] + "ies"
    if word.endswith("man"):
        return word[:-3] + "men"
    return word + "s"


def noun_forms(lemma: str) -> list[str]:
    *pre, w = lemma.split(" ")
    lead = " ".join(pre) + " " if pre else ""
    return sorted({lead + w, lead + plural(w)})


def _words(alternatives: str) -> str:
    """A "/"-separated column as a regex alternation; "word+" also matches the word's plural."""
    out = []
    for alt in alternatives.split("/"):
        alt = alt.strip()
        if alt.endswith("+"):
            alt = alt[:-1]
            out.append(re.escape(plural(alt.split(" ")[-1]) if " " not in alt else
                                 " ".join([*alt.split(" ")[:-1], plural(alt.split(" ")[-1])])))
        out.append(re.escape(alt))
    alts = sorted(set(out), key=lambda s: (-len(s), s))
    return "(?:" + "|".join(a.replace(r"\ ", r"\s+") for a in alts) + ")"


# The frames run on an ASCII copy of the text with every whitespace a space and every other non-ASCII
# character "_" (one for one, so offsets hold): ASCII classes keep the compiled regexes small and fast.
_WORD_ASCII = r"[\x22-\x2B\x2D-\x39\x3C-\x3E\x40-\x7E]"  # printable, not , ; : ! ?
_GAP_ASCII = rf"(?:[0-9][0-9,.]* +|{_WORD_ASCII}+ +){{0,4}}?"


def ascii_copy(text: pl.Expr) -> pl.Expr:
    """`text` with whitespace as spaces and other non-ASCII characters as "_", character for character."""
    return text.str.replace_all(r"\s", " ").str.replace_all(r"[^\x00-\x7F]", "_")


def word_hits(texts: pl.LazyFrame, on: str | list[str], words: list[str]) -> pl.LazyFrame:
    """One row per occurrence of any of `words` as a whole word in `texts`' `text` (compared as `ascii_copy`).

    `texts` has the key columns `on` and `text`; the rows are the keys with `key` (the word found,
    lower-case), `w_start` and `w_end` (character offsets in the text). One Aho-Corasick pass over a
    copy of the text padded with a space and with every character that is not a letter, digit, "_",
    "-" or an apostrophe made a space finds each word with its delimiters (a space or hyphen before it;
    a space, hyphen or apostrophe after it), so only whole words are found and no text is copied onto
    the rows (see `toolkit.contract.spans`).
    """
    keys = [on] if isinstance(on, str) else list(on)
    delimited = sorted({f"{a}{w}{b}" for w in words for a in " -" for b in " -'"})
    # ascii_copy with the non-word characters made spaces, in two passes rather than three.
    padded = pl.concat_str(
        pl.lit(" "),
        pl.col("text").str.replace_all(r"\s|[\x00-\x7F&&[^A-Za-z0-9_'\-]]", " ").str.replace_all(r"[^\x00-\x7F]", "_"),
        pl.lit(" "),
    )
    return (
        texts.select(
            *keys,
            key=padded.str.extract_many(delimited, ascii_case_insensitive=True, overlapping=True),
            w_start=padded.str.find_many(delimited, ascii_case_insensitive=True, overlapping=True),
        )
        .filter(pl.col("key").list.len() > 0)
        .explode("key", "w_start")
        # The delimiter before the word stands at the word's own offset in the text (the pad is one).
        .with_columns(w_start=pl.col("w_start").cast(pl.Int64),
                      key=pl.col("key").str.slice(1, pl.col("key").str.len_chars() - 2).str.to_lowercase())
        .with_columns(w_end=pl.col("w_start") + pl.col("key").str.len_chars().cast(pl.Int64))
    )


def ascii_frame(frame: str) -> str:
    """A frame (`frame_regex`) rewritten for the ASCII copy of the text."""
    body = frame.removeprefix("(?i)").removeprefix("^").replace(_OBJECT_GAP, _GAP_ASCII)
    body = body.replace(r"\s+", " +").replace(r"\b", r"(?-u:\b)")
    return "(?i:" + re.sub(r"[^\x00-\x7F]", "_", body) + ")"


def frame_regex(particle: str | None, obj: str | None, prep: str | None) -> str:
    """The regex a head's following text must match (anchored at the head's end; "" asks nothing)."""
    parts = ["^"]
    if particle:
        parts.append(r"\s+" + _words(particle))
    if obj:
        parts.append(r"\s+" + _OBJECT_GAP + _words(obj))
    if prep:
        gap = prep.startswith("*")
        parts.append(r"\s+" + (_OBJECT_GAP if gap else "") + _words(prep.removeprefix("*").strip()))
    return "(?i)" + "".join(parts) + (r"\b" if len(parts) > 1 else "")


def lead_words(particle: str | None, obj: str | None, prep: str | None) -> list[str] | None:
    """The words one of which must come right after the head, lower-case ASCII, or None when the frame
    allows a gap first (an object) or asks nothing: a cheap test before the frame's regex."""
    first = particle or (None if obj else prep)
    if not first or first.startswith("*"):
        return None
    words = {re.sub(r"[^\x00-\x7F]", "_", alt.strip().split(" ")[0].lower().removesuffix("+")) for alt in first.split("/")}
    return sorted(words)


def needed_words(obj: str | None, prep: str | None) -> list[str] | None:
    """Words one of which a frame with a gap needs somewhere in the text after the head (the last word of
    each object, else the first of each "* prep"), lower-case ASCII; None when the frame has no gap."""
    if obj:
        alts, pick = obj, -1
    elif prep and prep.startswith("*"):
        alts, pick = prep.removeprefix("*"), 0
    else:
        return None
    words = set()
    for alt in alts.split("/"):
        word = alt.strip().split(" ")[pick].lower()
        if word.endswith("+"):
            word = word[:-1]
            words.add(plural(word))
        words.add(word)
    return sorted(re.sub(r"[^\x00-\x7F]", "_", w) for w in words)


def check_lexicon(table: pl.DataFrame, origin: str) -> pl.DataFrame:
    missing = [c for c in ("cameo_code", "roles", "kind", "lemma") if c not in table.columns]
    if missing:
        raise DictionaryError(f"{origin}: columns {missing} are missing; expected {list(LEXICON_SCHEMA)}")
    table = table.select(
        pl.col(c).cast(t) if c in table.columns else pl.lit(None, dtype=t).alias(c) for c, t in LEXICON_SCHEMA.items()
    )
    from toolkit.events.patterns import NO_EVENT, ROLES

    known = pl.col("cameo_code").is_in(cameo_table()["cameo_code"].implode()) | (pl.col("cameo_code") == NO_EVENT)
    bad = table.with_row_index("row", offset=2).filter(
        ~known.fill_null(False) | ~pl.col("roles").is_in(ROLES).fill_null(False)
        | ~pl.col("kind").is_in(["verb", "noun"]).fill_null(False) | pl.col("lemma").is_null()
    )
    if bad.height:
        r = bad.row(0, named=True)
        raise DictionaryError(
            f"{origin}: line {r['row']} ({r['lemma']!r}): needs a known cameo_code, roles in {ROLES}, "
            f"kind verb or noun and a lemma"
        )
    bad_forms = table.filter(
        pl.col("forms").is_not_null()
        & pl.col("forms").str.split(",").list.eval(pl.element().str.strip_chars().is_in(FORMS).not_()).list.any()
    )
    if bad_forms.height:
        raise DictionaryError(f"{origin}: forms must be among {FORMS}: {bad_forms['forms'].to_list()[:3]}")
    return table


@cache
def builtin_lexicon() -> pl.DataFrame:
    """Every toolkit/data/lexicon/*.tsv, in file-name order, checked."""
    frames = [check_lexicon(read_text_table(p, "a lexicon file"), p.name) for p in sorted(LEXICON_DIR.glob("*.tsv"))]
    return pl.concat(frames) if frames else pl.DataFrame(schema=LEXICON_SCHEMA)


def expand(table: pl.DataFrame) -> pl.DataFrame:
    """(entry, head, frame, lead, need, participle, passive_need, subject): every surface form of each
    lexicon row's head with the row's frame regex.

    `entry` is the row's position in `table`; `head` is lower-case; `lead` and `need` are `lead_words`
    and `needed_words`; `participle` marks the past participles of a verb whose frame is an object alone,
    which may stand in the passive with that object before it ("the party was banned"), and
    `passive_need` the object words one of which must then come before it.
    """
    # Many rows share a lemma or a frame: each is worked out once (a worker pays this at start-up).
    forms_of, frames, needs = cache(verb_forms), cache(_frame_parts), cache(needed_words)
    columns: dict[str, list] = {c: [] for c in _EXPANDED}
    for i, r in enumerate(table.iter_rows(named=True)):
        lemma = r["lemma"].strip().lower()
        participles: set[str] = set()
        if r["kind"] == "verb":
            wanted = [f.strip() for f in r["forms"].split(",")] if r["forms"] else FORMS
            # An -ize verb is also spelt -ise ("criticize", "criticise").
            spellings = [lemma, lemma[:-3] + "ise"] if lemma.endswith("ize") else [lemma]
            heads = sorted({h for sp in spellings for f in wanted for h in forms_of(sp)[f]})
            # A verb with an object and nothing else after it has a passive: "the party was banned". The
            # object must be one word (and its plural) to be told before the verb: "people were killed"
            # is no "killed hundreds of people".
            if (r["object"] and not r["particle"] and not r["prep"] and "en" in wanted
                    and any(" " not in alt.strip() for alt in r["object"].split("/"))):
                participles = {h for sp in spellings for h in forms_of(sp)["en"]}
        else:
            heads = noun_forms(lemma)
        frame, lead, need = frames(r["particle"], r["object"], r["prep"])
        # Before a passive only the one-word objects count.
        before = (needs("/".join(a for a in r["object"].split("/") if " " not in a.strip()), None)
                  if participles else None)
        # The subject words are single words: the same list as an object's.
        subject = needs(r["subject"], None)
        n = len(heads)
        lead, need, before, subject = (None if w is None else _SEP.join(w) for w in (lead, need, before, subject))
        for column, values in (("entry", [i] * n), ("head", heads), ("frame", [frame] * n), ("lead", [lead] * n),
                               ("need", [need] * n), ("participle", [h in participles for h in heads]),
                               ("passive_need", [before] * n), ("subject", [subject] * n)):
            columns[column].extend(values)
    # Word lists travel as joined strings and are split by polars: building ten thousand Python lists into
    # list columns costs half of this function.
    lists = [c for c, t in _EXPANDED.items() if t == pl.List(pl.Utf8)]
    flat = {c: (pl.Utf8 if c in lists else t) for c, t in _EXPANDED.items()}
    return pl.DataFrame(columns, schema=flat).with_columns(pl.col(c).str.split(_SEP) for c in lists)


_SEP = "\x1f"
_EXPANDED = {
    "entry": pl.UInt32, "head": pl.Utf8, "frame": pl.Utf8, "lead": pl.List(pl.Utf8), "need": pl.List(pl.Utf8),
    "participle": pl.Boolean, "passive_need": pl.List(pl.Utf8), "subject": pl.List(pl.Utf8),
}


def _frame_parts(
    particle: str | None, obj: str | None, prep: str | None
) -> tuple[str, list[str] | None, list[str] | None]:
    """A row's frame regex, lead words and needed words."""
    return frame_regex(particle, obj, prep), lead_words(particle, obj, prep), needed_words(obj, prep)


def display_pattern(heads: list[str], frame: str, subject: list[str] | None = None) -> str:
    """One regex equivalent to a row's heads plus its frame (and the subject before them, when the row
    asks for one), for reading (verb_table) and checking."""
    head = "(?:" + "|".join(re.escape(h) for h in sorted(heads, key=lambda s: (-len(s), s))) + ")"
    lead = ("(?:" + "|".join(re.escape(w) for w in subject) + r")\b[^,;:!?]{0,60}?\b") if subject else ""
    return lead + head + frame.removeprefix("(?i)").removeprefix("^")
