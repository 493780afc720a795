"""Cleaning: normalise raw document text, decode URL-encoded HTML fact boxes into plain text, and
flag the lines that are not article prose (menus, captions, promos, boilerplate, comments).

Normalisation keeps every visible character and the document's line structure: it rewrites line
ends, spaces and Unicode composition, deletes only invisible zero-width characters and the spaces
that end a line, and keeps leading and trailing blank lines (so the text still lines up with the
raw input). Everything here is a whole-column polars expression; nothing runs per row in Python.
"""

from __future__ import annotations

import html.entities

import polars as pl

from toolkit.regex import fast_regex

# Unicode line and paragraph separators and NEL end a line like "\n" does.
_LINE_BREAKS = r"\r\n|[\r\x{2028}\x{2029}\x{85}]"
# Tabs, vertical tab, form feed and every Unicode space separator other than " " (Zs category).
_SPACES = r"[\t\x0B\x0C\x{A0}\x{1680}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]"
# Zero-width space, non-joiner, joiner, word joiner and BOM carry no visible text.
_ZERO_WIDTH = r"[\x{200B}-\x{200D}\x{2060}\x{FEFF}]"


def normalize_text(expr: pl.Expr) -> pl.Expr:
    """NFC text with "\\n" line ends and plain spaces; drops zero-width chars and line-final spaces.

    Idempotent. NFC runs last because deleting a zero-width char can join a base letter to a
    combining mark; NFC itself never produces the characters the earlier steps remove.
    """
    return (
        expr.str.replace_all(_LINE_BREAKS, "\n")
        .str.replace_all(_ZERO_WIDTH, "")
        .str.replace_all(_SPACES, " ")
        .str.replace_all(r"(?m) +$", "")
        .str.normalize("NFC")
    )


