"""``python -m negsim``: the same as the ``negsim`` command."""

from .cli import command

raise SystemExit(command())
