"""`python -m carnet`: the same command as `carnet`."""

from carnet.cli import main

if __name__ == "__main__":  # not when a worker process of `carnet.pool` imports it as its main module
    main()
