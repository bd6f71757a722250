"""Date formats for each language of the interface (FORMAT_MODULE_PATH). Whatever a module leaves out comes from
Django's own formats for that language."""
