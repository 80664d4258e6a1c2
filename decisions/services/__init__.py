"""Every write to decisions, their text versions, written procedures and positions.

Split in two modules: `decision` (the record, its text and its lifecycle, adoption with its
reference) and `procedure` (open, answer, withdraw an objection, extend, withdraw, close).
"""

from decisions.services.decision import (  # noqa: F401
    decision_adopt,
    decision_create,
    decision_move,
    decision_update,
)
from decisions.services.procedure import (  # noqa: F401, E402
    objection_withdraw,
    position_answer,
    procedure_close,
    procedure_extend,
    procedure_open,
    procedure_withdraw,
    procedures_close_due,
)
