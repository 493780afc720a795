"""Entities: the people, organisations, countries and places the articles mention.

Takes articles and their sentences and gives mentions with exact spans and one canonical entity each
(`mentions`): countries and places from the gazetteer (`gazetteer`), people and bodies from name
patterns, titles and role words (`people`), resolved to one entity with a country and role
(`resolve`); `recognizers` is the optional model-based recogniser behind the same interface.

Fills every column of mentions and of entities.

The build runs it on articles in LANGUAGES and on those too short to tell
(`toolkit.text.language.language_in`); in articles of other languages it finds countries only, by
their CLDR names (`country_names`, `mentions.country_mentions`), and the rest are kept with no mentions.
"""

# Languages whose articles get every kind of entity. English only: people and organisations come from
# English capitalisation, titles and role words, and the gazetteer's names are English. Countries in
# other languages come from the Unicode CLDR (country_names.py), not pycountry's translations: those
# are catalogue names ("Korea, Republic of" translated) without the everyday name ("Russia" has none).
LANGUAGES = ("en",)
