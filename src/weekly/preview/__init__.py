"""Preview a draft in the browser, rebuilt on every save."""
