"""The performance benchmark (issue 7): `python -m bench [--quick]`; see bench/run.py."""
