"""pmenomssl: a BILLmanager 6 processing module that resells ENOM SSL certificates."""

__version__ = "0.1.0"
