"""Files of other negotiation platforms: GENIUS XML and GeniusWeb JSON, in and out.

A folder holding a GENIUS domain and its profiles, or a GeniusWeb domain and its profiles, is
a scenario wherever one is accepted (:func:`negsim.load_scenario`, ``negsim run FOLDER``,
``negsim analyze FOLDER``); :func:`convert` (``negsim convert IN OUT``) goes between TOML,
GENIUS and GeniusWeb. How each format is read (normalisation, discretisation, discounting,
reservation values) is in :mod:`negsim.formats.model`, :mod:`negsim.formats.genius` and
:mod:`negsim.formats.geniusweb`; ``docs/how-to/use-genius-files.md`` shows it at work.
"""

from __future__ import annotations

from .folder import FORMATS, Folder, convert, folder_kind, read_folder, read_foreign, write_folder
from .model import DEFAULT_ROUNDS, Domain, Profile, per_round_discount

__all__ = [
    "DEFAULT_ROUNDS",
    "FORMATS",
    "Domain",
    "Folder",
    "Profile",
    "convert",
    "folder_kind",
    "per_round_discount",
    "read_folder",
    "read_foreign",
    "write_folder",
]
