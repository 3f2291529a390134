"""The reseller handler's operator room: its demo, panel texts and installation kind."""
