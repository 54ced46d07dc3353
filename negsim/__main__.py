"""``python -m negsim``: the same as the ``negsim`` command."""

from .cli import main

raise SystemExit(main())
