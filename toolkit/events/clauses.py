"""Clause reading for events: which mentions head an actor phrase, and which matches are the acts they name.

Rules (whole-column expressions; the events stage applies them, `toolkit.events.actors` reads the first two):
- a nation adjective or acronym written as a modifier is not an actor: before a lower-case noun that is
  not an agent of a state or a people ("Ruritanian farmers", "Syldavian exporters", "the UK retailer")
  the phrase's head is that noun, which no dictionary codes. Agents keep the mention as actor
  ("Ruritanian police", "Syldavian lawmakers", "Bordurian troops"), and so does a modifier of the match
  itself ("the Bordurian invasion of", "Syldavian drone attacks on");
- a country, place or organisation after such a noun and a preposition ("heavy rain in Ruritania",
  "charities in Freedonia") is not the subject; "officials in Strelsau" is, and so are a person ("the
  timing of General Varga's visit") and a possessive ("the cost of Ruritania's blockade"). As an
  object it remains the target;
- a lower-case noun before a relative pronoun or "that" between the subject and the verb ("a pay row
  that delayed") is the verb's subject, not the mention; an agent noun is the mention's own
  ("Syldavian senators who oppose");
- attack words need a scene of force: "attacked", "attack on", "raided", "clashed with" and the like are
  coded as force (18x-20x) only when the words around them name weapons, armed men, violence or
  casualties, an armed actor takes part, or the target is a country or place. Otherwise an attack is a
  verbal one, coded 111 (criticize or denounce: "attacked the proposal", "an editorial attacking the
  tax plan"), and a raid, clash, bombardment or fight is not an event ("raided the biscuit tin",
  "bombarded with complaints");
- an apposition between a subject and its verb describes the subject and reports no act: in
  "Ruritania, a key ally of Syldavia, has refused", Ruritania refused and Syldavia is no actor. It is
  read as a phrase led by "a", "an", "the" or "another", closed by a comma and followed by a verb
  (an auxiliary, a modal, a speech verb or a form in -ed); a phrase with "and" or "or" is a list;
- a meeting, visit or hosting (04x, except pairs and talks "between") needs a target: "Ruritania went
  to the polls", "Freedonia has met its targets", "Strelsau hosted the festival" name no one visited
  or met; so does material cooperation (06x): "Ruritania's investment in roads" or "trade figures"
  name no partner.
"""

from __future__ import annotations

import polars as pl

from toolkit.events.lexicon import IRREGULAR

