"""One package per theme; the registry (``sitemigrate.registry``) says which is which."""
