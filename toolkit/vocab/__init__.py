"""Vocabularies: the code tables and dictionaries the stages look codes up in.

Gives the CAMEO event codes with Goldstein scores, QuadClass and PLOVER types, and the actor role
codes (`codes`), and reads the actor, agent and role-word dictionaries shipped in toolkit/data or
given by a recipe (`dictionaries`). Fills no column itself: entities and events look codes up here.
"""
