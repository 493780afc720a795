"""Entities: the people, organisations, countries and places the articles mention.

Takes articles and their sentences and gives mentions with exact spans and one canonical entity each
(`mentions`): countries and places from the gazetteer (`gazetteer`), people and bodies from name
patterns, titles and role words (`people`), resolved to one entity with a country and role
(`resolve`); `recognizers` is the optional model-based recogniser behind the same interface.

Fills every column of mentions and of entities.
"""
