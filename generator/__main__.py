"""`python -m generator` is the same as the `mentorkit` command."""

from .cli import main

if __name__ == "__main__":
    main()
