"""`python -m pmenomssl` runs the same entry point as the `pmenomssl` executable."""

from pmenomssl.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
