"""Figures: every amount a page, document or export shows is worked out in this package and nowhere else.

`plans` has a spending plan's figures, money by Police and Crime Plan priority, each line's approval and the
plan in force; `areas` has a force area's totals for a year. Views, templates, documents and exports only read
them.
"""
