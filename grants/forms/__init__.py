"""Forms, one module per topic: the plan editor, starting a plan, importing lines, decisions on a plan, and the
OPCC's pages. They read what people type (amounts as `£12,500`, dates as day, month, year) and lay the page
out; the rules are checked again in grants/services."""