# Nouns whose phrase a nation's or place's name may stand for: agents of a state, armed groups and their
# arms, and the people of a country. Any other noun ("farmers", "retailer", "rail") heads its own phrase.
AGENT_NOUNS = (
    r"officials?|authorit(?:y|ies)|government|governments|administration|regime|ministry|ministries|ministers?"
    r"|president|premier|leaders?|leadership|chancellor|secretary|spokes(?:man|men|woman|women|person|people)"
    r"|envoys?|ambassadors?|diplomats?|embassy|consulate|delegations?|delegates?|negotiators?|representatives?"
    r"|counterparts?|sides?|state|states|regulators?|watchdog|prosecutors?|police|policemen|officers?|judges?"
    r"|courts?|lawmakers?|legislators?|senators?|parliament|parliamentarians?|mps|meps|politicians?"
    r"|forces|troops|soldiers|army|armies|military|navy|naval|air|marines|defen[cs]es?|artillery|drones?|helicopters?|gunships?"
    r"|missiles?|rockets?|jets?|warplanes?|warships?|ships?|vessels?|aircraft|tanks?|units?|border|guards?"
    r"|coastguards?|security|intelligence|spies|agents?|militants?|militias?|militiamen|rebels?|insurgents?"
    r"|separatists?|fighters?|gunmen|guerrillas?|jihadists?|extremists?|terrorists?|hackers?|protesters?"
    r"|protestors?|demonstrators?|activists?|civilians?|citizens?|nationals?|people|population|residents?"
    r"|refugees?|migrants?|prisoners?|detainees?|hostages?|captives?|pows|groups?|members?|coalition|alliance"
    r"|bloc|allies|ally|partners?|neighbou?rs?"
)
# Words after a name that show it heads its phrase: auxiliaries, function words and common verbs that do
# not end in -ed ("Ruritania went", "Freedonia says", "Syldavia has").
_HEAD_WORDS = (
    r"has|have|had|is|are|was|were|be|been|being|will|would|could|can|may|might|should|must|shall|did|does"
    r"|do|also|and|or|nor|but|which|who|whose|whom|that|to|of|in|on|at|for|with|by|from|as|than|into|over"
    r"|after|before|since|until|about|against|under|its|their|his|her|the|a|an|this|it|they|now|then|still"
    r"|not|never|already|yesterday|today|tomorrow|last|next|first|again|too|said|says|say|went|goes|came|comes"
    r"|took|takes|made|makes|gave|gives|told|tells|held|holds|met|meets|sent|sends|left|got|gets|began"
    r"|begins|won|wins|lost|saw|sees|wants|plans|hopes|needs|seems|remains|became|becomes|warns|insists"
    r"|claims|urges|agrees|refuses|accuses|rejects|denies|announces|expects|faces|knows|thinks|believes"
    r"|reports|shows|continues|keeps|calls|tries|stands|sits|runs|leads|looks|hit|put|set|cut|struck|fought"
    r"|sold|bought|threw|drew|broke|spoke|chose|rose|fell|led|paid|sought|brought|built|shot|kept|dealt|found"
    r"|thought|felt|meant|heard|stood|won|ran|let"
    # Conjunctions and prepositions, which never are the noun a name modifies.
    r"|while|when|where|whereas|because|although|though|if|unless|once|so|yet|during|amid|amidst|near|across"
    r"|outside|inside|through|throughout|despite|without|within|toward|towards|around|along|between|among"
    r"|amongst|beyond|upon|via|per|like|unlike|including|following|off|out|up|down|back|away|together"
    r"|again|also|even|only|just|too|very|here|there|later|earlier|soon|often|ever"
    # The other irregular past tenses ("blew", "fled", "swept"), except those that are as often nouns.
    + "".join(sorted({f"|{f}" for base, (past, _) in IRREGULAR.items() for f in past.split("|")
                      if f != base and f not in ("bore", "bound")}))
)
_NEXT_WORD = r"^ (\p{Ll}[\p{Ll}-]*)\b"
# Roles whose killings are unconventional violence (`recode_killing`), and the words of a killing.
_IRREGULAR = ["INS", "UAF", "CRM", "RAD", "CVL"]
_KILLING = r"(?i)\b(?:kill|killed|killing|kills|massacred?|massacring|slaughter(?:ed|ing|s)?|slain|slew)\b"
# A preposition of place and its article, before the place it introduces.
LOCATIVE_PREP = r"(?i)\b(?:in|at|near|outside|inside|across|throughout|around)\s+(?:the\s+)?"
_LOCATIVE = LOCATIVE_PREP + "$"
_PREP_HEAD = r"\b(\p{Ll}[\p{Ll}-]*)\s+(?:in|at|of|across|throughout|around|outside|inside)\s+(?:the\s+)?$"
_ANY_AGENT = rf"^(?:{AGENT_NOUNS})$"
_ANY_HEAD = rf"^(?:{_HEAD_WORDS})$|(?:ed|ly)$"
# A lower-case noun before a relative pronoun or "that" in the gap: the verb's subject is that noun.
_RELATIVE_HEAD = r"\b(\p{Ll}[\p{Ll}-]*)\s+(?:that|which|who|whom)\s"

# Triggers that are as often verbal or figurative as they are force: their first word (after a modal).
_AMBIGUOUS_FORCE = (
    r"(?i)^(?:(?:will|would|could|to|may|might|shall|not|n't|and|also)\s+)?"
    # A light verb before the noun: "launched a scathing attack on".
    r"(?:(?:launch\w*|mount\w*|made|make|makes|making|stag\w+|unleash\w*)\s+(?:an?|the|its|his|her|their|fresh|new)\s+"
    r"(?:[\w-]+\s+)?)?(?:attack|attacks|attacked|attacking"
    r"|assault|assaults|assaulted|assaulting|offensive|aggression|strike|strikes|raid|raids|raided|stormed|storms"
    r"|clash|clashes|clashed|clashing|bombard|bombarded|bombards|bombarding|fought|fights|fighting)\b"
)
_VERBAL_ATTACK = r"(?i)\b(?:attack|attacks|attacked|attacking|assault|assaults|assaulted|assaulting)\b"
# Words that make a scene of force: weapons, armed men, violence and its casualties ("war" apart, below).
_FORCE_CUE = (
    r"(?i)\b(?:troops?|soldiers?|army|armies|military|militar\w+|militants?|militias?|rebels?|insurgents?|gunmen"
    r"|guerrillas?|fighters|terror\w*|police|forces|warplanes?|jets|tanks?|artillery|missiles?|rockets?"
    r"|bombs?|bombing|bomber|shell(?:s|ing|ed)|gun\w*|weapons?|armed|airstrikes?|air strikes?|explosi\w+|blasts?"
    r"|killed|killing|dead|deaths?|died|wounded|injured|casualties|violen\w+|riots?|hostages?|invasion|invad\w+"
    r"|occupation|ceasefire|truce|siege|battle\w*|combat|frontline|front line|border|territory|positions|base"
    r"|village|town)\b"
)
_WAR = r"(?i)\bwars?\b"
_WAR_OF_WORDS = r"(?i)\bwar\s+of\s+words\b"
_ARMED_ACTOR = r"(?:MIL|COP|REB|INS|UAF|SEP|SPY)"
# A preposition of occasion or cause, then a determiner, possessive or number (and up to two more words)
# right before a trigger: the trigger names an earlier event (see `background`).
_BACKGROUND = (
    r"(?i)\b(?:following|after|since|during|amid|amidst|in\s+the\s+wake\s+of|in\s+response\s+to"
    r"|in\s+retaliation\s+for|because\s+of|due\s+to|despite|over"
    # The people and days an earlier act is remembered by: "victims of the bombing", "anniversary of the".
    r"|(?:victims|survivors|families|relatives|anniversary|memory|memorial|commemoration)\s+(?:to|of))\s+"
    r"(?:the|a|an|its|their|his|her|this|that|these|those|last\s+\w+['’]s|\d[\d,]*)\s+(?:[\w'’-]+\s+){0,2}$"
)
# CAMEO's investigations (09x) are of another actor's conduct (crime, corruption, abuses, military
# action): an inquiry into a crash or a fire names no one and is no event.
TARGET_NEEDED = r"^(?:04[0-6]|06|09)"


