"""BILLmanager's wire protocol: argv in, one XML document out, errors as BILLmanager's error XML."""
