"""The csl source kind: a CSL-JSON or CSL-YAML file of references."""