def function_or_verb(word: pl.Expr) -> pl.Expr:
    """True for a lower-case word that is a function word or a verb form (see `_HEAD_WORDS`), no modifier."""
    return word.str.contains(_ANY_HEAD)


def modifies_noun(s_text: pl.Expr, s_begin: pl.Expr, end: pl.Expr, next_match: pl.Expr, adjective: pl.Expr) -> pl.Expr:
    """True for a nation adjective or acronym ("Ruritanian", "UK") before a lower-case noun it does not stand for.

    Only adjectives and acronyms are read so: after a full name a lower-case word is as often an adverb
    or a verb ("ties with Gondor almost five years after"), and the name stays the actor.
    """
    word = s_text.str.slice(end - s_begin, 40).str.extract(_NEXT_WORD, 1)
    noun_after = word.is_not_null() & ~word.str.contains(_ANY_AGENT) & ~word.str.contains(_ANY_HEAD)
    # The match itself right after the name: "Bordurian invasion of", "Ruritania went to".
    on_match = (next_match - end <= 1).fill_null(False)
    return (adjective & noun_after & ~on_match).fill_null(False)


def relative_subject(gap: pl.Expr) -> pl.Expr:
    """True for a subject-to-verb gap whose noun before "that"/"which"/"who" is the verb's subject.

    "a pay row that delayed": the row delays. Agents keep the mention ("Syldavian senators who
    oppose"), and so does a speech verb ("said that its cabinet would refuse").
    """
    word = gap.str.extract(_RELATIVE_HEAD, 1)
    return (word.is_not_null() & ~word.str.contains(_ANY_AGENT) & ~word.str.contains(_ANY_HEAD)).fill_null(False)


def after_locative(s_text: pl.Expr, s_begin: pl.Expr, start: pl.Expr) -> pl.Expr:
    """True for a mention right after a preposition of place ("in", "at", "near" …): where, not who."""
    before = s_text.str.slice((start - s_begin - 20).clip(lower_bound=0), (start - s_begin).clip(upper_bound=20))
    return before.str.contains(_LOCATIVE).fill_null(False)


def after_noun(s_text: pl.Expr, s_begin: pl.Expr, start: pl.Expr) -> pl.Expr:
    """True for a mention after a lower-case noun that is no agent and a preposition ("rain in Ruritania").

    Such a mention is no subject: the noun before it is. As an object it stays the target, the place
    an act is aimed at ("fired shells at Seoul").
    """
    before = s_text.str.slice((start - s_begin - 60).clip(lower_bound=0), (start - s_begin).clip(upper_bound=60))
    head = before.str.extract(_PREP_HEAD, 1)
    return (head.is_not_null() & ~head.str.contains(_ANY_AGENT) & ~head.str.contains(_ANY_HEAD)).fill_null(False)


def force_context(s_text: pl.Expr, s_begin: pl.Expr, v_start: pl.Expr, v_end: pl.Expr) -> pl.Expr:
    """True when the words around a match (80 characters before, 60 after) make a scene of force."""
    lo = (v_start - s_begin - 80).clip(lower_bound=0)
    window = s_text.str.slice(lo, v_end - s_begin + 60 - lo)
    # "war" counts, but not in "war of words".
    return window.str.contains(_FORCE_CUE) | (window.str.contains(_WAR) & ~window.str.contains(_WAR_OF_WORDS))


def recode_force(trigger: pl.Expr, violent: pl.Expr) -> pl.Expr:
    """cameo_code with attack words outside a scene of force read as verbal (111) or as no event (null)."""
    force = pl.col("cameo_code").str.contains(r"^(?:18|19|20)")
    doubtful = force & trigger.str.contains(_AMBIGUOUS_FORCE) & ~violent
    return (
        pl.when(~doubtful).then(pl.col("cameo_code"))
        .when(trigger.str.contains(_VERBAL_ATTACK)).then(pl.lit("111"))
    )


