"""The rubric stage: a ruleset's text read, checked and compiled into a program.

``yamldoc`` reads YAML with line numbers, ``spec`` holds the file format and its load
checks, ``expr`` the condition language, ``program`` the intermediate form both engines
evaluate.
"""
