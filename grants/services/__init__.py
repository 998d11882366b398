"""Every write that spans rows or changes a state, as keyword-only `@transaction.atomic` functions named
`<thing>_<verb>` that validate and raise `ValidationError` (one module per topic)."""
