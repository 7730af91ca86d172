"""The classroom: notebook 07's explorer and the exercises, and the Voila app that serves them with no code
(``nanoflux classroom``).

``explorer`` (both radii, recomputed and redrawn as a student moves a control), ``exercises`` (questions
checked against the module's own formulas, with hints and never the answer), ``app`` (Voila on the
teacher's machine; its notebook, configuration and offline template are in ``assets/``).
"""
from nanoflux.classroom.app import DEFAULT_PORT, ClassroomError, serve

__all__ = ["DEFAULT_PORT", "ClassroomError", "serve"]