def clean_documents(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Add `text` (normalised `raw_text`, null for rejected documents) and its length `n_chars`."""
    text = normalize_text(pl.col("raw_text"))
    return lf.with_columns(text=text).with_columns(n_chars=pl.col("text").str.len_chars().cast(pl.Int64))


# --- URL decoding -------------------------------------------------------------------------------
# A run of %XX escapes that spell well-formed UTF-8 (RFC 3629 table 3-7), so that decoding the run
# as bytes always yields valid text. Escapes outside such a run (%E9 from Latin-1, %00) are kept
# verbatim rather than guessed at: nothing is lost, and the box can still be read.
_H = "[0-9A-Fa-f]"
_C = f"%[89ABab]{_H}"
_UTF8_CHAR = "|".join(
    [
        f"%0[1-9A-Fa-f]|%[1-7]{_H}",
        f"%(?:[Cc][2-9A-Fa-f]|[Dd]{_H}){_C}",
        f"%[Ee]0%[ABab]{_H}{_C}",
        f"%[Ee][1-9A-Ca-cEeFf]{_C}{_C}",
        f"%[Ee][Dd]%[89]{_H}{_C}",
        f"%[Ff]0%(?:9|[ABab]){_H}{_C}{_C}",
        f"%[Ff][1-3]{_C}{_C}{_C}",
        f"%[Ff]4%8{_H}{_C}{_C}",
    ]
)
_URL_TOKEN = f"(?:{_UTF8_CHAR})+|[^%]+|%"


def url_decode(expr: pl.Expr) -> pl.Expr:
    """Percent-decode (like urllib.parse.unquote, "+" kept); escapes that are not UTF-8 stay as typed."""
    tok = pl.element()
    is_run = tok.str.starts_with("%") & (tok.str.len_bytes() >= 3)
    # Only well-formed runs reach the decoder (other tokens become ""), so the cast cannot fail.
    hex_digits = pl.when(is_run).then(tok.str.replace_all("%", "", literal=True)).otherwise(pl.lit(""))
    decoded = hex_digits.str.decode("hex").cast(pl.String)
    tokens = expr.str.extract_all(_URL_TOKEN)
    return tokens.list.eval(pl.when(is_run).then(decoded).otherwise(tok)).list.join("")


# --- HTML to text -------------------------------------------------------------------------------
_BREAK_TAGS = r"(?i)<br\s*/?>|</(?:p|div|li|h[1-6]|tr|blockquote)\s*>"
# The 252 HTML 4 entities plus &apos; cover what news markup uses; the full HTML5 table (2,125 names)
# made every decode several times slower. Names outside the table stay as typed.
_NAMED = {f"&{k};": chr(v) for k, v in sorted({**html.entities.name2codepoint, "apos": 39}.items())}
_ENTITY_TOKEN = r"&#[0-9]{1,7};|&#[xX][0-9A-Fa-f]{1,6};|&[A-Za-z][A-Za-z0-9]*;|[^&]+|&"
_HEX = pl.lit("0123456789ABCDEF")


def _hex_byte(b: pl.Expr) -> pl.Expr:
    return pl.concat_str(_HEX.str.slice(b // 16, 1), _HEX.str.slice(b % 16, 1))


def _code_point_to_text(cp: pl.Expr) -> pl.Expr:
    """The character of a code point, via its UTF-8 bytes; null for surrogates, 0 and > U+10FFFF."""
    valid = (cp > 0) & (cp <= 0x10FFFF) & ~cp.is_between(0xD800, 0xDFFF)
    # Invalid code points are swapped for "?" before encoding so the UTF-8 cast never fails.
    cp = pl.when(valid).then(cp).otherwise(pl.lit(0x3F))
    cont = lambda shift: _hex_byte(0x80 + (cp // (1 << shift)) % 64)  # noqa: E731
    hex_bytes = (
        pl.when(cp < 0x80)
        .then(_hex_byte(cp))
        .when(cp < 0x800)
        .then(pl.concat_str(_hex_byte(0xC0 + cp // 64), cont(0)))
        .when(cp < 0x10000)
        .then(pl.concat_str(_hex_byte(0xE0 + cp // 4096), cont(6), cont(0)))
        .otherwise(pl.concat_str(_hex_byte(0xF0 + cp // 262144), cont(12), cont(6), cont(0)))
    )
    return pl.when(valid).then(hex_bytes.str.decode("hex").cast(pl.String))


def html_unescape(expr: pl.Expr) -> pl.Expr:
    """Replace HTML5 named (";"-terminated) and numeric entities in one pass, so "&amp;lt;" gives "&lt;"."""
    tok = pl.element()
    number = (
        pl.when(tok.str.starts_with("&#x") | tok.str.starts_with("&#X"))
        .then(tok.str.slice(3).str.strip_chars_end(";").str.to_integer(base=16, strict=False))
        .otherwise(tok.str.slice(2).str.strip_chars_end(";").str.to_integer(base=10, strict=False))
    )
    # A one-item inner list makes the code point a plain element reference: the UTF-8 arithmetic
    # uses it a dozen times, and inlining the parse each time made the plan several times larger.
    char = pl.concat_list(number).list.eval(_code_point_to_text(pl.element())).list.first()
    named = tok.replace(pl.Series(list(_NAMED)), pl.Series(list(_NAMED.values())))
    return (
        expr.str.extract_all(_ENTITY_TOKEN)
        .list.eval(
            pl.when(tok.str.starts_with("&#"))
            .then(char.fill_null(tok))
            .when(tok.str.starts_with("&"))
            .then(named)
            .otherwise(tok)
        )
        .list.join("")
    )


def decode_factbox(expr: pl.Expr) -> pl.Expr:
    """Plain text of a URL-encoded HTML box: tags dropped, one line per paragraph/<br>, spaces collapsed."""
    text = url_decode(expr).str.replace_all(_BREAK_TAGS, "\n").str.replace_all(r"<[^>]*>", "")
    return (
        normalize_text(html_unescape(text))
        .str.replace_all(r" {2,}", " ")
        .str.replace_all(r" ?\n[ \n]*", "\n")
        .str.strip_chars(" \n")
    )


# --- Line features: what is not article text ----------------------------------------------------
# Patterns that mark a line (or a sentence of a page dumped as one line) as something other than
# article prose. segment.py weighs them with position and density; here each is one regex per line.
NOISE_MAX_WORDS = 40  # line-anchored noise patterns only count on lines this short
_CLOSE = "[\"'”’“»«)\\]]*"
# Prose ends a sentence: terminal punctuation (then closing quotes/brackets), or a closing quote.
_PROSE_END = rf"(?:[.!?…。！？]{_CLOSE}|[\"”’»«“])$"
# More than this share of words opening in upper case reads as a menu or a list of headlines.
_CAPITALISED_SHARE = 0.6
_LINK_LIKE = r"(?i)https?://|\bwww\.|\]\(|\s[»›]\s|\s\|\s|^\||\|$"
_BYLINE = r"(?i)^(?:by|von|par|por)\s|\b(?:updated|published)\b|\d{1,2}:\d{2}"
_URL_ESCAPE = r"%[0-9A-Fa-f]{2}"
# Two-letter codes with spaces or separators between them ("ua en ru", "EN | FR"; not "EXPATS").
_NAVIGATION = r"(?i)^[a-z]{2}(?:\s*[|/·•,]\s*[a-z]{2}|\s+[a-z]{2})+$|^(?:[^|]{1,30}\|){2,}[^|]{1,30}$"
# Blog and news conventions around a post: its tag and category lists, and links to the posts
# before and after it.
_POST_LINKS = (
    r"^(?:Tags?|TAGS?|Topics|TOPICS|Tagged(?: [Ww]ith)?|Filed [Uu]nder|FILED UNDER|Posted [Ii]n|Categor(?:y|ies)|CATEGOR(?:Y|IES)"
    r"|Keywords|KEYWORDS|Schlagworte|Themen|Etiquetas|Temas|Mots-clés)\b\s*:?\s*\S"
    r"|(?i:^\W*(?:previous|next|older|newer) (?:post|article|story|entry)\b)"
)
_CAPTION_MARK = r"(?i)\((?:photo|image|picture|video)s?\b|\bgetty images\b|©|\b(?:AFP|EPA|AP|Reuters)\s*(?:/|photo)"
_CAPTION = (
    r"(?i)^\(?(?:photo|photograph|image|picture|video|illustration|credit)s?\s*(?::|/|by\b)"
    r"|\((?:photo|image|picture|video)s?\s*[:/][^)]*\)$"
)
_CREDIT = r"(?i)\bgetty images\b|\bshutterstock\b|\b(?:AFP|EPA|AP|Reuters)\s*(?:/|photo|via)"
_PROMO = (
    r"(?i)^(?:read (?:more|also)|see also|related(?: articles?| stories)?:|click here|more on this)\b"
    r"|\bin (?:pictures|photos|photographs|charts|maps|numbers|graphics|videos?)[.!]?$|\bexplained$"
    r"|^[^:]{2,40}: (?:more (?:news|stories)|(?:all )?the latest)\b"
    r"|\byou can read (?:more|the (?:article|story))\b|\bin our (?:article|story|coverage|explainer|live blog)\b"
    r"|^(?:watch|listen)(?: now)?:"
)
_BOILERPLATE = (
    r"(?i)^(?:©|\(c\)|copyright\b|share (?:this|on|via)\b|share$|follow us\b|sign up\b|subscribe\b"
    r"|advertisement$|sponsored\b)|\ball rights reserved\b|\b(?:we use|accept(?: all)?) cookies\b"
    r"|\bcookie (?:policy|settings)\b|\bsubscribe to (?:our|the) newsletter\b"
    # Newsletter boxes: "Get the best stories delivered to your inbox".
    r"|\b(?:to|in|into) your inbox\b|^(?:sign up|subscribe) (?:for|to) (?:our|the)\b|^continue reading\b"
)
_BOILERPLATE_MORE = (
    r"(?i)^click to (?:share|email|print|open)\b|\(opens in (?:a )?new window\)|^back to top$|^permalink\b"
    r"|^(?:log|sign) ?in\b.{0,30}$|^(?:tweet|print|e-?mail|whatsapp|facebook|twitter|pinterest|linkedin)$"
)
# Lines that open the end matter of a page: teasers of other stories, then reader comments. The
# article region never crosses one, and prose after a comments header counts for little.
_M = r"(?i)^[#*>\[(\s]*"
_RELATED = (
    _M + r"(?:related(?: articles?| stories| posts| content| coverage| news| links)?|more (?:from|stories|news|on|in)\b"
    r".{0,40}|you (?:may|might) (?:also )?(?:like|enjoy|be interested)|recommended(?: for you| stories| reading)?"
    r"|most (?:popular|read|viewed|shared)|trending(?: now| stories)?|popular (?:posts|stories|articles)"
    r"|(?:the )?latest (?:news|stories|posts|headlines)|further reading|top stories|around the web"
    r"|sponsored (?:content|stories|links)|(?:leia|veja) (?:também|mais)|mais lidas|você (?:pode|também) gostar"
    r"|lesen sie (?:auch|mehr)|mehr zum thema|meistgelesen|à lire (?:aussi|également)|lire aussi"
    r"|te puede interesar|noticias relacionadas|(?:artículos|notícias) relacionad[oa]s)\b.{0,40}$"
)
_COMMENTS = (
    # A bare "Comment" is a section name (opinion pages) or a form label; a comments header counts them.
    _M + r"(?:\d+\s+comment|(?:\d+\s+)?(?:comments|responses?|replies|reader comments|discussion|kommentare|comentários|comentarios"
    r"|commentaires))\b[\s\]):]*(?:\(\d+\))?$|" + _M + r"(?:\d+ (?:responses?|comments?|replies) to\b"
    r"|(?:leave|post|add|write) a (?:comment|reply)|(?:join|show|view|load|read) (?:the |all )?(?:discussion|comments)"
    r"|top rated comments|\d+ comments?\b)"
)
# Reader comments inside a page dumped as one line: "34 responses to", "jane says: May 3, 2019 at",
# "Jane on May 3, 2019 at 6:12 pm said:" (comment signatures of blog engines).
_COMMENTS_INLINE = (
    r"(?i)\b\d+ (?:responses?|comments?|replies) (?:to|on)\b|\bsays:\s+\S+ \d{1,2},? \d{4}\b"
    r"|\bon \S+ \d{1,2},? \d{4},? at \d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)? said:"
    r"|\bleave a (?:comment|reply)\b|\bcomments? feed\b"
)
# A comment's signature on lines of its own: "Jane D. says:", then the date and time it was posted.
COMMENT_AUTHOR = r"^\S+(?:\s+\S+){0,3}\s+says:$"
COMMENT_TIME = r"(?i)^\S+ \d{1,2},? \d{4},? (?:at )?\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?$"
_BOILERPLATE_INLINE = r"(?i)\bclick to (?:share|email|print)\b|\(opens in (?:a )?new window\)"
# polars keeps 32 compiled regexes per thread, so a shard compiles each pattern again: a counted
# repeat of a Unicode class compiles to a large automaton (~8 ms for `\p{Lu}[...]{0,40}:`), hence
# the two patterns below are an unbounded run plus a test on what it matched.
# Title Case over the first eight words opens a teaser headline ("Police: 2 In Custody After Death Of ...").
_EIGHT_WORDS = r"^((?:\S+\s+){8})"
_HEADLINE_WORDS = r"^(?:[\p{Lu}\p{N}][\p{L}\p{N}'’:,.&-]*\s+)+$"
# "Label: value" with a label of at most 41 characters (the label cannot hold ":").
_KEY_VALUE_LABEL = r"^(\p{Lu}[\p{L}\p{N} /&'().-]*):\s+\S"
_KEY_VALUE_MAX_LABEL = 41
_LIST_ITEM = r"^(?:[-–—•*·▪●]|\d{1,2}[.)])\s+\S"

# --- Page furniture by web convention: share bars and author credits ----------------------------
# A share (or follow) bar is a row of social-network names and page actions, as news pages print
# them around a story; in a page dumped as one line it is glued between two sentences. Commas do not
# separate its items: a list in prose does ("on Facebook, Twitter and YouTube").
# Case-insensitive in ASCII only ("-u"): Unicode case folding made these patterns several times
# slower to compile, and every shard compiles them again.
_SHARE_NETWORK = (
    r"(?i-u:google ?\+|(?:facebook|twitter|google|linkedin|whatsapp|reddit|pinterest|tumblr|instagram|youtube"
    r"|messenger|telegram|digg|stumble(?:upon)?|newsvine|flipboard|pocket|vk|xing|weibo|wechat|bluesky|mastodon"
    r"|permalink|copy link|copy url)\b)"
)
_SHARE_ACTION = r"(?i-u:(?:share|send|print|e-?mail|comments?|tweet|sms|pin it)\b)"
# Inside running text the actions count only capitalised, as buttons are labelled ("users of Facebook
# Messenger share photos" is prose), and so does X.
_SHARE_BUTTON = r"(?:(?:Share|Send|Print|E-?mail|Comments?|Tweet|Pin [Ii]t|SHARE|SEND|PRINT|E-?MAIL|SMS|TWEET|X)\b)"
_SHARE_COUNT = r"(?:\s+\d[\d.,]*[km]?\b)?"  # "Facebook 1.2k Twitter 31"
_SHARE_SEP = r"(?:\s*[|/·•]\s*|\s+)"
_SHARE_LABEL = r"(?:(?i-u:share|follow us)(?: this(?: article| story| page| post)?)?(?: (?:on|via|with))?:?\s*)"
_SHARE_URL = r"(?:\s+https?://\S+)?"
# Inside text: three items or more, then the link a permalink row shows. A run counts only with a
# network in it (tested on the run found), so capitalised buttons alone ("Send Print Email") are not one.
_TOK = rf"(?:{_SHARE_NETWORK}|{_SHARE_BUTTON}){_SHARE_COUNT}"
_SHARE_RUN = rf"\b{_SHARE_LABEL}?{_TOK}(?:{_SHARE_SEP}{_TOK}){{2,}}{_SHARE_URL}"
# A whole line: two items or more of any kind and case ("Share Tweet", "email | print").
_ANY_TOK = rf"(?:{_SHARE_NETWORK}|{_SHARE_ACTION}){_SHARE_COUNT}"
_SHARE_LINE = rf"^{_SHARE_LABEL}?{_ANY_TOK}(?:{_SHARE_SEP}{_ANY_TOK})+{_SHARE_URL}$"
# One button of a share bar on a line of its own ("Twitter", "Print", "Comments").
_SHARE_BUTTON_LINE = rf"^(?:{_SHARE_LABEL}|{_ANY_TOK})$"
# A share label whose items were images: "Share this with" opening a piece before a capitalised word
# ("Share this on" goes on with the names of networks, and stays one line).
_SHARE_LABEL_ONLY = r"^(Share this(?: article| story| page| post)? with:?\s+)\p{Lu}"
# Author credits (web and wire conventions): "By Jane Doe, Reuters", "BY JANE DOE", "Jane Doe | AP",
# "(Reporting by ...; Editing by ...)". A credit names people, outlets, roles and a time, and never
# ends a sentence; a line of prose that opens with "By" goes on with other words ("By Monday the ...").
# Few Unicode classes: each costs a compile, and every shard compiles these patterns again.
_NAME_WORD = r"\p{Lu}[^\s,;|()\[\]]*"
_NAME = rf"{_NAME_WORD}(?:\s+(?:(?:de|van|von|der|da|di|del|la|le|bin|al|el)\s+)?{_NAME_WORD})+"
_ROLE = (
    r"(?i-u:chief|senior|staff|special|deputy|associate|managing|contributing|political|diplomatic|economics?"
    r"|business|security|defen[cs]e|health|science|technology|education|environment|foreign|world|royal|sports?"
    r"|football|news|data|legal|arts|entertainment|investigations?|editor|reporter|writer|correspondent"
    r"|columnist|contributor|producer|analyst|photographer|team|desk|bureau|updated|published|posted|last)\b"
)
_CREDIT_WORD = rf"(?:[\p{{Lu}}\d@][^\s,;|()]*|and|&|of|at|in|for|the|on|{_ROLE})"
_BY_LINE = rf"^(?:By|BY)\s+(?:the\s+)?{_NAME}(?:(?:\s*[,|/–—]\s*|\s+-\s+|\s+){_CREDIT_WORD})*$"
_PIPE_CREDIT = (
    rf"^{_NAME}\s*\|\s*(?:[A-Z]{{2,6}}|Reuters|Associated Press|Bloomberg|Agence France-Presse"
    rf"|(?:(?i-u:staff|contributing|senior|special|chief)\s+)?(?i-u:writer|reporter|correspondent|contributor|editor|columnist))$"
)
# The wire sign-off: a capitalised first label, then names, places and more labels.
_CREDIT_JOB = r"(?:reporting|writing|editing|research|photography|graphics|compiled|translation)"
_CREDIT_LABEL = rf"(?i-u:(?:(?:additional|further|extra)\s+)?{_CREDIT_JOB}(?:\s+and\s+{_CREDIT_JOB})?\s+by)"
_FIRST_LABEL = r"(?:(?:Additional|Further|Extra)\s+(?i-u:reporting|research)|Reporting|Writing|Editing|Research|Photography|Graphics|Compiled|Translation|REPORTING|EDITING)"
_SIGN_OFF_WORD = r"(?:[\p{Lu}@][^\s,;()]*|and|in|at|from|of|the|with|for|&)"
_SIGN_OFF_HEAD = rf"{_FIRST_LABEL}(?:\s+and\s+(?i-u:{_CREDIT_JOB}))?\s+(?i-u:by)\s"
_SIGN_OFF_LINE = rf"^[(\[*]*{_SIGN_OFF_HEAD}\s*{_SIGN_OFF_WORD}(?:[\s,;:]+(?:{_CREDIT_LABEL}|{_SIGN_OFF_WORD}))*[)\]]?$"
_CREDIT_LINE = f"{_BY_LINE}|{_PIPE_CREDIT}|{_SIGN_OFF_LINE}"
_CREDIT_MAX_WORDS = 20  # longer lines that open like a byline are prose
# What is cut out of a line or sentence to stand on its own: a share bar, or a sign-off in brackets.
_FURNITURE = rf"(?:{_SHARE_RUN}|\({_SIGN_OFF_HEAD}[^()]*\))\s*"
_NETWORK_OR_SIGN_OFF = fast_regex(rf"{_SHARE_NETWORK}|^\(")


def with_furniture(lf: pl.LazyFrame, column: str) -> pl.LazyFrame:
    """Add `furniture`: the first share bar or bracketed sign-off in `column` (with the spaces after
    it), else a leading "Share this with" label, else null; and `furniture_at`, where it starts (chars)."""
    s, found, cut = pl.col(column), pl.col("_found"), pl.col("furniture")
    pattern = fast_regex(_FURNITURE)
    # Searches run on the fast automaton: the prefix is captured only up to a match, the rest is
    # never captured (a capture over the whole text ran several times slower).
    return (
        lf.with_columns(_found=s.str.extract_all(pattern).list.first())
        .with_columns(_found=pl.when(found.str.contains(_NETWORK_OR_SIGN_OFF)).then(found))
        .with_columns(furniture=pl.coalesce(found, s.str.extract(_SHARE_LABEL_ONLY, 1)))
        .with_columns(
            furniture_at=pl.when(found.is_not_null())
            .then(s.str.extract(f"(?s)^(.*?)(?:{pattern})", 1).str.len_chars().cast(pl.Int64))
            .when(cut.is_not_null())
            .then(pl.lit(0, pl.Int64))
        )
        .drop("_found")
    )


def _flag(pattern: str) -> pl.Expr:
    return pl.col("s").str.contains(fast_regex(pattern))


def has_caption_mark(expr: pl.Expr) -> pl.Expr:
    """True where the text holds a photo credit or caption marker ("(photo: ...)", "Getty Images")."""
    return expr.str.contains(fast_regex(_CAPTION_MARK))


def _found(s: pl.Expr, test: pl.Expr) -> pl.Expr:
    """`test` on a value extracted from `s`, False where nothing was extracted (null where `s` is)."""
    return pl.when(s.is_not_null()).then(test.fill_null(False))


def headline_run(s: pl.Expr) -> pl.Expr:
    """True where the first eight words of `s` open in upper case or a digit (Title Case teasers)."""
    return _found(s, s.str.extract(_EIGHT_WORDS).str.contains(_HEADLINE_WORDS))


def key_value(s: pl.Expr) -> pl.Expr:
    """True where `s` opens with a capitalised label of at most 41 characters, ": " and a value."""
    return _found(s, s.str.extract(_KEY_VALUE_LABEL).str.len_chars() <= _KEY_VALUE_MAX_LABEL)


def line_features(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Add one boolean per noise feature of each line `s` (with its `words` count), keeping every row.

    enc: a URL-encoded box; ends: ends like a sentence; listy: menu-like (Title Case, links,
    separators); kv / list_item / byline: "Key: value", "- item", "By ..."; related / comments: the
    headers of teaser lists and reader comments; share / credit: a share bar, an author credit
    ("By ...", "(Reporting by ...)"); button: one share-bar button on a line of its own; furniture: a
    share bar or credit that only its shape marks as boilerplate;
    nav, caption, promo, boiler: the fragment kinds.
    """
    s, words = pl.col("s"), pl.col("words")
    n_esc = s.str.count_matches(_URL_ESCAPE)
    capitalised = s.str.count_matches(r"(?:^|\s)[\"'“‘(«¿¡]*\p{Lu}")
    short = words <= NOISE_MAX_WORDS
    return lines.with_columns(
        # One escape in a word with no spaces ("The%20trailblazers"), or escapes dense enough that
        # spaces are incidental: 3+ of them making up at least a fifth of the line.
        enc=(n_esc > 0)
        & (~s.str.contains(" ", literal=True) | ((n_esc >= 3) & (n_esc * 15 >= s.str.len_chars()))),
        ends=_flag(_PROSE_END),
        listy=(capitalised > _CAPITALISED_SHARE * words) | _flag(_LINK_LIKE) | headline_run(s),
        kv=key_value(s),
        list_item=_flag(_LIST_ITEM),
        byline=_flag(_BYLINE),
        related=_flag(_RELATED) & short,
        comments=(_flag(_COMMENTS) & short) | _flag(_COMMENTS_INLINE),
        share=(_flag(f"^{_SHARE_RUN}$") & _flag(_SHARE_NETWORK)) | _flag(_SHARE_LINE),
        button=_flag(_SHARE_BUTTON_LINE),
    ).with_columns(
        # "Facebook | Twitter | Email" is a share bar, not a menu.
        nav=(_flag(_NAVIGATION) & ~pl.col("share")) | (_flag(_POST_LINKS) & short),
        caption=_flag(_CAPTION) | (_flag(_CREDIT) & ~pl.col("ends") & (words <= 15)),
        promo=_flag(_PROMO) | pl.col("related"),
        credit=_flag(_CREDIT_LINE) & (words <= _CREDIT_MAX_WORDS),
        boiler=((_flag(_BOILERPLATE) | _flag(_BOILERPLATE_MORE)) & short) | _flag(_BOILERPLATE_INLINE)
        | pl.col("comments"),
    ).with_columns(
        furniture=(pl.col("share") | pl.col("credit")) & ~pl.col("boiler"),
    ).with_columns(
        boiler=pl.col("boiler") | pl.col("furniture"),
    )
