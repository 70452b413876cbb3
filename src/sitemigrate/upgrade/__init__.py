"""``sitemigrate upgrade``: move a customised fork of a theme onto the theme's newer version.

``versions`` knows the theme's past versions (file and config-value hashes shipped as data in
``converters/versions/``) and finds the version a site forked; ``plan`` sorts the site's
files into content (carried by reader -> model -> writer), the theme's own files, the user's
customisations and conflicts; ``config`` merges the keys the user set into the new
version's ``_config.yml``.
"""
