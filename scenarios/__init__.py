"""The scenario files bundled with negsim (installed as ``negsim.scenarios``).

List them with ``negsim list`` or :func:`negsim.bundled_scenarios`; load one by name with
``negsim.load_scenario("kurils-2018-2019")``.
"""
