"""Pure national rules: standard library only, typed, no Django."""
