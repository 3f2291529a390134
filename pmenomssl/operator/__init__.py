"""Installing the module into BILLmanager and checking an installation (operator tools)."""
