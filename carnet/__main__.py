"""`python -m carnet`: the same command as `carnet`."""

from carnet.cli import main

main()
