"""`assess serve`: the HTTP API and the review workbench, a face beside the command line.

Needs the ``serve`` extra (``pip install 'assess[serve]'``). The library never imports
this package; it uses the library only through its public API.
"""

from __future__ import annotations

from assess.service.app import create_app

__all__ = ["create_app"]
