"""The `zarrphase` subcommands, one module each (`info`, `copy`, `verify`), plus the progress bar
they and `zarrphase bench` share. `zarrphase.cli` parses the arguments and dispatches here."""
