"""Forms for the plan editor, starting a plan and importing lines: they read what people type (amounts as
`£12,500`, dates as day, month, year) and lay the page out; the rules are checked again in grants/services."""
