"""Date formats where Django's defaults are not the UN's (FORMAT_MODULE_PATH)."""
