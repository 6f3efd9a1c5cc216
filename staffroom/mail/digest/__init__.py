"""The personalised email digest (daily or weekly): what it covers (periods), who gets it
(queueing, tasks), what it says (content) and how it reads (render). Decision 0027.

Importing the package registers the renderer and the periodic job (staffroom.mail.apps).
"""

from staffroom.mail.digest import render, tasks

__all__ = ["render", "tasks"]
