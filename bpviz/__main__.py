"""``python -m bpviz``: the command line."""

from bpviz.cli import main

if __name__ == "__main__":
    main()