def recode_killing(trigger: pl.Expr) -> pl.Expr:
    """cameo_code with a killing by insurgents, militias, criminals or a crowd read as unconventional
    violence (180), not the fighting of armed forces (190), which the lexicon's "kill" codes by default.
    Rebels fighting troops fight (19); killing civilians, or people the text does not say, they too use
    unconventional violence."""
    source_role, target_role = pl.col("source_code").str.slice(-3), pl.col("target_code").str.slice(-3)
    unarmed_target = pl.col("target_code").is_null() | target_role.is_in(["CVL", "REF"])
    irregular = (source_role.is_in(_IRREGULAR) | ((source_role == "REB") & unarmed_target)).fill_null(False)
    killing = (pl.col("cameo_code") == "190") & trigger.str.contains(_KILLING)
    return pl.when(killing & irregular).then(pl.lit("180")).otherwise(pl.col("cameo_code"))


def background(s_text: pl.Expr, s_begin: pl.Expr, v_start: pl.Expr) -> pl.Expr:
    """True for an act named as the occasion of another ("after the invasion of", "in the wake of the
    execution of", "protests over the killing of"): a reference to an earlier event, not a report of one.

    Only a noun phrase counts, one led by a determiner, possessive or number: "after killing two
    soldiers" is the subject's own act.
    """
    lo = (v_start - s_begin - 80).clip(lower_bound=0)
    return s_text.str.slice(lo, v_start - s_begin - lo).str.contains(_BACKGROUND).fill_null(False)


_APPOSITION = (
    r"^(.*?\w)(,\s+(?:(?:a|an|the|another)\s+[^,;:!?()\"“”]{2,90}?|\d{1,3}),)\s+"
    r"(?:has|have|had|is|are|was|were|will|would|could|can|may|might|should|must|did|does|do|said|says"
    r"|told|\p{Ll}+ed)\b"
)


def apposition(s_text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(start, length) in the sentence of its first apposition between a subject and its verb (see the
    module docstring), null when there is none."""
    found = s_text.str.extract_groups(_APPOSITION)
    phrase = found.struct.field("2")
    ok = phrase.is_not_null() & ~phrase.str.contains(r"\s(?:and|or|nor)\s")
    return (
        pl.when(ok).then(found.struct.field("1").str.len_chars()),
        pl.when(ok).then(phrase.str.len_chars()),
    )


def blank(s_text: pl.Expr, at: pl.Expr, length: pl.Expr) -> pl.Expr:
    """`s_text` with `length` characters from `at` made spaces (unchanged where `at` is null): offsets hold."""
    return pl.when(at.is_not_null()).then(
        pl.concat_str(s_text.str.slice(0, at), pl.lit("").str.pad_end(length), s_text.str.slice(at + length))
    ).otherwise(s_text)


# "the cost of", "the handling of": a thing of the target's that is not a place in it.
_THING_OF = r"(?i)\b\p{L}+\s+of\s+(?:the\s+)?$"
_PLACE_OF = (
    r"(?i)\b(?:city|town|village|capital|province|region|port|district|outskirts|suburbs?|centre|center|parts?"
    r"|areas?|north|south|east|west|heart|borders?|coast|territory|streets?)\s+of\s+(?:the\s+)?$"
)


def owned_by_target(gap: pl.Expr) -> pl.Expr:
    """True when the words between an attack word and a country or place target make the attack one on
    a thing of the target's, not on a place ("an attack on the cost of Ruritania's asylum system"):
    such a target is no scene of force."""
    return gap.str.contains(_THING_OF) & ~gap.str.contains(_PLACE_OF)


def commercial(code: pl.Expr) -> pl.Expr:
    """True for an actor code of a business (BUS) or multinational corporation (MNC)."""
    return code.str.contains(r"(?:BUS|MNC)$|^MNC").fill_null(False)


def armed(code: pl.Expr) -> pl.Expr:
    """True for an actor code with an armed role (military, police, rebels, insurgents)."""
    return code.str.slice(3).str.contains(_ARMED_ACTOR).fill_null(False) | code.str.contains(
        rf"^{_ARMED_ACTOR}").fill_null(False)


def lacks_needed_target() -> pl.Expr:
    """True for a visit, meeting, hosting, material cooperation or investigation (04x, 06x, 09x; not a
    pair or "between") that names no one as target."""
    return (
        pl.col("cameo_code").str.contains(TARGET_NEEDED)
        & pl.col("roles").is_in(["forward", "reverse", "passive"])
        & pl.col("target_id").is_null() & pl.col("target_code").is_null()
    )
