"""The scenario files and actor data sets bundled with negsim.

This folder is their one copy: the top-level ``scenarios/README.md`` of a checkout points here,
and the sdist and the wheel ship these files as package data. List them with ``negsim list``
(which also prints this folder) or :func:`negsim.bundled_scenarios` and
:func:`negsim.spatial.bundled_actor_data`; load one by name with
``negsim.load_scenario("kurils-2018-2019")``.
"""
