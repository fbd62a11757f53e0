"""The command line: check-config, replay, export, users and the rest of `forewarn <command>`."""
